"""The library's front door: a :class:`Corpus` is an index on disk that you fill and search."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpusearch.engine.aliases import Aliases, load_aliases
from corpusearch.engine.highlight import highlight
from corpusearch.engine.index import (
    PARAGRAPH,
    IndexReport,
    Progress,
    add_articles,
    exists,
    update_index,
)
from corpusearch.engine.query import Filters, plan_query
from corpusearch.engine.search import SearchRequest, SearchResult, run_search, similar
from corpusearch.engine.searcher import BoundedCache, Engine
from corpusearch.errors import ArticleNotFoundError
from corpusearch.records import Article, ArticleMeta, Paragraph

if TYPE_CHECKING:
    from corpusearch.context import Context
    from corpusearch.saved import SavedSearches

# Queries whose highlight terms are kept (the web form highlights a whole article per view).
HIGHLIGHT_CACHE_SIZE = 256


@dataclass(frozen=True)
class ArticleSummary:
    """An indexed article's metadata and how many paragraphs it has."""

    id: str
    title: str
    authors: tuple[str, ...]
    date: str | None
    topics: tuple[str, ...]
    source: str | None
    path: str
    url: str | None
    series: str | None
    paragraphs: int
    copies: int = 0  # other copies of this article in the index, which articles() leaves out
    language: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "topics": list(self.topics),
            "source": self.source,
            "path": self.path,
            "url": self.url,
            "series": self.series,
            "paragraphs": self.paragraphs,
            "copies": self.copies,
            "language": self.language,
        }


class Corpus:
    """A paragraph index of articles at ``path``; safe to share between threads."""

    def __init__(self, path: str | Path = "index", *, aliases: str | Path | None = None) -> None:
        """``aliases``: a TOML file of equivalent names added to the shipped ones (an
        ``aliases.toml`` beside or inside the index folder is read too)."""
        self.path = Path(path)
        self.aliases_file = Path(aliases) if aliases is not None else None
        self._aliases: Aliases | None = None
        self.engine = Engine(self.path)  # the Whoosh handle and caches, for advanced use
        self._terms = BoundedCache(HIGHLIGHT_CACHE_SIZE)

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r})"

    def exists(self) -> bool:
        """Whether the index has been built."""
        return exists(self.path)

    def index(
        self,
        paths: str | Path | Iterable[str | Path],
        *,
        prune: bool = False,
        progress: Progress | None = None,
        optimize: bool = False,
    ) -> IndexReport:
        """Index the files under ``paths`` (one path or several); unchanged files are skipped,
        vanished ones removed. ``optimize`` merges the index into one segment."""
        roots = [paths] if isinstance(paths, str | Path) else list(paths)
        return update_index(self.path, roots, prune=prune, progress=progress, optimize=optimize)

    def add(self, articles: Iterable[Article]) -> IndexReport:
        """Index Article records directly, replacing articles with the same id."""
        return add_articles(self.path, articles)

    def search(
        self,
        query: str,
        *,
        author: str | None = None,
        topic: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
        group: bool = False,
    ) -> SearchResult:
        """Ranked paragraphs matching ``query`` and the filters; raises QueryError for a bad query."""
        filters = Filters(
            author=author, topic=topic, source=source, since=since, until=until, language=language
        )
        request = SearchRequest(query, filters, limit=limit, page=page, sort=sort, group=group)
        return run_search(self.engine, request, aliases=self.aliases())

    def similar(self, paragraph_id: str, *, limit: int = 10) -> SearchResult:
        """Paragraphs most like paragraph ``paragraph_id`` (``ARTICLE-N``), by its distinctive words."""
        return similar(self.engine, paragraph_id, limit=limit)

    def articles(self) -> tuple[ArticleSummary, ...]:
        """Every indexed article's metadata, newest first."""
        searcher = self.engine.searcher()
        table = self.engine.view(searcher).articles(searcher)
        found = [
            ArticleSummary(
                **_metadata(table.shown(article)),
                paragraphs=meta.paragraphs,
                copies=table.copies.others(article),
                language=meta.language,
            )
            for article, meta in table.meta.items()
            if table.copies.canonical(article) == article
        ]
        return tuple(sorted(found, key=lambda a: (a.date or "", a.title), reverse=True))

    def context(self, paragraph_id: str, n: int = 2) -> Context:
        """A paragraph (``ARTICLE-N``) with up to ``n`` neighbouring paragraphs on each side."""
        from corpusearch.context import context

        return context(self, paragraph_id, n)

    @property
    def saved_searches(self) -> SavedSearches:
        """The saved searches kept beside the index (see corpusearch.saved)."""
        from corpusearch.saved import SavedSearches

        return SavedSearches(self)

    def copies(self, article_id: str) -> tuple[ArticleSummary, ...]:
        """Every copy of an article (itself included), the one searches show first."""
        searcher = self.engine.searcher()
        table = self.engine.view(searcher).articles(searcher)
        if article_id not in table.meta:
            raise ArticleNotFoundError(
                f"no article with id {article_id!r}", hint="list them with: corpusearch articles"
            )
        return tuple(
            ArticleSummary(**_metadata(table.meta[copy]), paragraphs=table.meta[copy].paragraphs)
            for copy in table.copies.copies_of(article_id)
        )

    def article(self, article_id: str) -> Article:
        """The article with this id (or the article of a paragraph id ``ARTICLE-N``)."""
        searcher = self.engine.searcher()
        table = self.engine.view(searcher).articles(searcher)
        if article_id not in table.meta and "-" in article_id:
            article_id = article_id.rsplit("-", 1)[0]
        if article_id not in table.meta:
            raise ArticleNotFoundError(
                f"no article with id {article_id!r}", hint="list them with: corpusearch articles"
            )
        documents = sorted(
            searcher.documents(article=article_id, kind=PARAGRAPH),
            key=lambda fields: fields["position"],
        )
        paragraphs = tuple(
            Paragraph(fields["position"], fields.get("section"), fields["text"], fields.get("page"))
            for fields in documents
        )
        return _article(table.meta[article_id], paragraphs)

    def highlight(self, text: str, query: str) -> str:
        """``text`` escaped as HTML with the words ``query`` matches (stemmed forms too) marked."""
        return highlight(text, self.highlight_terms(query))

    def highlight_terms(self, query: str) -> frozenset[str]:
        """The index terms ``query`` matches, planned once per query and index version."""
        searcher = self.engine.searcher()
        key = (query, self.engine.view(searcher).generation)
        return self._terms.get_or_compute(
            key, lambda: plan_query(query, searcher, aliases=self.aliases()).terms
        )

    def aliases(self) -> Aliases:
        """The equivalent names a search expands: shipped, beside the index, and the user's file."""
        if self._aliases is None:
            self.engine.load_stems()  # the aliases are analysed with the index's stems
            self._aliases = load_aliases(self.aliases_file, self.path)
        return self._aliases

    def choices(self) -> dict[str, tuple[str, ...]]:
        """The authors, topics and sources present in the index, for filter menus."""
        articles = self.articles()
        return {
            "authors": tuple(sorted({name for a in articles for name in a.authors})),
            "topics": tuple(sorted({topic for a in articles for topic in a.topics})),
            "sources": tuple(sorted({a.source for a in articles if a.source})),
        }

    def close(self) -> None:
        """Close this thread's searcher (others close when their threads end)."""
        self.engine.close()


def _metadata(meta: ArticleMeta) -> dict[str, Any]:
    """An article's stored metadata as the fields Article and ArticleSummary share."""
    return {
        "id": meta.id,
        "title": meta.title,
        "authors": meta.authors,
        "date": meta.date,
        "topics": meta.topics,
        "source": meta.source,
        "path": meta.path,
        "url": meta.url,
        "series": meta.series,
    }


def _article(meta: ArticleMeta, paragraphs: tuple[Paragraph, ...]) -> Article:
    return Article(
        **_metadata(meta),
        paragraphs=paragraphs,
        digest=meta.digest,
        language=meta.language,
        captured=meta.captured,
    )
