"""Ranking: BM25 with Lucene's idf, and a BM25F query that scores one word across several fields.

Whoosh's ``BM25F`` scores each field on its own and adds the results, so a word in the title and
again in the text saturates twice. :class:`FieldsTerm` does what BM25F means: it adds the word's
length-normalised, weighted frequencies over the fields first and saturates once (Robertson et
al., "Simple BM25 extension to multiple weighted fields", 2004). Tuned on SciFact train.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from math import log
from typing import Any, Protocol, TypeVar

from whoosh import matching
from whoosh import query as q
from whoosh.query import Query
from whoosh.scoring import BM25F

T = TypeVar("T")


class Cache(Protocol):
    """Where field lengths are kept: engine.searcher.BoundedCache."""

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T: ...


K1 = 1.4
# Fields of article documents: their collection is the articles, not every document.
ARTICLE_FIELDS = frozenset({"title", "words"})
# Length normalisation per field: titles are short and vary little, so they are normalised less.
FIELD_B = {"text": 0.85, "title": 0.3, "section": 0.3}
DEFAULT_B = 0.75


def lucene_idf(doc_count: int, doc_frequency: int) -> float:
    """Lucene's BM25 idf: never negative, unlike Robertson-Sparck Jones for very common words."""
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


class LuceneBM25F(BM25F):  # type: ignore[misc]  # whoosh is untyped
    """Whoosh's BM25F (phrases, single-field terms) with Lucene's idf and per-field B."""

    def __init__(
        self, K1: float = K1, B: dict[str, float] | None = None, lengths: Cache | None = None
    ) -> None:
        fields = FIELD_B if B is None else B
        super().__init__(B=DEFAULT_B, K1=K1, **{f"{name}_B": b for name, b in fields.items()})
        self.lengths = lengths

    def field_b(self, fieldname: str) -> float:
        return float(self._field_B.get(fieldname, self.B))

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(scorer, "idf"):
            parent = searcher.get_parent()
            documents = collection_size(parent, fieldname)
            scorer.idf = lucene_idf(documents, parent.doc_frequency(fieldname, text))
            if hasattr(scorer, "avgfl"):
                scorer.avgfl = average_length(parent, fieldname, documents)
        return scorer


def collection_size(searcher: Any, fieldname: str) -> int:
    """How many documents a field's statistics are over: articles or paragraphs, not both."""
    kind = "article" if fieldname in ARTICLE_FIELDS else "paragraph"
    return int(searcher.doc_frequency("kind", kind)) or int(searcher.doc_count_all())


def average_length(searcher: Any, fieldname: str, documents: int) -> float:
    return float(searcher.field_length(fieldname) / max(documents, 1)) or 1.0


def weighting() -> LuceneBM25F:
    """The weighting model searches use: pass it to ``ix.searcher(weighting=weighting())``."""
    return LuceneBM25F()


class FieldsTerm(Query):  # type: ignore[misc]
    """One analysed word searched in several weighted fields, scored as a single BM25F term."""

    def __init__(
        self,
        text: str,
        fields: dict[str, float],
        boost: float = 1.0,
        *,
        own: set[int] | None = None,
        paragraphs: bool = True,
    ) -> None:
        """``own`` collects the paragraphs that hold the word in a field of their own (not
        through their article's title); with ``paragraphs`` false the title scores the
        article documents themselves."""
        self.text = text
        self.fields = dict(fields)
        self.boost = boost
        self.own = own
        self.paragraphs = paragraphs

    def __repr__(self) -> str:
        return f"FieldsTerm({self.text!r}, {self.fields!r}, boost={self.boost})"

    def __str__(self) -> str:
        return self.text if self.boost == 1.0 else f"{self.text}^{self.boost:g}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldsTerm) and (self.text, self.fields, self.boost) == (
            other.text,
            other.fields,
            other.boost,
        )

    def __hash__(self) -> int:
        return hash((self.text, tuple(sorted(self.fields.items())), self.boost))

    def is_leaf(self) -> bool:
        return True

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False) -> Any:  # noqa: ARG002  # whoosh's Query.terms signature
        for name in self.fields:
            yield (name, self.text)

    def field(self) -> None:
        return None

    def estimate_size(self, ixreader: Any) -> int:
        return max((ixreader.doc_frequency(name, self.text) for name in self.fields), default=0)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        model = context.weighting if context is not None else searcher.weighting
        if not isinstance(model, LuceneBM25F):
            model = weighting()
        parent = searcher.get_parent()
        reader = searcher.reader()
        frequency = max(parent.doc_frequency(name, self.text) for name in self.fields)
        if not frequency:
            return matching.NullMatcher()
        idf = lucene_idf(collection_size(parent, next(iter(self.fields))), frequency)
        weighted: dict[int, float] = {}
        own: set[int] = set()
        for name, weight in self.fields.items():
            if name not in searcher.schema or (name, self.text) not in reader:
                continue
            b = model.field_b(name)
            average = average_length(parent, name, collection_size(parent, name))
            lengths = field_lengths(reader, name, model.lengths)
            postings = searcher.postings(name, self.text)
            spread = name in ARTICLE_FIELDS and self.paragraphs
            while postings.is_active():
                docnum = postings.id()
                value = weight * postings.weight() / ((1 - b) + b * lengths[docnum] / average)
                if spread:  # a title word counts in each paragraph of its article
                    for paragraph in paragraphs_of(reader, docnum, model.lengths):
                        weighted[paragraph] = weighted.get(paragraph, 0.0) + value
                else:
                    weighted[docnum] = weighted.get(docnum, 0.0) + value
                    own.add(docnum)
                postings.next()
        if not weighted:
            return matching.NullMatcher()
        if self.own is not None and own:
            offset = leaf_offset(searcher)
            self.own.update(offset + docnum for docnum in own)
        ids = sorted(weighted)
        k1 = model.K1
        scale = self.boost * idf * (k1 + 1)
        scores = [scale * weighted[d] / (weighted[d] + k1) for d in ids]
        return matching.ListMatcher(ids, scores)


def leaf_offset(searcher: Any) -> int:
    """The first document number of a segment's searcher within its parent's numbering."""
    parent = searcher.get_parent()
    if parent is searcher:
        return 0
    return next((offset for leaf, offset in parent.leaf_searchers() if leaf is searcher), 0)


def paragraphs_of(reader: Any, docnum: int, cache: Cache | None = None) -> list[int]:
    """The live paragraphs that follow article document ``docnum`` in its segment."""
    start, end = article_spans(reader, cache).span(docnum)
    if reader.has_deletions():
        return [d for d in range(start, end) if not reader.is_deleted(d)]
    return list(range(start, end))


class ArticleSpans:
    """For article documents of a segment, the range of their paragraphs' numbers (they follow
    it: engine.index.documents_of), read from the article column on first use of each."""

    def __init__(self, reader: Any) -> None:
        self._column = reader.column_reader("article")
        self._total = reader.doc_count_all()
        self._known: dict[int, tuple[int, int]] = {}

    def span(self, docnum: int) -> tuple[int, int]:
        found = self._known.get(docnum)
        if found is None:
            article = self._column[docnum]
            end = docnum + 1
            while end < self._total and self._column[end] == article:
                end += 1
            found = self._known[docnum] = (docnum + 1, end)
        return found


def article_spans(reader: Any, cache: Cache | None = None) -> ArticleSpans:
    """The :class:`ArticleSpans` of a segment, one per segment."""
    if cache is None:
        return ArticleSpans(reader)
    segment = reader.segment() if hasattr(reader, "segment") else None
    key = (segment.segment_id() if segment is not None else id(reader), "article spans")
    return cache.get_or_compute(key, lambda: ArticleSpans(reader))


class FieldLengths:
    """The lengths of one field's documents in a segment, read through the codec on first use of
    each document and kept (segments never change once written, so every searcher shares them).

    Looking lengths up one posting at a time through the codec was half the time of a search;
    reading every document's up front was most of a one-shot search on a large index.
    """

    def __init__(self, reader: Any, name: str) -> None:
        self._reader = reader
        self._name = name
        self._known: dict[int, int] = {}

    def __getitem__(self, docnum: int) -> int:
        found = self._known.get(docnum)
        if found is None:
            found = self._known[docnum] = self._reader.doc_field_length(docnum, self._name, 1)
        return found


def field_lengths(reader: Any, name: str, cache: Cache | None = None) -> FieldLengths:
    """The :class:`FieldLengths` of field ``name`` in a segment, one per segment and field."""
    if cache is None:
        return FieldLengths(reader, name)
    segment = reader.segment() if hasattr(reader, "segment") else None
    key = (segment.segment_id() if segment is not None else id(reader), name)
    return cache.get_or_compute(key, lambda: FieldLengths(reader, name))


class ArticleLevel(Query):  # type: ignore[misc]
    """The paragraphs of the articles whose article document matches ``child`` (a title term).

    They match with score 0: a title says which articles qualify, not which paragraph answers;
    the search keeps one paragraph per article of those matched this way only. An article's
    paragraphs follow its article document in the segment (see engine.index.documents_of).
    """

    def __init__(self, child: Any, scored: bool = False, cache: Cache | None = None) -> None:
        """``scored``: paragraphs take their article document's score instead of 0; ``cache``
        keeps the segments' article spans when the search's weighting does not (a filter)."""
        self.child = child
        self.scored = scored
        self.cache = cache
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"ArticleLevel({self.child!r}, scored={self.scored})"

    def __str__(self) -> str:
        return str(self.child)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArticleLevel) and self.child == other.child

    def __hash__(self) -> int:
        return hash(("ArticleLevel", self.child))

    def is_leaf(self) -> bool:
        return False

    def children(self) -> list[Any]:
        return [self.child]

    def apply(self, fn: Any) -> ArticleLevel:
        return ArticleLevel(fn(self.child), self.scored, self.cache)

    def estimate_size(self, ixreader: Any) -> int:
        return int(self.child.estimate_size(ixreader))

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        articles = self.child.matcher(searcher, context)
        reader = searcher.reader()
        model = context.weighting if context is not None else searcher.weighting
        cache = self.cache or (model.lengths if isinstance(model, LuceneBM25F) else None)
        scores: dict[int, float] = {}
        while articles.is_active():
            score = articles.score() if self.scored else 0.0
            for paragraph in paragraphs_of(reader, articles.id(), cache):
                scores[paragraph] = score
            articles.next()
        if not scores:
            return matching.NullMatcher()
        ids = sorted(scores)
        return matching.ListMatcher(ids, [scores[d] for d in ids])


class Own(Query):  # type: ignore[misc]
    """``child`` (a phrase or term in a paragraph's own field), recording what it matches."""

    def __init__(self, child: Any, own: set[int]) -> None:
        self.child = child
        self.own = own
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"Own({self.child!r})"

    def __str__(self) -> str:
        return str(self.child)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Own) and self.child == other.child

    def __hash__(self) -> int:
        return hash(("Own", self.child))

    def is_leaf(self) -> bool:
        return False

    def children(self) -> list[Any]:
        return [self.child]

    def apply(self, fn: Any) -> Own:
        return Own(fn(self.child), self.own)

    def estimate_size(self, ixreader: Any) -> int:
        return int(self.child.estimate_size(ixreader))

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        found = self.child.matcher(searcher, context)
        ids: list[int] = []
        scores: list[float] = []
        while found.is_active():
            ids.append(found.id())
            scores.append(found.score())
            found.next()
        if not ids:
            return matching.NullMatcher()
        offset = leaf_offset(searcher)
        self.own.update(offset + docnum for docnum in ids)
        return matching.ListMatcher(ids, scores)


class Budget:
    """A cooperative time limit on one search: checked between the parts of an OR, so that a
    query of many wildcard expansions stops after ``seconds`` with what it found (``cut``), on
    any thread (no signals)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.cut = False

    def spent(self) -> bool:
        if time.monotonic() > self.deadline:
            self.cut = True
        return self.cut


def flat_scores(query: Any, searcher: Any, budget: Budget | None = None) -> dict[int, float] | None:
    """The score of every document ``query`` matches, computed set-wise: each leaf's scores in a
    dictionary, ORs summed, ANDs intersected, AND NOT subtracted; None for a shape it does not
    know (a lone NOT, Every), which Whoosh's matchers run.

    Whoosh walks a query document by document through a tree of matchers, several method calls
    per document and word in Python, with block-quality bookkeeping that grows with the tree (a
    query of four wildcards took 18 s on 10k paragraphs); the sums are the same, as Whoosh scores
    an OR or AND as the sum of its parts.
    """
    if isinstance(query, q.Or):
        if query.scale or query.minmatch:
            return None
        total: dict[int, float] = {}
        for child in query.subqueries:
            if budget is not None and budget.spent():
                break
            found = flat_scores(child, searcher, budget)
            if found is None:
                return None
            for docnum, score in found.items():
                total[docnum] = total.get(docnum, 0.0) + score
        return _boosted(total, query.boost)
    if isinstance(query, q.And):
        parts = [flat_scores(child, searcher, budget) for child in query.subqueries]
        if any(part is None for part in parts) or not parts:
            return None
        known = [part for part in parts if part is not None]
        common = set(known[0]).intersection(*known[1:])
        return _boosted({d: sum(part[d] for part in known) for d in common}, query.boost)
    if isinstance(query, q.AndNot | q.AndMaybe | q.Require):
        a = flat_scores(query.a, searcher, budget)
        b = flat_scores(query.b, searcher, budget)
        if a is None or b is None:
            return None
        if isinstance(query, q.AndNot):
            return {d: s for d, s in a.items() if d not in b}
        if isinstance(query, q.AndMaybe):
            return {d: s + b.get(d, 0.0) for d, s in a.items()}
        return {d: s for d, s in a.items() if d in b}
    if query is q.NullQuery or isinstance(query, q.NullQuery.__class__):
        return {}
    if isinstance(
        query, FieldsTerm | Own | ArticleLevel | q.Term | q.Phrase | q.ConstantScoreQuery
    ):
        return _leaf_scores(query, searcher)
    return None


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


def _leaf_scores(query: Any, searcher: Any) -> dict[int, float]:
    found: dict[int, float] = {}
    context = searcher.context()
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf, context)
        is_active, ident, score, advance = (
            matcher.is_active,
            matcher.id,
            matcher.score,
            matcher.next,
        )
        while is_active():
            found[offset + ident()] = score()
            advance()
    return found
