"""Files that hold many articles, or one article in a container format: their records.

A reader turns one file into :class:`InputRecord` items (one per article) and
:class:`RecordProblem` items (a bad record, reported with its location and skipped): a JSON Lines
or CSV export (:mod:`.exports`), a WARC web archive (:mod:`.warc`), a PDF report (:mod:`.pdf`).
:func:`records_of` picks the reader by the file's name. Each reader imports its library (warcio,
pypdf) only when such a file is read, so ``import corpusearch`` loads none of them.

What a record's ``kind`` asks of the cleaning that follows:

- ``"html"``: ``text`` is an HTML page, cleaned like an ``.html`` file;
- ``"page-text"``: ``text`` is a whole page as text (menus, footers and all), cleaned like a dump;
- ``"body"``: ``text`` is the article body already (paragraphs separated by blank lines), taken
  as it is; a PDF's paragraphs also come in ``pages`` with their page numbers.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import partial
from pathlib import Path

__all__ = [
    "KINDS",
    "READERS",
    "InputRecord",
    "Item",
    "RecordProblem",
    "Records",
    "format_of",
    "is_multi_record",
    "record_digest",
    "records_of",
]

KINDS = ("html", "page-text", "body")


@dataclass(frozen=True)
class InputRecord:
    """One article as a file holds it, before cleaning.

    ``key`` is stable across runs and unique within its file: the page's URL, else the record's
    position (``line:N`` in an export; a PDF's one record is ``document``); with the file's path it
    identifies the record (see ``articles.record_article_id``). ``location`` says where it was
    read, for messages (``PATH:LINE``, ``PATH@OFFSET`` in a WARC, ``PATH``). ``digest`` changes
    when anything else in the record changes, so that re-indexing a grown export rewrites only
    its new and changed records. ``captured`` is when a
    web archive fetched the page (ISO timestamp), never its publication ``date`` (ISO day).
    """

    key: str
    kind: str  # one of KINDS
    text: str  # HTML markup when kind is "html"
    path: Path  # the file the record came from
    location: str  # where in that file, for messages: PATH:LINE, PATH@OFFSET or PATH
    url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None  # publication day, ISO YYYY-MM-DD
    captured: str | None = None  # capture time of a web archive, ISO 8601 as the archive says
    source: str | None = None  # publisher or site
    language: str | None = None  # ISO 639-1 as the record states it; None: detect from the body
    topics: tuple[str, ...] = ()
    pages: tuple[tuple[int, str], ...] = ()  # PDF: (page number, paragraph), in reading order
    digest: str = field(default="", compare=False)

    def with_digest(self) -> InputRecord:
        """This record with its ``digest`` computed from every other field."""
        return replace(self, digest=record_digest(self))


@dataclass(frozen=True)
class RecordProblem:
    """A record that could not be read: where it is (``PATH:LINE``, ``PATH@OFFSET``) and why."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def record_digest(record: InputRecord) -> str:
    """A SHA-1 of everything the record says except its digest and where it was read from."""
    digest = hashlib.sha1()
    for name in _DIGESTED:
        value = getattr(record, name)
        # text is hashed as it is: a page's JSON encoding would cost more than its reading
        data = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        digest.update(f"{name}\0".encode())
        digest.update(data.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


_DIGESTED = tuple(
    f.name for f in fields(InputRecord) if f.name not in ("digest", "path", "location")
)


Item = InputRecord | RecordProblem


class Records(Iterator[Item]):
    """The items of one file; ``skipped`` counts what was left out on purpose, by reason.

    Bad records are :class:`RecordProblem` items; ``skipped`` is for records that are fine but
    not articles (a WARC's redirects, images and error pages, an older capture of a URL), which
    would be noise as one message each. It is complete once the iteration ends.
    """

    def __init__(self, path: Path, items: Callable[[Counter[str]], Iterator[Item]]) -> None:
        self.path = path
        self.skipped: Counter[str] = Counter()
        self._items = items(self.skipped)

    def __iter__(self) -> Records:
        return self

    def __next__(self) -> Item:
        return next(self._items)

    def summary(self) -> str:
        """The skipped counts as one line ("1 not html, 2 redirect"), empty when none."""
        return ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))


# Name endings -> the format that reads them.
READERS: dict[str, str] = {
    ".jsonl": "export",
    ".jsonl.gz": "export",
    ".ndjson": "export",
    ".ndjson.gz": "export",
    ".csv": "export",
    ".csv.gz": "export",
    ".tsv": "export",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".pdf": "pdf",
}


def format_of(path: Path) -> str | None:
    """The registered name ending of ``path`` (".jsonl.gz", ".pdf"...), None for other files."""
    name = path.name.lower()
    matches = [suffix for suffix in READERS if name.endswith(suffix)]
    return max(matches, key=len) if matches else None


def is_multi_record(path: Path) -> bool:
    """Whether ``path`` is read by :func:`records_of` rather than as one text or HTML page."""
    return format_of(path) is not None


def records_of(path: Path, *, fields: Mapping[str, str] | None = None) -> Records:
    """The records of one file, in file order, bad ones as :class:`RecordProblem` items.

    ``fields`` maps our field names to an export's (see :mod:`.exports`); other formats ignore
    it. A file that cannot be read at all (missing, not gzip, not a PDF, encrypted) gives one
    problem located at its path; a file with no registered ending raises
    :class:`~corpusearch.errors.UnsupportedFileError`.
    """
    suffix = format_of(path)
    if suffix is None:
        from corpusearch.errors import UnsupportedFileError

        raise UnsupportedFileError(f"{path}: not a JSONL, CSV, WARC or PDF file")
    return Records(path, partial(_read, READERS[suffix], path, fields))


def _read(
    reader: str, path: Path, fields: Mapping[str, str] | None, skipped: Counter[str]
) -> Iterator[Item]:
    # Each reader's module, and the library it uses, is imported only when such a file comes.
    if reader == "export":
        from corpusearch.extract.formats.exports import read_export

        return read_export(path, skipped, fields=fields)
    if reader == "warc":
        from corpusearch.extract.formats.warc import read_warc

        return read_warc(path, skipped)
    from corpusearch.extract.formats.pdf import read_pdf

    return read_pdf(path, skipped)
