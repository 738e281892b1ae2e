"""Batch search: a list of queries run against the whole collection, one table row per hit.

Queries come one per line (blank lines and ``#`` comments skipped) or from a column of a CSV file.
A query that fails (an unknown field, a bad date...) is reported in its own row and the batch goes
on; a query without hits still gets a row, so that every query of the list shows in the table.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from corpusearch.citations import citation, csv_cell
from corpusearch.errors import CorpusearchError, IndexNotFoundError, UnreadableFileError

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

__all__ = [
    "COLUMNS",
    "FORMATS",
    "MAX_QUERIES",
    "BatchError",
    "BatchQuery",
    "BatchResult",
    "batch_search",
    "parse_queries",
    "read_queries",
    "write_results",
]

# A list longer than this is more likely a wrong file (a corpus, a log) than a list of names.
MAX_QUERIES = 10_000
FORMATS = ("csv", "json", "jsonl")
COLUMNS = (
    "line",
    "query",
    "total",
    "rank",
    "score",
    "id",
    "article",
    "paragraph",
    "title",
    "authors",
    "date",
    "source",
    "url",
    "section",
    "citation",
    "snippet",
    "error",
)
_MARK = re.compile(r"</?mark>")


class BatchError(CorpusearchError):
    """A list of queries cannot be read (no such column, too many queries)."""


@dataclass(frozen=True)
class BatchQuery:
    """A query and the line (or CSV row) of the list it came from, counted from 1."""

    line: int
    query: str


@dataclass(frozen=True)
class BatchResult:
    """One query's hits (its first ``limit``), how many paragraphs matched, or why it failed."""

    line: int
    query: str
    total: int
    hits: tuple[Any, ...] = ()  # search Hits
    error: str | None = None

    def rows(self) -> list[dict[str, Any]]:
        """The table rows of this query: one per hit, or one empty row (with the error, if any)."""
        if not self.hits:
            empty: dict[str, Any] = dict.fromkeys(COLUMNS)
            return [
                {
                    **empty,
                    "line": self.line,
                    "query": self.query,
                    "total": self.total,
                    "error": self.error,
                }
            ]
        return [self._row(rank, hit) for rank, hit in enumerate(self.hits, 1)]

    def _row(self, rank: int, hit: Any) -> dict[str, Any]:
        return {
            "line": self.line,
            "query": self.query,
            "total": self.total,
            "rank": rank,
            "score": round(hit.score, 4),
            "id": hit.id,
            "article": hit.article,
            "paragraph": hit.position,
            "title": hit.title,
            "authors": list(hit.authors),
            "date": hit.date,
            "source": hit.source,
            "url": hit.url,
            "section": hit.section,
            "citation": citation(hit),
            "snippet": unescape(_MARK.sub("", hit.snippet)),
            "error": None,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "query": self.query,
            "total": self.total,
            "error": self.error,
            "hits": [hit.to_json() for hit in self.hits],
        }


def parse_queries(
    text: str, *, csv_column: str | None = None, is_csv: bool = False
) -> tuple[BatchQuery, ...]:
    """The queries of a list: one per line, or (``is_csv`` or a ``csv_column``) a CSV column,
    by default the one named ``query``, else the first."""
    if is_csv or csv_column:
        found = _csv_queries(text, csv_column)
    else:
        found = [
            BatchQuery(number, " ".join(line.split()))
            for number, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if len(found) > MAX_QUERIES:
        raise BatchError(
            f"{len(found)} queries; a batch runs at most {MAX_QUERIES}", hint="split the list"
        )
    return tuple(found)


def _csv_queries(text: str, column: str | None) -> list[BatchQuery]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return []
    names = [name.strip() for name in header]
    wanted = column if column is not None else ("query" if "query" in names else names[0])
    if wanted not in names:
        raise BatchError(
            f"no column {wanted!r} in the CSV header", hint=f"columns: {', '.join(names)}"
        )
    index = names.index(wanted)
    found = []
    for number, row in enumerate(reader, 2):
        query = " ".join(row[index].split()) if index < len(row) else ""
        if query:
            found.append(BatchQuery(number, query))
    return found


def read_queries(path: str | Path, *, csv_column: str | None = None) -> tuple[BatchQuery, ...]:
    """The queries of a file (a ``.csv`` file, or any with ``csv_column``, is read as CSV)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"{path} is not UTF-8 text") from error
    except OSError as error:
        raise UnreadableFileError(f"cannot read {path}: {error.strerror or error}") from error
    return parse_queries(text, csv_column=csv_column, is_csv=path.suffix.lower() == ".csv")


def batch_search(
    corpus: Corpus,
    queries: Iterable[BatchQuery | str],
    *,
    limit: int = 10,
    progress: Callable[[BatchResult], None] | None = None,
    **filters: Any,
) -> Iterator[BatchResult]:
    """Run each query with ``filters``, in order, yielding its first ``limit`` hits.

    A query that fails yields a result with its ``error``; only a missing index stops the batch.
    """
    for number, item in enumerate(queries, 1):
        query = item if isinstance(item, BatchQuery) else BatchQuery(number, item)
        try:
            found = corpus.search(query.query, limit=limit, **filters)
            result = BatchResult(query.line, query.query, found.total, found.hits)
        except IndexNotFoundError:
            raise
        except (CorpusearchError, ValueError) as error:
            hint = getattr(error, "hint", None)
            message = f"{error} ({hint})" if hint else str(error)
            result = BatchResult(query.line, query.query, 0, error=message)
        if progress is not None:
            progress(result)
        yield result


def write_results(results: Iterable[BatchResult], fmt: str, out: TextIO) -> int:
    """Write the rows of ``results`` to ``out`` as they come (``csv``, ``json`` or ``jsonl``);
    returns the number of rows written."""
    if fmt not in FORMATS:
        raise BatchError(f"unknown batch format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    writer = csv.writer(out, lineterminator="\r\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    elif fmt == "json":
        out.write("[")
    count = 0
    for result in results:
        for row in result.rows():
            if writer is not None:
                writer.writerow([csv_cell(_flat(row[name])) for name in COLUMNS])
            elif fmt == "json":
                out.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
            else:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    if fmt == "json":
        out.write("\n]\n")
    return count


def _flat(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, list) else value
