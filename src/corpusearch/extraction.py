"""The record every extractor returns: a page's body blocks and the metadata it states."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """One body block of a page: a paragraph, or a section heading when ``heading`` is true."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Extraction:
    """What an extractor found on one page; ``None`` or empty means the page does not say."""

    blocks: tuple[Block, ...]
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None  # ISO YYYY-MM-DD
    topics: tuple[str, ...] = ()
    source: str | None = None  # publisher
    url: str | None = None
    series: str | None = None  # e.g. "INSS Insight No. 949"
    language: str | None = None

    @property
    def body(self) -> str:
        """The body as plain text, blocks separated by blank lines (what cleaning is scored on)."""
        return "\n\n".join(block.text for block in self.blocks)
