"""The record every extractor returns: a page's body blocks and the metadata it states."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Block:
    """One body block of a page: a paragraph, or a section heading when ``heading`` is true."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class PageMetadata:
    """The metadata fields of an :class:`Extraction`, as an extractor reads them off a page."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None  # ISO YYYY-MM-DD
    topics: tuple[str, ...] = ()
    source: str | None = None  # publisher
    url: str | None = None
    series: str | None = None  # e.g. "INSS Insight No. 949"
    language: str | None = None


@dataclass(frozen=True)
class Extraction(PageMetadata):
    """What an extractor found on one page: its metadata and body blocks; ``None`` or empty means
    the page does not say."""

    blocks: tuple[Block, ...] = field(kw_only=True)

    @classmethod
    def of(cls, blocks: Iterable[Block], metadata: PageMetadata) -> Extraction:
        """The extraction of ``blocks`` with ``metadata``'s fields."""
        fields_of = {f.name: getattr(metadata, f.name) for f in fields(metadata)}
        return cls(blocks=tuple(blocks), **fields_of)

    @property
    def body(self) -> str:
        """The body as plain text, blocks separated by blank lines (what cleaning is scored on)."""
        return "\n\n".join(block.text for block in self.blocks)
