"""Stock Whoosh 2.7.4 as the peer of ``eval_paragraphs.py``: one document per paragraph.

The schema is what a developer gets from Whoosh's documentation with no tuning: ``title`` and
``text`` analysed by ``StemmingAnalyzer`` (lower case, English stop words, Porter stemming),
BM25F with its default parameters, and queries parsed by ``MultifieldParser`` over both fields
with ``OrGroup`` (any word may match; the default ``AndGroup`` would make most questions miss).
It indexes the very paragraphs ``corpusearch clean`` produced, so both systems see the same text.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index, qparser
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, STORED, TEXT, Schema

SEARCH_FIELDS = ["title", "text"]
# Whoosh's default writer buffers 128 MB and one process; the collection is 5,000 paragraphs.
WRITER_OPTIONS: dict[str, Any] = {"limitmb": 256}


@dataclass(frozen=True)
class PeerParagraph:
    """One paragraph to index: its page file, position in the cleaned article, title and text."""

    source: str
    position: int
    title: str
    text: str


@dataclass(frozen=True)
class PeerHit:
    source: str
    position: int
    text: str
    score: float


def schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),
        source=STORED,
        position=STORED,
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        text=TEXT(analyzer=StemmingAnalyzer(), stored=True),
    )


def build(folder: Path, paragraphs: Iterable[PeerParagraph]) -> int:
    """A fresh index of ``paragraphs`` in ``folder``; returns how many were written."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), schema())
    count = 0
    with ix.writer(**WRITER_OPTIONS) as writer:
        for paragraph in paragraphs:
            writer.add_document(
                key=f"{paragraph.source}#{paragraph.position}",
                source=paragraph.source,
                position=paragraph.position,
                title=paragraph.title,
                text=paragraph.text,
            )
            count += 1
    return count


class Peer:
    """Searches a stock index built by :func:`build`."""

    def __init__(self, folder: Path) -> None:
        self._ix = index.open_dir(str(folder))
        self._searcher = self._ix.searcher()
        self._parser = qparser.MultifieldParser(
            SEARCH_FIELDS, self._ix.schema, group=qparser.OrGroup
        )

    def search(self, query: str, limit: int) -> list[PeerHit]:
        results = self._searcher.search(self._parser.parse(query), limit=limit)
        return [
            PeerHit(hit["source"], hit["position"], hit["text"], float(hit.score))
            for hit in results
        ]

    def close(self) -> None:
        self._searcher.close()
