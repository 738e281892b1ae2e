"""Check an export's analysis against ours without a cluster: run its settings in Python.

:func:`simulate` interprets the analysis settings :func:`corpusearch.engine.opensearch.index_body`
writes (mapping and pattern_replace character filters, the pattern tokenizer, the token filters
used there) with Python's ``re`` in place of Java's regular expressions, NLTK's Snowball in
place of Lucene's (the same Porter2 algorithm) and Unicode decomposition in place of
``asciifolding``. :func:`parity` compares the result with our analyzer, term by term and
position by position, so a change to either side that breaks the mirror shows as a figure.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from corpusearch.engine.analysis import stem, text_analyzer
from corpusearch.engine.opensearch import os_term

__all__ = ["Parity", "parity", "simulate"]

Token = tuple[str, int]  # term, position
# Letters Unicode decomposition does not reduce to ASCII, as Lucene's ASCIIFoldingFilter folds them.
_FOLD_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "œ": "oe", "þ": "th", "ı": "i"}
)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    # Java's (?U) (Unicode character classes) is what Python's str patterns do by default.
    return re.compile(pattern.replace("(?U)", ""))


def _replacement(java: str) -> str:
    return re.sub(r"\$(\d)", r"\\g<\1>", java)


def _ascii_fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _char_filter(spec: dict[str, Any], text: str) -> str:
    if spec["type"] == "mapping":
        table = dict(rule.split(" => ") for rule in spec["mappings"])
        return "".join(table.get(char, char) for char in text)
    if spec["type"] == "pattern_replace":
        return _regex(spec["pattern"]).sub(_replacement(spec["replacement"]), text)
    raise ValueError(f"char filter {spec['type']} is not simulated")


def _tokenize(spec: dict[str, Any] | str, text: str) -> list[Token]:
    if spec == "whitespace":
        return [(word, i) for i, word in enumerate(text.split())]
    if isinstance(spec, dict) and spec["type"] == "pattern":
        return [(m.group(0), i) for i, m in enumerate(_regex(spec["pattern"]).finditer(text))]
    raise ValueError(f"tokenizer {spec} is not simulated")


def _token_filter(
    spec: dict[str, Any] | str, tokens: list[Token], keywords: set[str]
) -> list[Token]:
    kind = spec if isinstance(spec, str) else spec["type"]
    if kind == "lowercase":
        return [(t.lower(), p) for t, p in tokens]
    if kind == "asciifolding":
        return [(_ascii_fold(t), p) for t, p in tokens]
    assert isinstance(spec, dict), kind
    if kind == "pattern_replace":
        pattern, replacement = _regex(spec["pattern"]), _replacement(spec["replacement"])
        return [(pattern.sub(replacement, t), p) for t, p in tokens]
    if kind == "synonym":
        table = dict(rule.split(" => ") for rule in spec["synonyms"])
        return [(table.get(t, t), p) for t, p in tokens]
    if kind == "stop":
        stops = set(spec["stopwords"])
        return [(t, p) for t, p in tokens if t not in stops]
    if kind == "length":
        return [(t, p) for t, p in tokens if len(t) >= spec.get("min", 0)]
    if kind == "keyword_marker":
        keywords.update(spec["keywords"])
        return tokens
    if kind == "snowball":
        return [(t if t in keywords else stem(t), p) for t, p in tokens]
    raise ValueError(f"token filter {kind} is not simulated")


def simulate(settings: dict[str, Any], analyzer: str, text: str) -> list[Token]:
    """The terms and positions the exported ``analyzer`` gives ``text`` (index time)."""
    analysis = settings["settings"]["index"]["analysis"]
    chain = analysis["analyzer"][analyzer]
    for name in chain.get("char_filter", []):
        text = _char_filter(analysis["char_filter"][name], text)
    tokenizer = chain["tokenizer"]
    tokens = _tokenize(analysis.get("tokenizer", {}).get(tokenizer, tokenizer), text)
    keywords: set[str] = set()
    for name in chain.get("filter", []):
        tokens = _token_filter(analysis["filter"].get(name, name), tokens, keywords)
    return tokens


def ours(text: str) -> list[Token]:
    """Our index terms of ``text`` (in their OpenSearch form) and positions."""
    return [(os_term(token.text), token.pos) for token in text_analyzer()(text, positions=True)]


@dataclass(frozen=True)
class Parity:
    """How closely the exported analysis reproduces ours over some texts."""

    texts: int
    same_texts: int  # texts whose terms and positions all agree
    tokens: int  # our terms
    same_terms: int  # our terms OpenSearch produces at the same place in the sequence
    differences: tuple[tuple[str, str, int], ...]  # (ours, OpenSearch's, count), most first

    def summary(self) -> str:
        share = self.same_terms / max(self.tokens, 1)
        return (
            f"{self.same_terms}/{self.tokens} terms ({share:.4%}) and {self.same_texts}/"
            f"{self.texts} texts (terms and positions) identical"
        )


def parity(settings: dict[str, Any], texts: Iterable[str], *, show: int = 10) -> Parity:
    """Compare our analysis with the exported ``corpusearch_text`` analyzer over ``texts``."""
    count = same_texts = tokens = same_terms = 0
    differences: Counter[tuple[str, str]] = Counter()
    for text in texts:
        count += 1
        mine = ours(text)
        theirs = simulate(settings, "corpusearch_text", text)
        same_texts += mine == theirs
        tokens += len(mine)
        their_terms = [t for t, _ in theirs]
        for i, (term, _) in enumerate(mine):
            other = their_terms[i] if i < len(their_terms) else ""
            if term == other:
                same_terms += 1
            else:
                differences[(term, other)] += 1
    ranked = tuple((a, b, n) for (a, b), n in differences.most_common(show))
    return Parity(count, same_texts, tokens, same_terms, ranked)
