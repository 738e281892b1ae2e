"""The records that flow from extraction to the engine and out of the library: an Article and its Paragraphs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["STORED_META_FIELDS", "Article", "ArticleMeta", "Paragraph"]


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: its 1-based position in the article and the heading it falls under."""

    position: int
    section: str | None
    text: str
    page: int | None = None  # the page of a PDF report it starts on

    def to_json(self) -> dict[str, Any]:
        found = {"position": self.position, "section": self.section, "text": self.text}
        if self.page is not None:
            found["page"] = self.page
        return found


@dataclass(frozen=True)
class Article:
    """A cleaned article: metadata and body paragraphs."""

    id: str
    path: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    authors: tuple[str, ...] = ()
    date: str | None = None
    topics: tuple[str, ...] = ()
    source: str | None = None
    url: str | None = None
    series: str | None = None
    digest: str = ""
    language: str | None = None  # ISO 639-1, stated or detected
    captured: str | None = None  # when a web archive fetched the page (not its publication date)
    title_source: str | None = None  # "sidecar", "page", "heading" or "file name"

    def body_text(self) -> str:
        """Section headings and paragraphs, separated by blank lines: the cleaned body as text."""
        lines: list[str] = []
        section: str | None = None
        for paragraph in self.paragraphs:
            if paragraph.section is not None and paragraph.section != section:
                lines.append(paragraph.section)
            section = paragraph.section
            lines.append(paragraph.text)
        return "\n\n".join(lines)

    def metadata_json(self) -> dict[str, Any]:
        return metadata_json(self)

    def to_json(self) -> dict[str, Any]:
        found = {**self.metadata_json(), "paragraphs": [p.to_json() for p in self.paragraphs]}
        if self.title_source is not None:  # known when a file was cleaned, not once indexed
            found["title_source"] = self.title_source
        return found


@dataclass(frozen=True)
class ArticleMeta:
    """An indexed article's metadata as the index stores it, once per article.

    ``digest`` says which version of the file was indexed; ``stamp`` (sizes and modification
    times of the file and its sidecar) lets an unchanged file be recognised without reading it;
    ``paragraphs`` counts its paragraphs.
    """

    id: str
    title: str
    path: str
    authors: tuple[str, ...] = ()
    date: str | None = None
    topics: tuple[str, ...] = ()
    source: str | None = None
    url: str | None = None
    series: str | None = None
    digest: str = ""
    paragraphs: int = 0
    stamp: str = ""
    language: str | None = None
    captured: str | None = None

    @classmethod
    def of(cls, article: Article, *, stamp: str = "") -> ArticleMeta:
        return cls(
            id=article.id,
            title=article.title,
            path=article.path,
            authors=article.authors,
            date=article.date,
            topics=article.topics,
            source=article.source,
            url=article.url,
            series=article.series,
            digest=article.digest,
            paragraphs=len(article.paragraphs),
            stamp=stamp,
            language=article.language,
            captured=article.captured,
        )

    def to_stored(self) -> dict[str, Any]:
        """Plain values only (lists, not tuples): what Whoosh pickles into the index."""
        stored = {name: getattr(self, name) for name in STORED_META_FIELDS}
        stored["authors"] = list(self.authors)
        stored["topics"] = list(self.topics)
        return stored

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> ArticleMeta:
        known = {name: stored[name] for name in STORED_META_FIELDS if name in stored}
        known["authors"] = tuple(known.get("authors") or ())
        known["topics"] = tuple(known.get("topics") or ())
        if "count" in stored and "paragraphs" not in stored:  # stored by release 0.1
            known["paragraphs"] = stored["count"]
        return cls(**known)

    def metadata_json(self) -> dict[str, Any]:
        """The fields :meth:`Article.metadata_json` gives, in the same order."""
        return metadata_json(self)


# The article metadata of the JSON contracts (README "JSON output"), in their order.
METADATA_FIELDS = (
    "id",
    "title",
    "authors",
    "date",
    "topics",
    "source",
    "url",
    "series",
    "path",
    "language",
    "captured",
)


def metadata_json(record: Article | ArticleMeta) -> dict[str, Any]:
    """An article's metadata as JSON: lists, not tuples."""
    found = {name: getattr(record, name) for name in METADATA_FIELDS}
    found["authors"] = list(record.authors)
    found["topics"] = list(record.topics)
    return found


STORED_META_FIELDS = (
    "id",
    "title",
    "path",
    "authors",
    "date",
    "topics",
    "source",
    "url",
    "series",
    "digest",
    "paragraphs",
    "stamp",
    "language",
    "captured",
)
