"""Run a query against the index: ranked paragraphs with highlighted snippets, and a spelling suggestion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet

from corpusearch.analysis import text_analyzer
from corpusearch.query import Filters, filter_query, plan_query

SNIPPET_CHARS = 320
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query as typed, its filters, and which page of results."""

    query: str
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    page: int = 1
    sort: str = "relevance"  # or "date", newest first


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
    others: int = 0

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
        }


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, the number of matching paragraphs, and what else the user should know."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    page: int = 1
    limit: int = 10
    suggestion: str | None = None
    notices: tuple[str, ...] = ()
    facets: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict, compare=False)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "hits": [hit.to_json() for hit in self.hits],
            "suggestion": self.suggestion,
            "notices": list(self.notices),
        }


def run_search(searcher: Any, request: SearchRequest) -> SearchResult:
    """Search ``searcher`` for ``request``; raises QueryError for a query or filter it cannot run."""
    if request.limit < 1 or request.page < 1:
        raise ValueError("limit and page start at 1")
    plan = plan_query(request.query, searcher)
    restrict = filter_query(request.filters)
    wanted = request.page * request.limit
    options: dict[str, Any] = {"limit": wanted, "filter": restrict}
    if request.sort == "date":
        options["sortedby"] = MultiFacet([FieldFacet("day", reverse=True), ScoreFacet()])
    elif request.sort != "relevance":
        raise ValueError(f"unknown sort order {request.sort!r}")
    results = searcher.search(plan.query, **options)
    hits = tuple(
        make_hit(result.fields(), result.score or 0.0, plan.terms)
        for result in results[(request.page - 1) * request.limit : wanted]
    )
    return SearchResult(
        query=request.query,
        # Whoosh reports the unfiltered total when a filter lets nothing through.
        total=len(results) if results.scored_length() else 0,
        hits=hits,
        page=request.page,
        limit=request.limit,
        suggestion=plan.suggestion,
        notices=plan.notices,
    )


def make_hit(fields: dict[str, Any], score: float, terms: frozenset[str]) -> Hit:
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
    )


def matches(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` whose analysed form is one of ``terms``."""
    if not terms:
        return []
    return [
        (token.startchar, token.endchar)
        for token in text_analyzer()(text, chars=True, mode="index")
        if token.text in terms
    ]


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped as HTML, the spans wrapped in ``<mark>``."""
    end = len(text) if end is None else end
    out: list[str] = []
    at = start
    for left, right in spans:
        if left < start or right > end:
            continue
        out.append(escape(text[at:left]))
        out.append(f"<mark>{escape(text[left:right])}</mark>")
        at = right
    out.append(escape(text[at:end]))
    return "".join(out)


def highlight(text: str, terms: frozenset[str]) -> str:
    """The whole text, escaped, with every matching word marked."""
    return mark(text, matches(text, terms))


def snippet(text: str, terms: frozenset[str], size: int = SNIPPET_CHARS) -> str:
    """The best sentence or two of ``text`` for ``terms``, escaped, matches marked."""
    spans = matches(text, terms)
    bounds = sentence_bounds(text)
    best = (0, 0, 0)  # (distinct terms, matches, -start) of the best window
    choice = bounds[0]
    for i, (start, end) in enumerate(bounds):
        stop = end
        if i + 1 < len(bounds) and bounds[i + 1][1] - start <= size:
            stop = bounds[i + 1][1]
        inside = [(a, b) for a, b in spans if start <= a and b <= stop]
        distinct = len({text[a:b].lower() for a, b in inside})
        key = (distinct, len(inside), -start)
        if key > best:
            best, choice = key, (start, stop)
    start, stop = choice
    if stop - start > size:
        first = next((a for a, b in spans if start <= a < stop), start)
        start = max(start, first - size // 3)
        start = text.rfind(" ", 0, start) + 1 if start > choice[0] else start
        stop = min(stop, start + size)
        stop = text.rfind(" ", start, stop) if stop < choice[1] else stop
    prefix = "…" if start > 0 else ""
    suffix = "…" if stop < len(text) else ""
    return prefix + mark(text, spans, start, stop).strip() + suffix


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text)]
    ends = [*starts[1:], len(text)]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if text[s:e].strip()] or [
        (0, len(text))
    ]
