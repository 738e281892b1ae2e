"""Hits in context: a paragraph with the paragraphs around it in its article."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from corpusearch.errors import ArticleNotFoundError
from corpusearch.records import Article, Paragraph

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

__all__ = ["MAX_CONTEXT", "Context", "context", "split_paragraph_id"]

# Paragraphs each side: more than this is reading the article (corpusearch show).
MAX_CONTEXT = 20


@dataclass(frozen=True)
class Context:
    """Paragraph ``position`` of ``article`` with up to ``n`` paragraphs either side."""

    article: Article  # its paragraphs are the window, in order
    position: int

    @property
    def id(self) -> str:
        return f"{self.article.id}-{self.position}"

    @property
    def paragraph(self) -> Paragraph:
        return next(p for p in self.article.paragraphs if p.position == self.position)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "position": self.position,
            "article": self.article.metadata_json(),
            "paragraphs": [
                {**p.to_json(), "hit": p.position == self.position} for p in self.article.paragraphs
            ],
        }

    def text(self) -> str:
        """Plain text: the article's title, then the window, the paragraph itself marked ``>``."""
        lines = [self.article.title, f"{self.article.id} · paragraph {self.position}"]
        section: str | None = None
        for p in self.article.paragraphs:
            if p.section and p.section != section:
                lines.extend(["", p.section])
            section = p.section
            marker = ">" if p.position == self.position else " "
            lines.extend(["", f"{marker} [{p.position}] {p.text}"])
        return "\n".join(lines)


def split_paragraph_id(paragraph_id: str) -> tuple[str, int]:
    """``"3a154be278cc-5"`` -> ``("3a154be278cc", 5)``; ArticleNotFoundError when it is no such id."""
    article_id, _, number = paragraph_id.rpartition("-")
    if not article_id or not number.isdigit():
        raise ArticleNotFoundError(
            f"no paragraph with id {paragraph_id!r}", hint="paragraph ids look like ARTICLE-N"
        )
    return article_id, int(number)


def context(corpus: Corpus, paragraph_id: str, n: int = 2) -> Context:
    """Paragraph ``paragraph_id`` (``ARTICLE-N``) with ``n`` paragraphs (at most MAX_CONTEXT) either side."""
    article_id, position = split_paragraph_id(paragraph_id)
    return around(corpus.article(article_id), position, n)


def around(article: Article, position: int, n: int) -> Context:
    """The window of ``article`` around paragraph ``position``."""
    if not any(p.position == position for p in article.paragraphs):
        raise ArticleNotFoundError(
            f"article {article.id} has no paragraph {position}",
            hint=f"it has {len(article.paragraphs)}: see corpusearch show {article.id}",
        )
    n = min(max(n, 0), MAX_CONTEXT)
    window = tuple(p for p in article.paragraphs if abs(p.position - position) <= n)
    return Context(replace(article, paragraphs=window), position)
