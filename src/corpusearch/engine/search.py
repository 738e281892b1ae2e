"""Run a query against the index: ranked paragraphs with snippets, facets, grouping, similar paragraphs."""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as q
from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet

from corpusearch.engine.aliases import Aliases
from corpusearch.engine.highlight import snippet
from corpusearch.engine.query import Filters, QueryPlan, filter_query, plan_query
from corpusearch.errors import ArticleNotFoundError

FACETS = ("authors", "topics", "source", "year")
FACET_SIZE = 10
SIMILAR_TERMS = 12


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query as typed, its filters, which page, and how hits are ordered."""

    query: str
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    page: int = 1
    sort: str = "relevance"  # or "date", newest first
    group: bool = False  # one hit per article


@dataclass(frozen=True)
class Hit:
    """One matching paragraph with its article's metadata and a highlighted snippet (HTML)."""

    id: str
    article: str
    position: int
    title: str
    authors: tuple[str, ...]
    date: str | None
    topics: tuple[str, ...]
    source: str | None
    section: str | None
    text: str
    snippet: str
    score: float
    url: str | None = None
    others: int = 0  # other matching paragraphs of the same article, when grouped

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article": self.article,
            "position": self.position,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "topics": list(self.topics),
            "source": self.source,
            "section": self.section,
            "text": self.text,
            "snippet": self.snippet,
            "score": round(self.score, 4),
            "url": self.url,
            "others": self.others,
        }


Facets = dict[str, tuple[tuple[str, int], ...]]


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, how many matched, facet counts, and what else the user should know."""

    query: str
    total: int  # matching paragraphs, or matching articles when grouped
    hits: tuple[Hit, ...]
    page: int = 1
    limit: int = 10
    suggestion: str | None = None
    notices: tuple[str, ...] = ()
    facets: Facets = field(default_factory=dict, compare=False)
    grouped: bool = False
    explain: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "grouped": self.grouped,
            "hits": [hit.to_json() for hit in self.hits],
            "suggestion": self.suggestion,
            "notices": list(self.notices),
            "facets": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in self.facets.items()
            },
        }


def run_search(
    searcher: Any, request: SearchRequest, *, aliases: Aliases | None = None
) -> SearchResult:
    """Search ``searcher`` for ``request``; raises QueryError for a query or filter it cannot run."""
    if request.limit < 1 or request.page < 1:
        raise ValueError("limit and page start at 1")
    if request.sort not in ("relevance", "date"):
        raise ValueError(f"unknown sort order {request.sort!r}")
    restrict = filter_query(request.filters)
    if request.query.strip() or restrict is None:
        plan = plan_query(request.query, searcher, aliases=aliases)
    else:  # filters alone: browse everything they allow
        plan = QueryPlan(
            q.Every(), frozenset(), explain=("no words: every paragraph the filters allow",)
        )
    first = (request.page - 1) * request.limit
    # One pass over every match (limit=None) gives the page, the exact total and the facets:
    # a limited search makes Whoosh re-run the query for len() and docs().
    options: dict[str, Any] = {"limit": None, "filter": restrict}
    if request.sort == "date":
        options["sortedby"] = MultiFacet([FieldFacet("recency"), ScoreFacet()])
    results = searcher.search(plan.query, **options)
    ranked = [(docnum, relevance(score)) for score, docnum in results.top_n]
    table = doc_table(searcher)
    if request.group:
        groups = group_by_article(ranked, table)
        total = len(groups)
        page = groups[first : first + request.limit]
    else:
        total = len(ranked)
        page = [(docnum, score, 0) for docnum, score in ranked[first : first + request.limit]]
    hits = tuple(
        make_hit(searcher.stored_fields(docnum), score, plan.terms, others)
        for docnum, score, others in page
    )
    return SearchResult(
        query=request.query,
        total=total,
        hits=hits,
        page=request.page,
        limit=request.limit,
        suggestion=plan.suggestion,
        notices=plan.notices,
        facets=facet_counts((docnum for docnum, _ in ranked), table),
        grouped=request.group,
        explain=plan.explain,
    )


def similar(searcher: Any, paragraph_id: str, *, limit: int = 10) -> SearchResult:
    """Paragraphs that share the most distinctive words of paragraph ``paragraph_id``."""
    docnum = searcher.document_number(id=paragraph_id)
    if docnum is None:
        raise ArticleNotFoundError(
            f"no paragraph with id {paragraph_id!r}", hint="paragraph ids look like ARTICLE-N"
        )
    key_terms = searcher.key_terms([docnum], "text", numterms=SIMILAR_TERMS)
    terms = frozenset(word for word, _ in key_terms)
    wanted = q.Or([q.Term("text", word, boost=weight) for word, weight in key_terms])
    results = searcher.search(wanted, limit=None, mask=q.Term("id", paragraph_id))
    hits = tuple(
        make_hit(result.fields(), result.score or 0.0, terms) for result in results[:limit]
    )
    return SearchResult(
        query=f"similar to {paragraph_id}",
        total=results.scored_length(),
        hits=hits,
        limit=limit,
        explain=(f"distinctive words: {', '.join(sorted(terms))}",),
    )


def relevance(score: Any) -> float:
    """The BM25F score of a hit; sorted results carry their sort key, whose last part is -score."""
    if isinstance(score, tuple):
        return -float(score[-1])
    return float(score or 0.0)


def make_hit(fields: dict[str, Any], score: float, terms: frozenset[str], others: int = 0) -> Hit:
    meta = fields["meta"]
    return Hit(
        id=fields["id"],
        article=fields["article"],
        position=fields["position"],
        title=meta["title"],
        authors=tuple(meta["authors"]),
        date=meta["date"],
        topics=tuple(meta["topics"]),
        source=meta["source"],
        section=fields.get("section"),
        text=fields["text"],
        snippet=snippet(fields["text"], terms),
        score=float(score),
        url=meta.get("url"),
        others=others,
    )


@dataclass(frozen=True)
class DocTable:
    """Per index version: each document's article, and each article's metadata (for facets)."""

    article_of: dict[int, str]
    meta: dict[str, dict[str, Any]]


_tables: weakref.WeakKeyDictionary[Any, DocTable] = weakref.WeakKeyDictionary()
_tables_lock = threading.Lock()


def doc_table(searcher: Any) -> DocTable:
    """The DocTable of the index version ``searcher`` reads, built once per searcher."""
    table = _tables.get(searcher)
    if table is None:
        reader = searcher.reader()
        article_of: dict[int, str] = {}
        meta: dict[str, dict[str, Any]] = {}
        for docnum, fields in reader.iter_docs():
            article_of[docnum] = fields["article"]
            meta.setdefault(fields["article"], fields["meta"])
        table = DocTable(article_of, meta)
        with _tables_lock:
            _tables[searcher] = table
    return table


def group_by_article(
    ranked: list[tuple[int, float]], table: DocTable
) -> list[tuple[int, float, int]]:
    """The best paragraph of each article, in rank order, with how many others matched."""
    best: dict[str, tuple[int, float]] = {}
    counts: Counter[str] = Counter()
    for docnum, score in ranked:
        article = table.article_of[docnum]
        best.setdefault(article, (docnum, score))
        counts[article] += 1
    return [(docnum, score, counts[article] - 1) for article, (docnum, score) in best.items()]


def facet_counts(docnums: Iterable[int], table: DocTable) -> Facets:
    """How many matching paragraphs each author, topic, source and year has, most first."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    per_article = Counter(table.article_of[docnum] for docnum in docnums)
    for article, count in per_article.items():
        meta = table.meta[article]
        for author in meta["authors"]:
            counters["authors"][author] += count
        for topic in meta["topics"]:
            counters["topics"][topic] += count
        if meta["source"]:
            counters["source"][meta["source"]] += count
        if meta["date"]:
            counters["year"][meta["date"][:4]] += count
    return {
        name: tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE])
        for name, counter in counters.items()
    }
