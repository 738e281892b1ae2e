"""Scraper exports: JSON Lines (``.jsonl``, ``.ndjson``, gzipped or not) and CSV/TSV, one article a record.

Field names are recognised from the common exporters (trafilatura's JSON, news-please, Scrapy
item exports...): see :data:`SYNONYMS`. A sidecar ``NAME.meta.json`` beside the export may hold
``"fields"``, a map from our field name to the export's (``{"text": "story", "date":
"meta.published"}``; a dotted name reaches into nested objects), and ``"text_is"``: ``"body"``
or ``"page"`` to say what the text field holds. Its other keys (``source``, ``topics``,
``series``...) are defaults for every record, which its own fields override.

A record with HTML is an ``"html"`` record. A record with text is a ``"body"`` when the exporter
already extracted the article and a ``"page-text"`` (cleaned like a dump) when it is a whole
page; :func:`looks_like_page` decides. A text field that holds markup is taken as HTML.

The key of a record is its URL, else ``line:N`` (its first line in the file): the same when the
export grows at its end, and unique within the file: of records with the same URL, the last one
is read and the earlier ones counted (the export is read twice for that, once for the keys).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, cast

from corpusearch.extract.formats import InputRecord, RecordProblem

__all__ = [
    "SYNONYMS",
    "TEXT_IS",
    "looks_like_page",
    "read_export",
    "record_from",
]

# Our field -> the names exporters give it, most specific first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "canonical_url", "source_url", "page_url", "uri", "href"),
    "title": ("title", "headline", "og_title", "name_of_article"),
    "text": (
        "maintext",  # news-please
        "text",  # trafilatura
        "article_body",
        "articleBody",
        "body_text",
        "full_text",
        "content",
        "body",
        "raw_text",
    ),
    "html": ("html", "raw_html", "page_html", "source_html", "content_html", "body_html"),
    "date": (
        "date",
        "date_publish",  # news-please
        "published",
        "published_at",
        "publish_date",
        "pubdate",
        "datePublished",
        "date_published",
    ),
    "captured": ("date_download", "crawled_at", "scraped_at", "fetched_at", "date_crawled"),
    "authors": ("authors", "author", "byline", "creator", "creators"),
    # trafilatura's "source" is the page's URL: a URL found here is taken as the URL instead
    "source": (
        "sitename",
        "source-hostname",  # trafilatura
        "site_name",
        "publisher",
        "source_domain",  # news-please
        "domain",
        "hostname",
        "source",
    ),
    "language": ("language", "lang", "locale"),
    "topics": ("topics", "tags", "categories", "keywords"),
}
TEXT_IS = ("body", "page")  # the values of a sidecar's "text_is"

# looks_like_page: a whole page starts and ends with navigation and footers: short lines that end
# no sentence, and lines naming cookies, subscriptions, copyright. Measured on the 123 pages of
# the article extraction benchmark (shared/eval/aeb: each page's text dump against its gold
# article body): 3 pages of 123 are taken for bodies and 6 bodies of 123 for pages.
EDGE_LINES = 15  # lines read at each end of the text
SHORT_LINE_WORDS = 6  # a line of fewer words that ends no sentence is navigation-like
PAGE_EDGE_SHARE = 0.5  # at least this share of the edge lines navigation-like: a page
PAGE_FURNITURE_LINES = 2  # or at least this many short lines naming site furniture
FURNITURE_LINE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]…]$")
_MARKUP = re.compile(r"<(?:!doctype|html|body|div|p|article|section|head)\b", re.IGNORECASE)
_URL = re.compile(r"^https?://", re.IGNORECASE)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
EPOCH_RANGE = (10**8, 10**10)  # seconds since 1970: 1973 to 2286; larger numbers are milliseconds
CSV_SNIFF_BYTES = 64 * 1024
CSV_FIELD_LIMIT = 2**31 - 1  # a cell may hold a whole page's HTML, past csv's 128 KiB default


def read_export(
    path: Path, skipped: Counter[str], *, fields: Mapping[str, str] | None = None
) -> Iterator[InputRecord | RecordProblem]:
    """The records of one export; ``fields`` (our name -> theirs) overrides the sidecar's map."""
    try:
        settings = _sidecar(path)
    except ValueError as error:
        yield RecordProblem(str(path), str(error))
        return
    mapping = {**settings.get("fields", {}), **(fields or {})}
    last = _last_lines(path, mapping)
    for line, row in _rows(path):
        location = f"{path}:{line}"
        if isinstance(row, RecordProblem):
            yield row
            continue
        key = _key(row, mapping, line)
        if last.get(key, line) != line:
            skipped["earlier record of a repeated URL"] += 1
            continue
        try:
            yield record_from(
                row, path=path, line=line, mapping=mapping, defaults=settings, notes=skipped
            )
        except ValueError as error:
            yield RecordProblem(location, str(error))


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | RecordProblem]]:
    name = path.name.lower().removesuffix(".gz")
    return _csv_rows(path) if name.endswith((".csv", ".tsv")) else _json_rows(path)


def _last_lines(path: Path, mapping: Mapping[str, str]) -> dict[str, int]:
    """The line of each key's last record: a URL exported twice keeps its later record, so that
    keys are unique within the file (a re-scraped page replaces the old one)."""
    last: dict[str, int] = {}
    for line, row in _rows(path):
        if not isinstance(row, RecordProblem):
            last[_key(row, mapping, line)] = line
    return last


def _key(row: Mapping[str, Any], mapping: Mapping[str, str], line: int) -> str:
    try:
        url = _url(row, _getter(row, mapping, {}))
    except ValueError:
        url = None
    return url or f"line:{line}"


def _url(row: Mapping[str, Any], get: Any) -> str | None:
    return _text(get("url")) or _url_in(row.get("source"))


def record_from(
    row: Mapping[str, Any],
    *,
    path: Path,
    line: int,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
    notes: Counter[str] | None = None,
) -> InputRecord:
    """One export record as an :class:`InputRecord`; raises ValueError saying what is wrong.

    A date that is no date is dropped (the record is kept) and counted in ``notes``.
    """
    get = _getter(row, mapping or {}, defaults or {})
    html = _text(get("html"))
    text = _body(get("text"))
    text_is = (defaults or {}).get("text_is")
    if html is None and text is not None and _MARKUP.search(text[:2000]):
        html, text = text, None
    if html is not None:
        kind, content = "html", html
    elif text is not None:
        page = looks_like_page(text) if text_is not in TEXT_IS else text_is == "page"
        kind, content = ("page-text" if page else "body"), text
    else:
        names = ", ".join(sorted(map(str, row))[:12])
        raise ValueError(f"no text or html field (fields: {names or 'none'})")
    url = _url(row, get)
    source = _text(get("source"))
    if source is not None and _URL.match(source):
        source = None  # a URL names no publisher: it is then the URL's host
    try:
        day = _day(get("date"))
    except ValueError:
        day = None
        if notes is not None:
            notes["date not understood (kept, undated)"] += 1
    return InputRecord(
        key=url or f"line:{line}",
        kind=kind,
        text=content,
        path=path,
        location=f"{path}:{line}",
        url=url,
        title=_text(get("title")),
        authors=_names(get("authors")),
        date=day,
        captured=_timestamp(get("captured")),
        source=source,
        language=_language(get("language")),
        topics=_names(get("topics"), split_commas=True),
    ).with_digest()


def _url_in(value: Any) -> str | None:
    """``value`` when it is a URL (trafilatura's "source" field), else None."""
    text = _text(value) if isinstance(value, str) else None
    return text if text is not None and _URL.match(text) else None


def looks_like_page(text: str) -> bool:
    """Whether ``text`` is a whole page (menus, footers) rather than an extracted article body."""
    from corpusearch.extract.dumps_lines import FURNITURE

    lines = [line.strip() for line in text.split("\n") if line.strip()]
    edges = lines if len(lines) <= 2 * EDGE_LINES else lines[:EDGE_LINES] + lines[-EDGE_LINES:]
    short = sum(
        1
        for line in edges
        if len(line.split()) < SHORT_LINE_WORDS and not _SENTENCE_END.search(line)
    )
    furniture = sum(
        1
        for line in lines
        if len(line.split()) < FURNITURE_LINE_WORDS and FURNITURE.search(line) is not None
    )
    return short >= PAGE_EDGE_SHARE * len(edges) or furniture >= PAGE_FURNITURE_LINES


def _sidecar(path: Path) -> dict[str, Any]:
    from corpusearch.extract.ingest import sidecar_path

    found = sidecar_path(path) or _export_sidecar(path)
    if found is None:
        return {}
    try:
        data = json.loads(found.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{found}: not a valid JSON sidecar ({error})") from error
    if not isinstance(data, dict):
        raise ValueError(f"{found}: a sidecar must hold a JSON object")
    fields = data.get("fields", {})
    if not isinstance(fields, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in fields.items()
    ):
        raise ValueError(f'{found}: "fields" must map field names to field names')
    unknown = sorted(set(fields) - set(SYNONYMS))
    if unknown:
        raise ValueError(
            f'{found}: unknown field {unknown[0]!r} in "fields" (known: {", ".join(SYNONYMS)})'
        )
    if data.get("text_is") not in (None, *TEXT_IS):
        raise ValueError(f'{found}: "text_is" must be "body" or "page"')
    return data


def _export_sidecar(path: Path) -> Path | None:
    """``NAME.meta.json`` for ``NAME.jsonl.gz`` (ingest's rule drops one suffix only)."""
    name = path.name
    for suffix in (".gz", ".jsonl", ".ndjson", ".csv", ".tsv"):
        name = name.removesuffix(suffix)
    candidate = path.with_name(name + ".meta.json")
    return candidate if candidate.is_file() else None


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _json_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | RecordProblem]]:
    line = 0
    try:
        with _open(path) as stream:
            for line, raw in enumerate(stream, start=1):
                if not raw.strip():
                    continue
                yield line, _json_row(raw, f"{path}:{line}")
    except (OSError, EOFError) as error:
        yield line + 1, RecordProblem(f"{path}:{line + 1}", f"cannot read on ({error})")


def _json_row(raw: bytes, location: str) -> dict[str, Any] | RecordProblem:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        row = json.loads(text)
    except json.JSONDecodeError as error:
        return RecordProblem(location, f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(row, dict):
        return RecordProblem(location, f"a record must be a JSON object, not {type(row).__name__}")
    return row


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | RecordProblem]]:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    end = 0  # the last line of the row read last
    try:
        with _open(path) as raw:
            head = raw.read(CSV_SNIFF_BYTES)
            encoding = _encoding(head)
            raw.seek(0)
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            reader = csv.reader(text, dialect=_dialect(head.decode(encoding, "replace"), path))
            header = [name.strip() for name in next(reader, [])]
            end = reader.line_num
            for cells in reader:
                line, end = end + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(header):
                    problem = f"{len(cells)} cells but the header names {len(header)}"
                    yield line, RecordProblem(f"{path}:{line}", problem)
                    continue
                yield line, {k: v for k, v in zip(header, cells, strict=False) if v.strip()}
    except (OSError, EOFError, csv.Error) as error:
        yield end + 1, RecordProblem(f"{path}:{end + 1}", f"cannot read on ({error})")


def _encoding(head: bytes) -> str:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8-sig"


def _dialect(sample: str, path: Path) -> type[csv.Dialect] | csv.Dialect:
    if path.name.lower().removesuffix(".gz").endswith(".tsv"):
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _getter(row: Mapping[str, Any], mapping: Mapping[str, str], defaults: Mapping[str, Any]) -> Any:
    lowered = {str(k).lower(): v for k, v in row.items()}

    def get(name: str) -> Any:
        if name in mapping:
            return _dotted(row, mapping[name])
        for synonym in SYNONYMS[name]:
            value = row.get(synonym, lowered.get(synonym.lower()))
            if value not in (None, "", []):
                return value
        return defaults.get(name)

    return get


def _dotted(row: Mapping[str, Any], name: str) -> Any:
    if name in row:
        return row[name]
    value: Any = row
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, list):
        value = " ".join(str(item) for item in value if item is not None)
    if not isinstance(value, str | int | float):
        raise ValueError(f"expected text, not {type(value).__name__}")
    return " ".join(str(value).split()) or None


def _body(value: Any) -> str | None:
    """A text field with its line breaks kept; a list of paragraphs is joined by blank lines."""
    if value is None:
        return None
    if isinstance(value, list):
        value = "\n\n".join(str(item) for item in value if item)
    if not isinstance(value, str):
        raise ValueError(f"the text field should be text, not {type(value).__name__}")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() else None


def _names(value: Any, *, split_commas: bool = False) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        separators = r"[;|\n]" + (r"|," if split_commas or ";" not in value else "")
        parts = re.split(separators, value) if split_commas or _several(value) else [value]
    elif isinstance(value, list):
        parts = [item.get("name", "") if isinstance(item, dict) else item for item in value]
    elif isinstance(value, dict):
        parts = [value.get("name", "")]
    else:
        raise ValueError(f"expected names, not {type(value).__name__}")
    names = (" ".join(str(part).split()) for part in parts if part is not None)
    return tuple(dict.fromkeys(name for name in names if name))


def _several(value: str) -> bool:
    """Whether an author string lists several people ("A; B", "A, B"), not "Smith, John"."""
    if re.search(r"[;|\n]", value):
        return True
    parts = [part.strip() for part in value.split(",")]
    return len(parts) > 1 and all(len(part.split()) >= 2 for part in parts)


def _day(value: Any) -> str | None:
    """A publication date as ISO ``YYYY-MM-DD``: ISO text, epoch seconds, or a written date."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > EPOCH_RANGE[1] else value
        if EPOCH_RANGE[0] <= seconds <= EPOCH_RANGE[1]:
            return datetime.fromtimestamp(seconds, UTC).date().isoformat()
        raise ValueError(f"date {value!r} is not a date")
    text = str(value).strip()
    match = _ISO_DAY.match(text)
    if match is not None:
        try:
            year, month, day = map(int, match.groups())
            return date(year, month, day).isoformat()
        except ValueError as error:
            raise ValueError(f"date {text!r} is not a calendar date") from error
    from corpusearch.extract.metadata import parse_date

    found = parse_date(text)
    if found is None:
        raise ValueError(f"date {text!r} is not a date")
    return found


def _timestamp(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > EPOCH_RANGE[1] else value
        return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
    return str(value).strip() or None


def _language(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    primary = re.split(r"[-_]", text)[0].lower()
    return primary if primary.isalpha() and len(primary) in (2, 3) else None
