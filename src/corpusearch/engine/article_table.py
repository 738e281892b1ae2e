"""Every article of an index version, its metadata and its copies, kept beside the index.

A search needs the metadata of the articles it shows and counts, and which articles are copies
of which. Reading them from the article documents means unpickling every article's metadata and
MinHash signature and grouping the signatures (datasketch and numpy): a second for a one-shot
search of a large index. So each indexing run, once it has committed, writes them to
``corpusearch-articles.json``, stamped with the index generation it describes. A search reads
the file when its stamp matches the version it searches, and otherwise (a run that died before
writing it) builds the table from the index itself.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusearch.engine.copies import CopyTable, copy_table, grouped
from corpusearch.records import ArticleMeta

__all__ = ["TABLE_FILE", "ArticleTable", "build_table", "load_table", "save_table"]

TABLE_FILE = "corpusearch-articles.json"
_FORMAT = 1  # bumped when the file's layout changes: an older file is then rebuilt


@dataclass(frozen=True)
class ArticleTable:
    """Every article of one index version: metadata by id, and which are copies of which."""

    meta: dict[str, ArticleMeta]
    copies: CopyTable
    _facets: dict[str, tuple[tuple[str, str, str], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def shown(self, article: str) -> ArticleMeta:
        """The metadata to show for an article: merged across its copies when it has some."""
        return self.copies.merged.get(self.copies.canonical(article)) or self.meta[article]

    def facet_values(self, article: str) -> tuple[tuple[str, str, str], ...]:
        """The article's facet values as (facet, folded key, spelling), worked out once."""
        found = self._facets.get(article)
        if found is None:
            meta = self.shown(article)
            pairs = [
                *(("authors", name) for name in meta.authors),
                *(("topics", topic) for topic in meta.topics),
                *((("source", meta.source),) if meta.source else ()),
                *((("year", meta.date[:4]),) if meta.date else ()),
            ]
            found = tuple(
                (facet, " ".join(value.split()).casefold(), " ".join(value.split()))
                for facet, value in pairs
                if value.strip()
            )
            self._facets[article] = found
        return found


def build_table(searcher: Any, article_docs: Any) -> ArticleTable:
    """The table read from the article documents (``article_docs``: their document numbers)."""
    meta: dict[str, ArticleMeta] = {}
    signatures: dict[str, tuple[int, ...]] = {}
    for docnum in article_docs:
        fields = searcher.stored_fields(docnum)
        record = ArticleMeta.from_stored(fields["meta"])
        meta[record.id] = record
        signatures[record.id] = tuple(fields.get("minhash") or ())
    return ArticleTable(meta, copy_table(signatures, meta))


def save_table(directory: Path, generation: int, table: ArticleTable) -> None:
    """Write the table for index ``generation`` (atomically: a reader sees the old or the new)."""
    data = {
        "format": _FORMAT,
        "generation": generation,
        "articles": [meta.to_stored() for meta in table.meta.values()],
        "copies": [list(members) for members in table.copies.members.values()],
    }
    temporary = directory / f"{TABLE_FILE}.tmp"
    with temporary.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(directory / TABLE_FILE)


def load_table(directory: Path, generation: int) -> ArticleTable | None:
    """The saved table if it describes index ``generation``, else None."""
    try:
        with (directory / TABLE_FILE).open(encoding="utf-8") as source:
            data = json.load(source)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    if data.get("generation") != generation:
        return None
    try:
        meta = {
            record.id: record
            for record in (ArticleMeta.from_stored(stored) for stored in data["articles"])
        }
        return ArticleTable(meta, grouped(data["copies"], meta))
    except (KeyError, TypeError, ValueError):
        return None
