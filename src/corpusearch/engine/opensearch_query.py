"""corpusearch queries as OpenSearch query DSL, and OpenSearch responses as corpusearch results.

A query is planned exactly as for a local search (:func:`corpusearch.engine.query.plan_query`:
analysis, aliases weighted below the words typed, typo fallbacks and wildcards bounded against
the local index's vocabulary), then the planned Whoosh tree is translated node by node. Terms
in it are already analysed, so the DSL never lets OpenSearch analyse them again where it can be
avoided: field terms become ``term`` queries, phrases ``match_phrase`` with the whitespace-only
``corpusearch_verbatim`` analyzer, and a free word searched in text, title and section (our
BM25F ``FieldsTerm``) becomes ``combined_fields`` (OpenSearch 3.2+, BM25F too) when analysing the
term again leaves it unchanged, else one ``term`` query per field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from whoosh import query as q

from corpusearch.engine.analysis import term as analysed
from corpusearch.engine.highlight import SNIPPET_CHARS, snippet
from corpusearch.engine.opensearch import (
    NAME_FIELDS,
    NAME_WORDS,
    TEXT_FIELDS,
    VERBATIM_ANALYZER,
    os_term,
    protected_acronyms,
)
from corpusearch.engine.query import Filters, QueryPlan, filter_query, plan_query
from corpusearch.engine.scoring import FieldsTerm
from corpusearch.engine.search import FACET_SIZE, FACETS, Hit, SearchRequest, SearchResult
from corpusearch.errors import CorpusearchError

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

__all__ = [
    "COLLAPSE_FIELD",
    "QueryTranslationError",
    "Translation",
    "Translator",
    "plan_translation",
    "result_of_response",
    "search_body",
    "translate_query",
]

COLLAPSE_FIELD = "article"
OTHERS = "others"  # name of the inner hits that count a collapsed article's paragraphs
# cardinality counts distinct articles exactly up to this many (OpenSearch's maximum): past it
# the grouped total is an estimate within a few percent.
CARDINALITY_PRECISION = 40_000
BOOST_DIGITS = 4  # boosts are rounded so float noise (0.30000000000000004) stays out of the DSL
SOURCE_FIELDS = (
    "id",
    "article",
    "position",
    "title",
    "authors",
    "date",
    "topics",
    "source",
    "section",
    "text",
    "url",
)


class QueryTranslationError(CorpusearchError):
    """A planned query holds a node that has no OpenSearch equivalent."""


def _boost(value: float) -> float:
    return round(float(value), BOOST_DIGITS)


def _with_boost(body: dict[str, Any], boost: float) -> dict[str, Any]:
    if _boost(boost) != 1.0:
        body["boost"] = _boost(boost)
    return body


class Translator:
    """Translate a planned Whoosh tree; ``schema`` decodes numeric field terms (``year:2017``)."""

    def __init__(self, schema: Any = None) -> None:
        self.schema = schema
        self._handlers: dict[type, Callable[[Any], dict[str, Any]]] = {
            FieldsTerm: self._fields_term,
            q.Term: self._term,
            q.Phrase: self._phrase,
            q.And: self._and,
            q.Or: self._or,
            q.DisjunctionMax: self._dismax,
            q.AndNot: self._and_not,
            q.AndMaybe: self._and_maybe,
            q.Require: self._require,
            q.Not: self._not,
            q.Prefix: self._prefix,
            q.Wildcard: self._wildcard,
            q.FuzzyTerm: self._fuzzy,
            q.DateRange: self._date_range,
            q.NumericRange: self._numeric_range,
            q.ConstantScoreQuery: self._constant,
            q.Every: lambda node: {"match_all": {}},  # noqa: ARG005  # a translator's signature
        }

    def translate(self, node: Any) -> dict[str, Any]:
        if node is q.NullQuery:
            return {"match_none": {}}
        wrapper = type(node).__name__
        if wrapper == "Own":  # records locally which paragraphs match by their own text
            return self.translate(node.child)
        if wrapper == "ArticleLevel":  # a title term or phrase: on the paragraph, it carries it
            if getattr(node, "scored", False):
                return self.translate(node.child)
            return {"constant_score": {"filter": self.translate(node.child), "boost": 0.0}}
        handler = self._handlers.get(type(node))
        if handler is None:
            raise QueryTranslationError(
                f"no OpenSearch translation for a {type(node).__name__} query ({node})"
            )
        return handler(node)

    def _all(self, nodes: Any) -> list[dict[str, Any]]:
        return [self.translate(child) for child in nodes]

    # -- leaves --

    def _fields_term(self, node: FieldsTerm) -> dict[str, Any]:
        word = os_term(node.text)
        weights = dict(node.fields)
        if _stable(node.text):
            # combined_fields refuses weights below 1: scale them so the lowest is 1.
            lowest = min(weights.values())
            fields = [f"{name}^{_boost(w / lowest):g}" for name, w in weights.items()]
            return {"combined_fields": _with_boost({"query": word, "fields": fields}, node.boost)}
        should = [
            {"term": {name: _with_boost({"value": word}, node.boost * w)}}
            for name, w in weights.items()
        ]
        return {"bool": {"should": should, "minimum_should_match": 1}}

    def _term(self, node: Any) -> dict[str, Any]:
        field, value = node.fieldname, node.text
        if isinstance(value, bytes):
            value = self._decode(field, value)
        if field in TEXT_FIELDS:
            value = os_term(str(value))
        elif field in NAME_FIELDS:
            field = f"{field}.{NAME_WORDS}"
        return {"term": {field: _with_boost({"value": value}, node.boost)}}

    def _phrase(self, node: Any) -> dict[str, Any]:
        field = node.fieldname
        words = [os_term(w) for w in node.words] if field in TEXT_FIELDS else list(node.words)
        if field in NAME_FIELDS:
            field = f"{field}.{NAME_WORDS}"
        body: dict[str, Any] = {"query": " ".join(words), "analyzer": VERBATIM_ANALYZER}
        if node.slop > 1:  # Whoosh's slop 1 is OpenSearch's 0: the words side by side
            body["slop"] = int(node.slop) - 1
        return {"match_phrase": {field: _with_boost(body, node.boost)}}

    def _prefix(self, node: Any) -> dict[str, Any]:
        return {"prefix": {self._pattern_field(node.fieldname): {"value": str(node.text)}}}

    def _wildcard(self, node: Any) -> dict[str, Any]:
        return {"wildcard": {self._pattern_field(node.fieldname): {"value": str(node.text)}}}

    def _fuzzy(self, node: Any) -> dict[str, Any]:
        body = {
            "value": str(node.text),
            "fuzziness": int(node.maxdist),
            "prefix_length": int(node.prefixlength),
        }
        return {"fuzzy": {self._pattern_field(node.fieldname): body}}

    def _date_range(self, node: Any) -> dict[str, Any]:
        bounds: dict[str, Any] = {}
        if node.startdate is not None:
            bounds["gt" if node.startexcl else "gte"] = _day(node.startdate)
        if node.enddate is not None:
            bounds["lt" if node.endexcl else "lte"] = _day(node.enddate)
        return {"range": {node.fieldname: {**bounds, "format": "strict_date"}}}

    def _numeric_range(self, node: Any) -> dict[str, Any]:
        bounds: dict[str, Any] = {}
        if node.start is not None:
            bounds["gt" if node.startexcl else "gte"] = node.start
        if node.end is not None:
            bounds["lt" if node.endexcl else "lte"] = node.end
        return {"range": {node.fieldname: bounds}}

    # -- compounds --

    def _and(self, node: Any) -> dict[str, Any]:
        return {"bool": _with_boost({"must": self._all(node.subqueries)}, node.boost)}

    def _or(self, node: Any) -> dict[str, Any]:
        children = self._all(node.subqueries)
        if len(children) == 1 and _boost(node.boost) == 1.0:
            return children[0]
        body = {"should": children, "minimum_should_match": 1}
        return {"bool": _with_boost(body, node.boost)}

    def _dismax(self, node: Any) -> dict[str, Any]:
        body = {"queries": self._all(node.subqueries), "tie_breaker": node.tiebreak}
        return {"dis_max": _with_boost(body, node.boost)}

    def _and_not(self, node: Any) -> dict[str, Any]:
        return {"bool": {"must": [self.translate(node.a)], "must_not": [self.translate(node.b)]}}

    def _and_maybe(self, node: Any) -> dict[str, Any]:
        return {"bool": {"must": [self.translate(node.a)], "should": [self.translate(node.b)]}}

    def _require(self, node: Any) -> dict[str, Any]:
        return {"bool": {"must": [self.translate(node.a)], "filter": [self.translate(node.b)]}}

    def _not(self, node: Any) -> dict[str, Any]:
        return {"bool": {"must_not": [self.translate(node.query)]}}

    def _constant(self, node: Any) -> dict[str, Any]:
        return {"constant_score": {"filter": self.translate(node.child), "boost": node.score}}

    # -- helpers --

    def _decode(self, field: str, value: bytes) -> Any:
        if self.schema is None or field not in self.schema:
            raise QueryTranslationError(f"cannot decode the {field} term without the index schema")
        return self.schema[field].from_bytes(value)

    @staticmethod
    def _pattern_field(field: str) -> str:
        return f"{field}.{NAME_WORDS}" if field in NAME_FIELDS else field


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _stable(word: str) -> bool:
    """Whether OpenSearch analysing our term again gives it back (combined_fields analyses it)."""
    return word in protected_acronyms() or analysed(word) == word


@dataclass(frozen=True)
class Translation:
    """A search request as OpenSearch DSL, with the plan that produced it (for rendering hits)."""

    body: dict[str, Any]
    plan: QueryPlan
    request: SearchRequest


def search_body(
    plan: QueryPlan, restrict: dict[str, Any] | None, request: SearchRequest, translator: Translator
) -> dict[str, Any]:
    """The ``_search`` body: query and filters, page, sort, grouping, facets and highlighting."""
    query = translator.translate(plan.query)
    if restrict is not None:
        query = {"bool": {"must": [query], "filter": [restrict]}}
    body: dict[str, Any] = {
        "query": query,
        "from": (request.page - 1) * request.limit,
        "size": request.limit,
        "track_total_hits": True,
        "_source": list(SOURCE_FIELDS),
    }
    if request.sort == "date":
        # undated paragraphs last, as locally; scores still computed for display
        body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, "_score"]
        body["track_scores"] = True
    aggs: dict[str, Any] = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
    if request.group:
        body["collapse"] = {
            "field": COLLAPSE_FIELD,
            "inner_hits": {"name": OTHERS, "size": 0},  # its hits.total counts them
        }
        aggs["articles"] = {
            "cardinality": {"field": COLLAPSE_FIELD, "precision_threshold": CARDINALITY_PRECISION}
        }
    body["aggs"] = aggs
    body["highlight"] = {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "fields": {
            "text": {
                "fragment_size": SNIPPET_CHARS,
                "number_of_fragments": 1,
                "no_match_size": SNIPPET_CHARS,
            }
        },
    }
    return body


def plan_translation(corpus: Corpus, request: SearchRequest) -> Translation:
    """Plan ``request`` against ``corpus``'s local index (vocabulary, aliases) and translate it."""
    if request.limit < 1 or request.page < 1:
        raise QueryTranslationError("limit and page start at 1")
    if request.sort not in ("relevance", "date"):
        raise QueryTranslationError(f"unknown sort order {request.sort!r}")
    searcher = _searcher(corpus)
    try:
        restrict = filter_query(request.filters)
        if request.query.strip() or restrict is None:
            plan = plan_query(request.query, searcher, aliases=corpus.aliases())
        else:  # filters alone: browse everything they allow
            plan = QueryPlan(q.Every(), frozenset(), explain=("no words: every paragraph",))
        translator = Translator(searcher.schema)
        restrict_dsl = translator.translate(restrict) if restrict is not None else None
        body = search_body(plan, restrict_dsl, request, translator)
    finally:
        searcher.close()
    return Translation(body, plan, request)


def translate_query(
    corpus: Corpus,
    query: str,
    *,
    author: str | None = None,
    topic: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 10,
    page: int = 1,
    sort: str = "relevance",
    group: bool = False,
) -> dict[str, Any]:
    """The OpenSearch ``_search`` body for a corpusearch search (same arguments as ``search``)."""
    filters = Filters(author=author, topic=topic, source=source, since=since, until=until)
    request = SearchRequest(query, filters, limit=limit, page=page, sort=sort, group=group)
    return plan_translation(corpus, request).body


def _searcher(corpus: Corpus) -> Any:
    # The planner reads the local index's vocabulary (typos, wildcards); a searcher of our own,
    # closed after planning, keeps this independent of Corpus's per-thread cache.
    from corpusearch.engine.analysis import STEMS_FILE, load_stems
    from corpusearch.engine.index import open_index
    from corpusearch.engine.scoring import weighting

    index = open_index(corpus.path)
    load_stems(corpus.path / STEMS_FILE)
    return index.searcher(weighting=weighting())


def result_of_response(response: dict[str, Any], translation: Translation) -> SearchResult:
    """An OpenSearch ``_search`` response as the SearchResult a local search would return.

    Snippets are made here from the plan's terms, as locally, so the text output is the same.
    """
    request, plan = translation.request, translation.plan
    hits_part = response.get("hits", {})
    aggregations = response.get("aggregations", {})
    hits = tuple(_hit(raw, plan.terms, request.group) for raw in hits_part.get("hits", []))
    if request.group:
        total = int(aggregations.get("articles", {}).get("value", len(hits)))
    else:
        reported = hits_part.get("total", 0)
        total = int(reported["value"] if isinstance(reported, dict) else reported)
    facets = {
        name: tuple(
            (str(bucket["key"]), int(bucket["doc_count"]))
            for bucket in aggregations.get(name, {}).get("buckets", [])
        )
        for name in FACETS
    }
    return SearchResult(
        query=request.query,
        total=total,
        hits=hits,
        page=request.page,
        limit=request.limit,
        suggestion=plan.suggestion,
        notices=plan.notices,
        facets=facets,
        grouped=request.group,
        explain=plan.explain,
    )


def _hit(raw: dict[str, Any], terms: frozenset[str], grouped: bool) -> Hit:
    source = raw.get("_source", {})
    others = 0
    if grouped:
        total = raw.get("inner_hits", {}).get(OTHERS, {}).get("hits", {}).get("total", 1)
        others = max(0, int(total["value"] if isinstance(total, dict) else total) - 1)
    text = str(source.get("text", ""))
    return Hit(
        id=str(source.get("id", raw.get("_id", ""))),
        article=str(source.get("article", "")),
        position=int(source.get("position", 0)),
        title=str(source.get("title", "")),
        authors=tuple(source.get("authors") or ()),
        date=source.get("date"),
        topics=tuple(source.get("topics") or ()),
        source=source.get("source"),
        section=source.get("section"),
        text=text,
        snippet=snippet(text, terms),
        score=float(raw.get("_score") or 0.0),
        url=source.get("url"),
        others=others,
        copies=_copies(source.get("copies")),
        page=source.get("page"),
        language=source.get("language"),
    )


def _copies(value: Any) -> int:
    """How many other copies a document's ``copies`` field names (a count or a list of ids)."""
    if isinstance(value, int):
        return value
    return len(value) if isinstance(value, list) else 0
