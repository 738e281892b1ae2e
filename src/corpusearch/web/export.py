"""Search results as citations and CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any


def citation(hit: Any) -> str:
    """A one-line citation of a hit: authors, title, source, date, paragraph and URL when known."""
    parts = []
    if hit.authors:
        parts.append(", ".join(hit.authors))
    parts.append(f"“{hit.title}”" if hit.title else f"“{hit.article}”")
    if hit.source:
        parts.append(hit.source)
    parts.append(hit.date or "n.d.")
    parts.append(f"para. {hit.position}")
    text = ", ".join(parts) + "."
    return f"{text} {hit.url}" if hit.url else text


CSV_COLUMNS = (
    "rank",
    "citation",
    "title",
    "authors",
    "source",
    "date",
    "paragraph",
    "section",
    "url",
    "article",
    "id",
    "score",
    "text",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Keep spreadsheets from evaluating corpus text as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def hits_csv(hits: Iterable[Any]) -> str:
    """The hits as CSV with a header row and a citation per hit."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for rank, hit in enumerate(hits, 1):
        row = (
            rank,
            citation(hit),
            hit.title,
            "; ".join(hit.authors),
            hit.source,
            hit.date,
            hit.position,
            hit.section,
            hit.url,
            hit.article,
            hit.id,
            f"{hit.score:.4f}",
            hit.text,
        )
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def export_name(query: str, extension: str) -> str:
    """A safe download file name for the results of ``query``."""
    slug = re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:40] or "results"
    return f"corpusearch-{slug}.{extension}"
