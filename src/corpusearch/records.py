"""The records that flow from extraction to the engine and out of the library: an Article and its Paragraphs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: its 1-based position in the article and the heading it falls under."""

    position: int
    section: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "section": self.section, "text": self.text}


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
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "topics": list(self.topics),
            "source": self.source,
            "url": self.url,
            "series": self.series,
            "path": self.path,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.metadata_json(), "paragraphs": [p.to_json() for p in self.paragraphs]}
