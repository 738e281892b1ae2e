"""Lines a text dump shares with other pages of the corpus: menus, footers, teasers, legal notes.

A single page cannot tell its site's furniture from its article; the corpus can. A line of two
words or more that also stands on another page is boilerplate for the dump cleaner, unless the
other page is a copy of this one (they share half their prose lines): a story indexed twice, or
syndicated by two sites, keeps its body. The lines of every indexed dump are kept, as 64-bit
hashes, in a small SQLite table beside the index, so that indexing stays incremental.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpusearch.extract.dumps_lines import is_prose, parse_lines
from corpusearch.extract.ingest import Source

_MIN_WORDS = 2
_CHUNK = 500  # SQLite's limit on bound parameters is far above; this keeps statements short
_COPY_SHARE = 0.5


def line_key(text: str) -> int:
    """A signed 64-bit hash of a line's text (what SQLite stores as an INTEGER)."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class PageLines:
    """The hashed lines of one dump that can count as boilerplate, and those that are prose."""

    keys: frozenset[int]
    prose: frozenset[int]

    @classmethod
    def of(cls, text: str) -> PageLines:
        return _read_lines(text)[0]


class LineTable:
    """Which pages hold which lines; an SQLite file beside the index, or in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self._db = sqlite3.connect(":memory:" if path is None else str(path))
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS lines (key INTEGER, source TEXT, prose INTEGER);
            CREATE INDEX IF NOT EXISTS lines_key ON lines (key);
            CREATE INDEX IF NOT EXISTS lines_source ON lines (source);
            CREATE TABLE IF NOT EXISTS pages (source TEXT PRIMARY KEY, prose INTEGER);
            CREATE TABLE IF NOT EXISTS stamp (generation INTEGER);
            """
        )

    def __enter__(self) -> LineTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    def generation(self) -> int | None:
        """The index generation these lines were committed with (None: never stamped)."""
        row = self._db.execute("SELECT generation FROM stamp").fetchone()
        return None if row is None else int(row[0])

    def set_generation(self, generation: int) -> None:
        self._db.execute("DELETE FROM stamp")
        self._db.execute("INSERT INTO stamp VALUES (?)", (generation,))

    def clear(self) -> None:
        """Forget every page (the caller then records the lines of every dump again)."""
        self._db.execute("DELETE FROM lines")
        self._db.execute("DELETE FROM pages")
        self._db.execute("DELETE FROM stamp")

    def sources(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT source FROM pages")}

    def keys_of(self, source: str) -> set[int]:
        rows = self._db.execute("SELECT key FROM lines WHERE source = ?", (source,))
        return {row[0] for row in rows}

    def replace(self, source: str, page: PageLines) -> None:
        self.remove(source)
        self._db.executemany(
            "INSERT INTO lines VALUES (?, ?, ?)",
            ((key, source, int(key in page.prose)) for key in page.keys),
        )
        self._db.execute("INSERT INTO pages VALUES (?, ?)", (source, len(page.prose)))

    def remove(self, source: str) -> None:
        self._db.execute("DELETE FROM lines WHERE source = ?", (source,))
        self._db.execute("DELETE FROM pages WHERE source = ?", (source,))

    def page_counts(self, keys: Iterable[int]) -> dict[int, int]:
        """How many pages hold each of ``keys`` (keys on no page are left out)."""
        query = "SELECT key, COUNT(DISTINCT source) FROM lines WHERE key IN ({}) GROUP BY key"
        return dict(self._select_in(query, keys))

    def sources_with(self, keys: Iterable[int]) -> set[str]:
        return {
            row[0] for row in self._select_in("SELECT source FROM lines WHERE key IN ({})", keys)
        }

    def shared(self, source: str, text: str) -> frozenset[str]:
        """The lines of dump ``text`` that stand on another page that is not a copy of it."""
        page, texts = _read_lines(text)
        copies = {source} | self._copies(source, page)
        rows = self._select_in("SELECT key, source FROM lines WHERE key IN ({})", texts)
        return frozenset(texts[key] for key, other in rows if other not in copies)

    def shared_of(self, source: Source) -> frozenset[str]:
        """:meth:`shared` for a file read: a text dump's shared lines; none for an HTML page."""
        if source.kind != "text":
            return frozenset()
        return self.shared(str(source.path), source.text)

    def update(self, pages: dict[str, PageLines], removed: Iterable[str]) -> set[str]:
        """Replace the lines of ``pages``, drop ``removed``; the other pages whose shared lines changed."""
        touched: set[int] = set()
        for source in [*pages, *removed]:
            touched |= self.keys_of(source)
        for page in pages.values():
            touched |= page.keys
        before = self.page_counts(touched)
        for source in removed:
            self.remove(source)
        for source, page in pages.items():
            self.replace(source, page)
        after = self.page_counts(touched)
        flipped = {key for key in touched if (before.get(key, 0) >= 2) != (after.get(key, 0) >= 2)}
        return self.sources_with(flipped) - set(pages)

    def _copies(self, source: str, page: PageLines) -> set[str]:
        """Other pages sharing at least half the prose lines of the shorter of the two."""
        together: dict[str, int] = {}
        query = (
            "SELECT source, COUNT(*) FROM lines WHERE prose = 1 AND key IN ({})"
            " AND source != ? GROUP BY source"
        )
        for other, count in self._select_in(query, page.prose, source):
            together[other] = together.get(other, 0) + count
        if not together:
            return set()
        query = "SELECT source, prose FROM pages WHERE source IN ({})"
        sizes: dict[str, int] = dict(self._select_in(query, together))
        return {
            other
            for other, count in together.items()
            if count >= 2 and count >= _COPY_SHARE * min(len(page.prose), sizes.get(other, 0))
        }

    def _select_in(
        self, query: str, values: Iterable[int] | Iterable[str], *after: object
    ) -> Iterator[tuple[Any, ...]]:
        """The rows of ``query`` (its "IN ({})" filled with ``values``, a chunk at a time); the
        parameters ``after`` follow each chunk's."""
        ordered: list[Any] = sorted(values)  # line keys or page names, in a stable order
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(query.format(marks), [*chunk, *after])


def shared_lines(pages: Sequence[tuple[str, str]]) -> Iterator[tuple[str, frozenset[str]]]:
    """For each (name, dump text), the lines it shares with the others (see :class:`LineTable`)."""
    with LineTable() as table:
        for name, text in pages:
            table.replace(name, PageLines.of(text))
        for name, text in pages:
            yield name, table.shared(name, text)


def _read_lines(text: str) -> tuple[PageLines, dict[int, str]]:
    """A dump's :class:`PageLines` and the text of each of its keys, from one parse."""
    texts: dict[int, str] = {}
    prose: set[int] = set()
    for line in parse_lines(text):
        if line.words >= _MIN_WORDS:
            key = line_key(line.text)
            texts[key] = line.text
            if is_prose(line):
                prose.add(key)
    return PageLines(frozenset(texts), frozenset(prose)), texts
