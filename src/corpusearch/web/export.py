"""Search results as downloads: CSV, JSON and the citation formats, with safe file names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from corpusearch.citations import CSV_COLUMNS, citation, render

__all__ = ["CSV_COLUMNS", "EXPORTS", "MEDIA_TYPES", "citation", "export_name", "hits_csv"]

# URL extension of a download -> the citation format it holds.
EXPORTS = {"csv": "csv", "json": "json", "ris": "ris", "bib": "bibtex", "csl.json": "csl-json"}
MEDIA_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "ris": "application/x-research-info-systems",
    "bib": "application/x-bibtex",
    "csl.json": "application/vnd.citationstyles.csl+json",
}


def hits_csv(hits: Iterable[Any]) -> str:
    """The hits as CSV with a header row and a citation per hit."""
    return render(hits, "csv")


def export_name(query: str, extension: str) -> str:
    """A safe download file name for the results of ``query``."""
    slug = re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:40] or "results"
    return f"corpusearch-{slug}.{extension}"
