"""Rewrites of a parsed query: aliases, typo fallbacks, bounded wildcards, fields and BM25F terms.

The parser leaves free words as ``Term("text", term)`` and ``Phrase("text", terms)``; these
functions work on that tree and :func:`to_fields` turns it into the query that runs.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from itertools import islice
from typing import Any

from whoosh import query as q

from corpusearch.engine.aliases import Aliases, Key, terms_of
from corpusearch.engine.analysis import fold, term
from corpusearch.engine.scoring import ArticleLevel, FieldsTerm, Own

TEXT = "text"
VOCABULARY = "words"  # the unstemmed words of title and text, for typos and wildcards
# BM25F weights of the fields a free word searches (tuned on SciFact train: see bench/). The
# title is indexed once, on the article document, and counts in each of its paragraphs; but a
# paragraph matches only through words of its own text or section (engine.search.rank).
FIELD_BOOSTS = {"text": 1.0, "title": 2.5, "section": 0.5}
PARAGRAPH_FIELDS = {name: FIELD_BOOSTS[name] for name in ("text", "section")}
# Fields of the article document: a paragraph qualifies through them, scoring nothing.
ARTICLE_FIELDS = frozenset({"title", "authors", "topics", "source", "year", "language"})
# An alias counts this much of the word the user typed: a name often has several aliases, whose
# scores add up, so each counts well below it (SciFact train: 0.2-0.4 all within 0.0004).
ALIAS_WEIGHT = 0.3
MAX_EXPANSIONS = 32  # index terms a wildcard or fuzzy word may stand for
MAX_SCANNED = 20_000  # vocabulary words a wildcard may look at
MAX_FUZZY_DISTANCE = 2
TYPO_CHOICES = 3  # vocabulary words searched in place of a word that matches nothing
TYPO_WEIGHT = 0.5  # they count this much: a guess ranks below the words the user typed
# A term of one or two letters is mostly a function word the stop list lacks ("no", "do") or an
# ambiguous abbreviation or fragment of a split word ("de", "il", "e4"): it counts this much.
# Protected acronyms ("IS", "US") and numbers keep full weight. SciFact train: +0.002, flat 0.3-0.7.
SHORT_WEIGHT = 0.5


def literal(node: Any) -> Key | None:
    """The terms of a free word or phrase node, or None for anything else."""
    if isinstance(node, q.Term) and node.fieldname == TEXT and isinstance(node.text, str):
        return (node.text,)
    if isinstance(node, q.Phrase) and node.fieldname == TEXT:
        return tuple(node.words)
    return None


def key_node(key: Key, boost: float = 1.0) -> Any:
    if len(key) == 1:
        return q.Term(TEXT, key[0], boost=boost)
    return q.Phrase(TEXT, list(key), boost=boost)


def expand_aliases(
    node: Any, aliases: Aliases, lines: list[str], found: dict[Key, list[Key]] | None = None
) -> Any:
    """Add each name's aliases beside it (multi-word ones as phrases), weighted below it.

    ``found``, when given, receives each name expanded and its alternatives.
    """
    if isinstance(node, q.Phrase):
        key = literal(node)
        alternatives = aliases.alternatives(key) if key else []
        if alternatives:
            _explain(lines, key or (), aliases)
            if found is not None and key:
                found[key] = alternatives
            return q.Or([node, *(key_node(a, ALIAS_WEIGHT) for a in alternatives)])
        return node
    if isinstance(node, q.Term):
        if literal(node) is None:
            return node
        expanded = expand_aliases(q.Or([node]), aliases, lines, found)
        return node if len(expanded.subqueries) == 1 else expanded
    if not isinstance(node, (q.And, q.Or)):
        if isinstance(node, q.BinaryQuery):
            return node.__class__(expand_aliases(node.a, aliases, lines, found), node.b)
        if isinstance(node, q.CompoundQuery):
            subs = [expand_aliases(child, aliases, lines, found) for child in node.subqueries]
            return node.__class__(subs, boost=node.boost)
        return node
    children = list(node.subqueries)
    out: list[Any] = []
    i = 0
    while i < len(children):
        matched = 0
        for size in range(min(aliases.longest, len(children) - i), 0, -1):
            run = children[i : i + size]
            keys = [literal(c) for c in run]
            if not all(k is not None and len(k) == 1 for k in keys):
                continue
            key = tuple(k[0] for k in keys if k)
            alternatives = aliases.alternatives(key)
            if alternatives:
                _explain(lines, key, aliases)
                if found is not None:
                    found[key] = alternatives
                alts = [key_node(a, ALIAS_WEIGHT) for a in alternatives]
                if isinstance(node, q.Or):
                    out.extend(run)
                    out.append(q.Or(alts))
                else:
                    out.append(q.Or([run[0] if size == 1 else q.And(run), *alts]))
                matched = size
                break
        if matched:
            i += matched
            continue
        child = children[i]
        out.append(
            child if isinstance(child, q.Term) else expand_aliases(child, aliases, lines, found)
        )
        i += 1
    return node.__class__(out, boost=node.boost)


def alias_matched(node: Any, aliases: Aliases, reader: Any) -> set[str]:
    """The terms of names in ``node`` with an alias whose terms all occur in the index."""
    found: dict[Key, list[Key]] = {}
    expand_aliases(node, aliases, [], found)
    return {
        word
        for key, alternatives in found.items()
        if any(all(known(reader, w) for w in alternative) for alternative in alternatives)
        for word in key
    }


def _explain(lines: list[str], key: Key, aliases: Aliases) -> None:
    names = aliases.group_of(key) or ()
    shown = ", ".join(name for name in names if terms_of(name) != key)
    line = f"alias: {' '.join(key)} -> {shown} (weight {ALIAS_WEIGHT})"
    if line not in lines:
        lines.append(line)


def map_terms(node: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` to every leaf (children first), rebuilding compound nodes."""
    if isinstance(node, q.BinaryQuery):
        return node.__class__(map_terms(node.a, fn), map_terms(node.b, fn))
    if isinstance(node, q.CompoundQuery):
        return node.__class__([map_terms(c, fn) for c in node.subqueries], boost=node.boost)
    if isinstance(node, q.Not):
        return q.Not(map_terms(node.query, fn))
    return fn(node)


def known(reader: Any, word: str) -> bool:
    """Whether an index term occurs in any free-text field."""
    return any(reader.doc_frequency(f, word) for f in FIELD_BOOSTS if f in reader.schema)


def vocabulary_terms(reader: Any, words: list[str]) -> list[str]:
    """The distinct index terms of vocabulary words, most frequent first, at most MAX_EXPANSIONS."""
    ranked = sorted(words, key=lambda w: -reader.doc_frequency(VOCABULARY, w))
    found: dict[str, None] = {}
    for word in ranked:
        result = term(word)
        if result is not None and known(reader, result):
            found[result] = None
            if len(found) >= MAX_EXPANSIONS:
                break
    return list(found)


def pattern_words(node: Any) -> set[str]:
    """The words of wildcard and fuzzy leaves: wildcard parts folded, fuzzy words as terms."""
    found: set[str] = set()

    def visit(leaf: Any) -> Any:
        if isinstance(leaf, q.FuzzyTerm):
            found.add(str(leaf.text))
        elif isinstance(leaf, (q.Prefix, q.Wildcard)):
            found.update(part for part in re.split(r"[*?]", fold(str(leaf.text))) if part)
        return leaf

    map_terms(node, visit)
    return found


def bound_patterns(node: Any, reader: Any, lines: list[str]) -> Any:
    """Wildcard and fuzzy words become the index terms of at most MAX_EXPANSIONS vocabulary words."""

    def rewrite(leaf: Any) -> Any:
        if isinstance(leaf, q.FuzzyTerm):
            word = fold(str(leaf.text))
            distance = min(int(leaf.maxdist), MAX_FUZZY_DISTANCE, max(1, len(word) // 3))
            words = list(islice(reader.terms_within(VOCABULARY, word, distance, 1), MAX_SCANNED))
            label = f"{leaf.text}~{distance}"
        elif isinstance(leaf, (q.Prefix, q.Wildcard)):
            pattern = fold(str(leaf.text)) + ("*" if isinstance(leaf, q.Prefix) else "")
            prefix = re.split(r"[*?]", pattern)[0]
            match = re.compile(fnmatch.translate(pattern)).match
            scanned = islice(reader.expand_prefix(VOCABULARY, prefix), MAX_SCANNED)
            words = [w for w in (_text(b) for b in scanned) if match(w)]
            label = pattern
        else:
            return leaf
        terms = vocabulary_terms(reader, words)
        lines.append(f"pattern: {label} -> {', '.join(terms) or '(nothing)'}")
        return q.Or([q.Term(TEXT, t, boost=leaf.boost) for t in terms]) if terms else q.NullQuery

    return map_terms(node, rewrite)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def to_fields(node: Any, own: set[int]) -> Any:
    """Free words become BM25F terms over FIELD_BOOSTS, phrases one phrase per field; title and
    metadata terms select articles and score nothing. ``own`` collects, as the query runs, the
    paragraphs that match a word or phrase in their own text or section.

    Under AND, each operand must stand in the paragraph itself ("A AND B" means paragraphs about
    both), so there free words and phrases leave the title out.
    """

    def rewrite(node: Any, required: bool) -> Any:
        if isinstance(node, q.BinaryQuery):
            inner = required or isinstance(node, q.AndNot | q.Require)
            return node.__class__(rewrite(node.a, inner), rewrite(node.b, required))
        if isinstance(node, q.CompoundQuery):
            inner = required or isinstance(node, q.And)
            children = [rewrite(child, inner) for child in node.subqueries]
            return node.__class__(children, boost=node.boost)
        if isinstance(node, q.Not):
            return q.Not(rewrite(node.query, required))
        return _leaf(node, own, PARAGRAPH_FIELDS if required else FIELD_BOOSTS)

    return rewrite(dedupe(node), False)


def _leaf(leaf: Any, own: set[int], fields: dict[str, float]) -> Any:
    key = literal(leaf)
    if key is None:
        field = getattr(leaf, "fieldname", None)
        if field in ARTICLE_FIELDS:
            return ArticleLevel(leaf)
        if field == "section":
            return Own(leaf, own)
        return leaf
    if isinstance(leaf, q.Term):
        return FieldsTerm(key[0], fields, leaf.boost * term_weight(key[0]), own=own)
    phrases = []
    for field, weight in fields.items():
        phrase = q.Phrase(field, list(key), slop=leaf.slop, boost=leaf.boost * weight)
        phrases.append(ArticleLevel(phrase, scored=True) if field == "title" else Own(phrase, own))
    return q.Or(phrases)


def term_weight(word: str) -> float:
    """How much a query term counts before BM25F: short lowercase terms count SHORT_WEIGHT."""
    if len(word) <= 2 and word.islower():
        return SHORT_WEIGHT
    return 1.0


def dedupe(node: Any) -> Any:
    """A word repeated in a plain OR query counts once."""
    if isinstance(node, q.Or):
        unique = list(dict.fromkeys(node.subqueries))
        return q.Or([dedupe(c) for c in unique], boost=node.boost, scale=node.scale)
    return node
