"""Saved searches that report what is new since they last ran.

They live in a small SQLite database beside the index (``INDEX/corpusearch-saved.sqlite``), which
re-indexing leaves alone. Each run records, per matching article, a fingerprint of the article as
indexed (the digest of its file, or a hash of its content for articles added as records); on the
next run a hit is *new* when its article was not seen by the last run or its fingerprint changed,
that is when the article was added or changed after the last run.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpusearch.errors import CorpusearchError, QueryError

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

__all__ = [
    "FILTERS",
    "SAVED_FILE",
    "SCHEMA_VERSION",
    "SavedRun",
    "SavedSearch",
    "SavedSearchError",
    "SavedSearches",
]

SAVED_FILE = "corpusearch-saved.sqlite"
SCHEMA_VERSION = 1
FILTERS = ("author", "topic", "source", "since", "until")
NAME = re.compile(r"[\w][\w .\-]{0,63}")
# A run fetches every matching paragraph in one search; past this many it stops (a query this
# broad is not one to watch) and says so in its notices.
MAX_RUN_HITS = 20_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS searches (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    filters TEXT NOT NULL,
    created TEXT NOT NULL,
    last_run TEXT
);
CREATE TABLE IF NOT EXISTS seen (
    search TEXT NOT NULL REFERENCES searches(name) ON DELETE CASCADE,
    article TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (search, article)
);
"""


class SavedSearchError(CorpusearchError):
    """A saved search is unknown, badly named, or its database cannot be used."""


@dataclass(frozen=True)
class SavedSearch:
    """A query and its filters under a name, and when it last ran (ISO time, UTC)."""

    name: str
    query: str
    filters: tuple[tuple[str, str], ...] = ()
    created: str = ""
    last_run: str | None = None

    def search_kwargs(self) -> dict[str, Any]:
        return dict(self.filters)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "query": self.query,
            "filters": dict(self.filters),
            "created": self.created,
            "last_run": self.last_run,
        }


@dataclass(frozen=True)
class SavedRun:
    """What one run of a saved search found: its new hits (or all of them), in rank order."""

    search: SavedSearch
    hits: tuple[Any, ...]  # search Hits
    new: int  # matching paragraphs new since the last run
    total: int  # matching paragraphs
    first_run: bool
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "search": self.search.to_json(),
            "new": self.new,
            "total": self.total,
            "first_run": self.first_run,
            "hits": [hit.to_json() for hit in self.hits],
            "notices": list(self.notices),
        }


class SavedSearches:
    """The saved searches of a corpus: ``add``, ``list``, ``run``, ``remove``."""

    def __init__(self, corpus: Corpus, path: str | Path | None = None) -> None:
        self.corpus = corpus
        self.path = Path(path) if path is not None else Path(corpus.path) / SAVED_FILE

    def __repr__(self) -> str:
        return f"SavedSearches({str(self.path)!r})"

    def add(
        self, name: str, query: str, *, replace: bool = False, **filters: str | None
    ) -> SavedSearch:
        """Save ``query`` with ``filters`` as ``name``; the query is checked against the index first."""
        name = " ".join(name.split())
        if not NAME.fullmatch(name):
            raise SavedSearchError(
                f"bad saved search name {name!r}",
                hint="use up to 64 letters, digits, spaces, dots, dashes or underscores",
            )
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise SavedSearchError(f"unknown filter {sorted(unknown)[0]!r}")
        kept: dict[str, Any] = {key: value for key, value in filters.items() if value}
        if not query.strip() and not kept:
            raise QueryError("a saved search needs words or a filter")
        if self.corpus.exists():
            self.corpus.search(query, limit=1, **kept)  # a bad query or date fails now, not later
        saved = SavedSearch(name, query, tuple(sorted(kept.items())), _now())
        with self._db() as db:
            exists = db.execute("SELECT 1 FROM searches WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise SavedSearchError(
                    f"a saved search named {name!r} exists",
                    hint="remove it first, or choose another name",
                )
            db.execute("DELETE FROM searches WHERE name = ?", (name,))
            db.execute(
                "INSERT INTO searches (name, query, filters, created) VALUES (?, ?, ?, ?)",
                (name, query, json.dumps(kept, sort_keys=True), saved.created),
            )
        return saved

    def list(self) -> tuple[SavedSearch, ...]:
        """Every saved search, by name."""
        if not self.path.exists():
            return ()
        with self._db() as db:
            rows = db.execute(
                "SELECT name, query, filters, created, last_run FROM searches ORDER BY name"
            ).fetchall()
        return tuple(_saved(row) for row in rows)

    def get(self, name: str) -> SavedSearch:
        for saved in self.list():
            if saved.name == name:
                return saved
        raise SavedSearchError(
            f"no saved search named {name!r}", hint="list them with: corpusearch saved list"
        )

    def remove(self, name: str) -> None:
        self.get(name)
        with self._db() as db:
            db.execute("DELETE FROM searches WHERE name = ?", (name,))

    def run(self, name: str, *, everything: bool = False, mark: bool = True) -> SavedRun:
        """The hits of saved search ``name`` new since its last run (all of them with
        ``everything``); with ``mark`` this run becomes the one the next is compared with."""
        saved = self.get(name)
        hits, total, notices = self._all_hits(saved)
        fingerprints = self._fingerprints({hit.article for hit in hits})
        with self._db() as db:
            seen = dict(
                db.execute(
                    "SELECT article, fingerprint FROM seen WHERE search = ?", (name,)
                ).fetchall()
            )
            first_run = saved.last_run is None
            fresh = tuple(
                h for h in hits if first_run or seen.get(h.article) != fingerprints[h.article]
            )
            if mark:
                now = _now()
                db.execute("DELETE FROM seen WHERE search = ?", (name,))
                db.executemany(
                    "INSERT INTO seen (search, article, fingerprint) VALUES (?, ?, ?)",
                    [(name, article, print_) for article, print_ in fingerprints.items()],
                )
                db.execute("UPDATE searches SET last_run = ? WHERE name = ?", (now, name))
                saved = SavedSearch(saved.name, saved.query, saved.filters, saved.created, now)
        shown = hits if everything else fresh
        return SavedRun(saved, shown, len(fresh), total, first_run, notices)

    def run_all(self, *, everything: bool = False, mark: bool = True) -> tuple[SavedRun, ...]:
        return tuple(self.run(s.name, everything=everything, mark=mark) for s in self.list())

    def _all_hits(self, saved: SavedSearch) -> tuple[tuple[Any, ...], int, tuple[str, ...]]:
        kwargs = saved.search_kwargs()
        first = self.corpus.search(saved.query, limit=1, **kwargs)
        if first.total <= 1:
            return first.hits, first.total, first.notices
        limit = min(first.total, MAX_RUN_HITS)
        result = self.corpus.search(saved.query, limit=limit, **kwargs)
        notices = result.notices
        if first.total > limit:
            notices += (
                f"only the first {limit} of {first.total} matching paragraphs were compared",
            )
        return result.hits, result.total, notices

    def _fingerprints(self, article_ids: set[str]) -> dict[str, str]:
        """Each article's digest as indexed: from its summary when the library lists digests
        there, else read with the article (about the cost of the search itself)."""
        listed = {s.id: getattr(s, "digest", "") for s in self.corpus.articles()}
        return {a: listed.get(a) or self._fingerprint(a) for a in article_ids}

    def _fingerprint(self, article_id: str) -> str:
        article = self.corpus.article(article_id)
        if article.digest:
            return article.digest
        content = json.dumps(article.to_json(), sort_keys=True, ensure_ascii=False)
        return "sha1:" + hashlib.sha1(content.encode("utf-8")).hexdigest()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction, on a database created (or checked) at this version."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10)) as db:
                db.execute("PRAGMA foreign_keys = ON")
                with db:
                    _check_schema(db, self.path)
                    yield db
        except sqlite3.Error as error:
            raise SavedSearchError(
                f"cannot use the saved searches in {self.path} ({error})",
                hint=f"move {self.path.name} away to start afresh",
            ) from error


def _check_schema(db: sqlite3.Connection, path: Path) -> None:
    if not _has_meta(db):
        db.executescript(_SCHEMA)
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    elif int(row[0]) > SCHEMA_VERSION:
        raise SavedSearchError(
            f"{path} was written by a newer corpusearch (schema {row[0]})",
            hint="upgrade corpusearch to read it",
        )


def _has_meta(db: sqlite3.Connection) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    return found.fetchone() is not None


def _saved(row: tuple[Any, ...]) -> SavedSearch:
    name, query, filters, created, last_run = row
    return SavedSearch(name, query, tuple(sorted(json.loads(filters).items())), created, last_run)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
