"""Run a query against the index: ranked paragraphs with snippets, facets, grouping, similar paragraphs."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as q

from corpusearch.engine.aliases import Aliases
from corpusearch.engine.article_table import ArticleTable
from corpusearch.engine.highlight import snippet
from corpusearch.engine.query import (
    QUERY_SECONDS,
    Filters,
    QueryPlan,
    filter_query,
    plan_query,
    without_surrogates,
)
from corpusearch.engine.scoring import ArticleLevel, field_lengths, flat_scores
from corpusearch.engine.searcher import Engine, View
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
    copies: int = 0  # other copies of the article in the index (the same story saved again)
    page: int | None = None  # the page of a PDF report the paragraph starts on
    language: str | None = None

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
            "copies": self.copies,
            "page": self.page,
            "language": self.language,
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
    # Every facet value (not only the top ones) and each matching article's date, for the web
    # form's facet lists and timeline; not part of the JSON.
    all_facets: Facets = field(default_factory=dict, compare=False)
    dates: tuple[str | None, ...] = field(default=(), compare=False)

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
    engine: Engine, request: SearchRequest, *, aliases: Aliases | None = None
) -> SearchResult:
    """Search the index behind ``engine``; raises QueryError for a query or filter it cannot run."""
    if request.limit < 1 or request.page < 1:
        raise ValueError("limit and page start at 1")
    if request.sort not in ("relevance", "date"):
        raise ValueError(f"unknown sort order {request.sort!r}")
    searcher = engine.searcher()
    if not searcher.doc_count_all():  # a first build that has not committed anything yet
        return SearchResult(
            without_surrogates(request.query),
            0,
            (),
            request.page,
            request.limit,
            notices=(INCOMPLETE_NOTICE,) if engine.incomplete() else (),
        )
    view = engine.view(searcher)
    restrict = filter_docs(searcher, view, request.filters)
    if request.query.strip() or restrict is None:
        plan = plan_query(request.query, searcher, aliases=aliases, suggestions=view.suggestions)
    else:  # filters alone: browse everything they allow
        plan = QueryPlan(
            q.Every(), frozenset(), explain=("no words: every paragraph the filters allow",)
        )
    table = view.articles(searcher)
    articles = view.article_of(searcher)
    ranked = collapse_copies(rank(searcher, view, plan, restrict), articles, table)
    if request.sort == "date":
        recency = searcher.reader().column_reader("recency")
        ranked.sort(key=lambda item: (recency[item[0]] or 0, -item[1], item[0]))
    first = (request.page - 1) * request.limit
    if request.group:
        groups = group_by_article(ranked, articles)
        total = len(groups)
        page = groups[first : first + request.limit]
    else:
        total = len(ranked)
        page = [(docnum, score, 0) for docnum, score in ranked[first : first + request.limit]]
    hits = tuple(
        make_hit(searcher.stored_fields(docnum), table, score, plan.terms, others)
        for docnum, score, others in page
    )
    matched = sorted({articles[docnum] for docnum, _ in ranked})
    every = facet_counts(matched, table, size=None)
    notices = plan.notices
    if plan.budget.cut:
        notices = (*notices, BUDGET_NOTICE)
    if engine.incomplete():
        notices = (*notices, INCOMPLETE_NOTICE)
    return SearchResult(
        query=without_surrogates(request.query),
        total=total,
        hits=hits,
        page=request.page,
        limit=request.limit,
        suggestion=plan.suggestion,
        notices=notices,
        facets={name: values[:FACET_SIZE] for name, values in every.items()},
        grouped=request.group,
        explain=plan.explain,
        all_facets=every,
        dates=tuple(table.shown(article).date for article in matched),
    )


BUDGET_NOTICE = (
    f"the query is too broad to finish in {QUERY_SECONDS:g} s: results are from its first "
    "parts; use fewer wildcards or more specific words"
)
INCOMPLETE_NOTICE = (
    "the last indexing run stopped before it finished: run corpusearch index to complete it"
)


def filter_docs(searcher: Any, view: View, filters: Filters) -> set[int] | None:
    """The paragraphs the filters allow (filters select articles; their paragraphs follow),
    cached per index version; None: no filter."""
    wanted = filter_query(filters)
    if wanted is None:
        return None
    return view.docs(searcher, ("filter", filters), ArticleLevel(wanted, cache=view.lengths))


def rank(
    searcher: Any, view: View, plan: QueryPlan, restrict: set[int] | None
) -> list[tuple[int, float]]:
    """Matching paragraphs, best first, scored by BM25F over their text, section and title.

    A paragraph matches through words of its own text or section; one that matches only through
    its article (a title word, a metadata field) is left out, and an article matched only that
    way is represented by one paragraph, its first.
    """
    if restrict is not None and not restrict:
        return []  # Whoosh takes an empty filter for no filter
    articles = view.article_of(searcher)
    browsing = isinstance(plan.query, q.Every)
    scores: dict[int, float] = {}
    represented: set[str] = set()
    through_article: dict[str, tuple[int, float]] = {}
    for docnum, score in matches(searcher, view, plan, restrict):
        article = articles[docnum]
        if browsing or docnum in plan.own:
            scores[docnum] = score
            represented.add(article)
        elif article not in through_article or through_article[article][0] > docnum:
            through_article[article] = (docnum, score)
    for article, (docnum, score) in through_article.items():
        if article not in represented:
            scores[docnum] = score
    if SHORT_PARAGRAPH_TERMS:
        length = text_lengths(searcher, view)
        for docnum, score in scores.items():
            terms = length(docnum)
            if terms < SHORT_PARAGRAPH_TERMS:
                scores[docnum] = (
                    score * (max(terms, 1) / SHORT_PARAGRAPH_TERMS) ** SHORT_PRIOR_POWER
                )
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


# A paragraph of fewer indexed terms than this ("X declined to comment.", a slogan, a link to
# another story) has its score scaled by (terms / this) ** SHORT_PRIOR_POWER: BM25's length
# normalisation favours short paragraphs, and a fragment rarely answers a question. Chosen on
# bench/eval_paragraphs.py (and checked on SciFact); see the commit for the figures.
SHORT_PARAGRAPH_TERMS = 12
SHORT_PRIOR_POWER = 0.5


def text_lengths(searcher: Any, view: View) -> Callable[[int], int]:
    """Each paragraph's number of indexed terms in its text, by document number."""
    leaves = [
        (offset, field_lengths(leaf.reader(), "text", view.lengths))
        for leaf, offset in searcher.leaf_searchers()
    ]
    starts = [offset for offset, _ in leaves]

    def length(docnum: int) -> int:
        offset, lengths = leaves[bisect_right(starts, docnum) - 1]
        return int(lengths[docnum - offset] or 0)  # None: no indexed word in its text

    return length


def matches(
    searcher: Any, view: View, plan: QueryPlan, restrict: set[int] | None
) -> list[tuple[int, float]]:
    """Every paragraph the plan's query matches within ``restrict``, with its score."""
    excluded = view.article_docs(searcher)
    flat = flat_scores(plan.query, searcher, plan.budget)
    if flat is not None:
        return [
            (docnum, score)
            for docnum, score in flat.items()
            if docnum not in excluded and (restrict is None or docnum in restrict)
        ]
    results = searcher.search(plan.query, limit=None, filter=restrict, mask=excluded)
    return [(docnum, relevance(score)) for score, docnum in results.top_n]


def collapse_copies(
    ranked: list[tuple[int, float]], articles: Any, table: ArticleTable
) -> list[tuple[int, float]]:
    """Keep one copy of each article: the first to rank, for this query, with its paragraphs."""
    if not table.copies.group_of:
        return ranked
    chosen: dict[str, str] = {}
    kept = []
    for docnum, score in ranked:
        article = articles[docnum]
        if chosen.setdefault(table.copies.canonical(article), article) == article:
            kept.append((docnum, score))
    return kept


def similar(engine: Engine, paragraph_id: str, *, limit: int = 10) -> SearchResult:
    """Paragraphs that share the most distinctive words of paragraph ``paragraph_id``."""
    searcher = engine.searcher()
    view = engine.view(searcher)
    docnum = searcher.document_number(id=paragraph_id)
    if docnum is None or docnum in view.article_docs(searcher):
        raise ArticleNotFoundError(
            f"no paragraph with id {paragraph_id!r}", hint="paragraph ids look like ARTICLE-N"
        )
    key_terms = searcher.key_terms([docnum], "text", numterms=SIMILAR_TERMS)
    terms = frozenset(word for word, _ in key_terms)
    wanted = q.Or([q.Term("text", word, boost=weight) for word, weight in key_terms])
    table = view.articles(searcher)
    articles = view.article_of(searcher)
    source = articles[docnum]
    twins = set(table.copies.copies_of(source)) - {source}  # the same paragraph, saved again
    results = searcher.search(wanted, limit=None, mask={docnum} | view.article_docs(searcher))
    ranked = [
        (number, relevance(score))
        for score, number in results.top_n
        if articles[number] not in twins
    ]
    ranked = collapse_copies(ranked, articles, table)
    hits = tuple(
        make_hit(searcher.stored_fields(number), table, score, terms)
        for number, score in ranked[:limit]
    )
    return SearchResult(
        query=f"similar to {paragraph_id}",
        total=len(ranked),
        hits=hits,
        limit=limit,
        explain=(f"distinctive words: {', '.join(sorted(terms))}",),
    )


def relevance(score: Any) -> float:
    """The BM25F score of a hit; sorted results carry their sort key, whose last part is -score."""
    if isinstance(score, tuple):
        return -float(score[-1])
    return float(score or 0.0)


def make_hit(
    fields: dict[str, Any],
    table: ArticleTable,
    score: float,
    terms: frozenset[str],
    others: int = 0,
) -> Hit:
    meta = table.shown(fields["article"])
    return Hit(
        id=fields["id"],
        article=fields["article"],
        position=fields["position"],
        title=meta.title,
        authors=meta.authors,
        date=meta.date,
        topics=meta.topics,
        source=meta.source,
        section=fields.get("section"),
        text=fields["text"],
        snippet=snippet(fields["text"], terms),
        score=float(score),
        url=meta.url,
        others=others,
        copies=table.copies.others(fields["article"]),
        page=fields.get("page"),
        language=meta.language,
    )


def group_by_article(
    ranked: list[tuple[int, float]], articles: Any
) -> list[tuple[int, float, int]]:
    """The best paragraph of each article, in rank order, with how many others matched."""
    best: dict[str, tuple[int, float]] = {}
    counts: Counter[str] = Counter()
    for docnum, score in ranked:
        article = articles[docnum]
        best.setdefault(article, (docnum, score))
        counts[article] += 1
    return [(docnum, score, counts[article] - 1) for article, (docnum, score) in best.items()]


def facet_counts(
    matched: Iterable[str], table: ArticleTable, size: int | None = FACET_SIZE
) -> Facets:
    """How many matching articles each author, topic, source and year has, most first (the
    first ``size`` values of each, or all).

    Values that differ only in case or spacing ("China", "china ") count as one, shown in the
    spelling most of their articles use.
    """
    counts: Counter[tuple[str, str]] = Counter()
    spellings: Counter[tuple[str, str, str]] = Counter()
    for article in matched:
        for name, key, spelling in table.facet_values(article):
            counts[name, key] += 1
            spellings[name, key, spelling] += 1
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for (name, key, spelling), count in spellings.items():
        known = best.get((name, key))
        if known is None or count > known[0]:  # on a tie, the spelling seen first
            best[name, key] = (count, spelling)
    grouped: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for (name, key), count in counts.items():
        grouped[name].append((best[name, key][1], count))
    return {
        name: tuple(sorted(values, key=lambda item: (-item[1], item[0]))[:size])
        for name, values in grouped.items()
    }
