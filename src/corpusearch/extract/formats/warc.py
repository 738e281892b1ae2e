"""Web archives (``.warc``, ``.warc.gz``, read with warcio): each captured HTML page is a record.

Only successful HTML captures are pages: ``response`` records with a 2xx status and an HTML
content type, and ``resource`` records with an HTML content type. Redirects, error responses,
non-HTML captures (images, scripts, PDFs) and ``revisit`` records are skipped and counted; the
other record types (requests, metadata, warcinfo) are not pages and pass unremarked. A URL
captured several times keeps its latest capture (by WARC-Date; the later record on a tie) and the
others are counted as older captures.

``captured`` is the capture's WARC-Date; ``date`` is left to the page (publication date): the
two differ, and a search by date means the publication. The key of a record is its URL.

The archive is read twice, once to choose the captures (headers only) and once to read them,
so that a large archive never has to be held in memory.
"""

from __future__ import annotations

import gzip
import importlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpusearch.extract.formats import InputRecord, RecordProblem

__all__ = ["HTML_TYPES", "read_warc"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGES = ("response", "resource")
MAGIC = b"WARC/"  # the record types that hold a capture
CHARSET_SNIFF_BYTES = 4096  # a <meta charset> stands in the page's head
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_STATUS_SKIPS = {3: "redirect", 4: "error response", 5: "error response"}


@dataclass(frozen=True)
class _Capture:
    ordinal: int  # the record's position in the archive, counting every record
    offset: int
    url: str
    captured: str


def read_warc(path: Path, skipped: Counter[str]) -> Iterator[InputRecord | RecordProblem]:
    """The latest HTML capture of each URL in the archive at ``path``, in archive order."""
    try:
        _check_magic(path)
    except (OSError, EOFError, ValueError) as error:
        yield RecordProblem(str(path), _message(error))
        return
    chosen: dict[str, _Capture] = {}
    problems: list[RecordProblem] = []
    for capture in _captures(path, skipped, problems):
        previous = chosen.get(capture.url)
        if previous is None or capture.captured >= previous.captured:
            chosen[capture.url] = capture
        if previous is not None:
            skipped["older capture"] += 1
    yield from problems
    wanted = {capture.ordinal: capture for capture in chosen.values()}
    if wanted:
        yield from _read_chosen(path, wanted)


def _check_magic(path: Path) -> None:
    """Raise ValueError unless the file (gzipped or not) starts like a WARC record."""
    with path.open("rb") as stream:
        head = stream.read(2)
    if head == b"\x1f\x8b":
        with gzip.open(path, "rb") as unzipped:
            head = unzipped.read(len(MAGIC))
    else:
        with path.open("rb") as stream:
            head = stream.read(len(MAGIC))
    if head != MAGIC:
        raise ValueError("not a WARC file (its first record does not start with WARC/)")


def _iterate(stream: Any, *, check_digests: bool = False) -> Any:
    # warcio ships no type hints: it is loaded as Any, and only when an archive is read.
    archive = importlib.import_module("warcio.archiveiterator")
    return archive.ArchiveIterator(stream, check_digests=check_digests)


def _load_failed() -> type[Exception]:
    exceptions = importlib.import_module("warcio.exceptions")
    failed: type[Exception] = exceptions.ArchiveLoadFailed
    return failed


def _captures(
    path: Path, skipped: Counter[str], problems: list[RecordProblem]
) -> Iterator[_Capture]:
    offset = 0
    try:
        with path.open("rb") as stream:
            records = _iterate(stream)
            for ordinal, record in enumerate(records):
                offset = records.get_record_offset()
                reason = _skip_reason(record)
                if reason is not None:
                    if reason:
                        skipped[reason] += 1
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                captured = record.rec_headers.get_header("WARC-Date") or ""
                if not url:
                    problems.append(RecordProblem(f"{path}@{offset}", "a page without a URL"))
                    continue
                yield _Capture(ordinal, offset, url.strip("<> "), captured)
    except (OSError, EOFError, ValueError, _load_failed()) as error:
        problems.append(RecordProblem(f"{path}@{offset}", f"cannot read on ({_message(error)})"))


def _skip_reason(record: Any) -> str | None:
    """None for a page; the reason to count it under; "" for a record that is not a capture."""
    kind = record.rec_type
    if kind == "revisit":
        return "revisit"
    if kind not in PAGES:
        return ""
    if kind == "response":
        if record.http_headers is None:
            return "not http"
        status = _status(record.http_headers.get_statuscode())
        if status // 100 != 2:
            return _STATUS_SKIPS.get(status // 100, "not a page")
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media = content_type.split(";")[0].strip().lower()
    return None if media in HTML_TYPES else "not html"


def _status(code: Any) -> int:
    try:
        return int(str(code).strip()[:3])
    except ValueError:
        return 0


def _read_chosen(path: Path, wanted: dict[int, _Capture]) -> Iterator[InputRecord | RecordProblem]:
    location = str(path)
    try:
        with path.open("rb") as stream:
            for ordinal, record in enumerate(_iterate(stream, check_digests=True)):
                capture = wanted.get(ordinal)
                if capture is not None:
                    location = f"{path}@{capture.offset}"
                    yield _record(path, record, capture)
    except (OSError, EOFError, ValueError, _load_failed()) as error:
        yield RecordProblem(location, f"cannot read on ({_message(error)})")


def _record(path: Path, record: Any, capture: _Capture) -> InputRecord | RecordProblem:
    location = f"{path}@{capture.offset}"
    body: bytes = record.content_stream().read()  # HTTP chunking and compression undone
    if not _complete(record):
        return RecordProblem(location, f"the capture of {capture.url} is cut short or damaged")
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    html = _decode(body, headers.get_header("Content-Type") or "")
    if not html.strip():
        return RecordProblem(location, f"empty page for {capture.url}")
    return InputRecord(
        key=capture.url,
        kind="html",
        text=html,
        path=path,
        location=location,
        url=capture.url,
        captured=capture.captured or None,
    ).with_digest()


def _complete(record: Any) -> bool:
    """False when the record's digest fails, or it states one that its cut content never reached."""
    passed = record.digest_checker.passed
    if passed is None:
        headers = record.rec_headers
        stated = headers.get_header("WARC-Payload-Digest") or headers.get_header(
            "WARC-Block-Digest"
        )
        return not stated
    return bool(passed)


def _decode(body: bytes, content_type: str) -> str:
    """The page's text: the charset the headers or the page name, else UTF-8, else cp1252."""
    declared = re.search(r"charset\s*=\s*[\"']?([\w-]+)", content_type, re.IGNORECASE)
    sniffed = _META_CHARSET.search(body[:CHARSET_SNIFF_BYTES])
    names = [m.group(1) for m in (declared, sniffed) if m is not None]
    for name in [*(n if isinstance(n, str) else n.decode("ascii") for n in names), "utf-8"]:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def _message(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
