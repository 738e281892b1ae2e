"""Whoosh analyzers: how text becomes index terms, the same at index and at query time.

A word is letters and digits, joined across apostrophes and their look-alikes (' ’ ‘ ʼ ʿ ʾ `),
which are then dropped: "Shi'ite", "Shi’ite" and "Shiite" are one term. Hyphens split words, so
"al-Sadr" is indexed as "al" + "sadr" (a query for "al-Sadr" is a phrase of both parts). Accents
fold, British spellings become American (:mod:`corpusearch.engine.british_american`), stop words go and Snowball
stems the rest. An all-capital acronym whose lowercase is a stop word ("IS", "US") keeps its
capitals and is neither dropped nor stemmed, so it never matches the word "is".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from whoosh.analysis import STOP_WORDS, Filter, RegexTokenizer
from whoosh.support.charset import accent_map

from corpusearch.engine.british_american import americanize
from corpusearch.stored import analysis_filter

APOSTROPHES = "'’‘ʼʿʾ`"
WORD = rf"\w+(?:[.{APOSTROPHES}]\w+)*"
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_POSSESSIVE = re.compile(f"[{APOSTROPHES}]s$")
_DOTTED_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
STOPS = frozenset(STOP_WORDS)
# Greek letters are spelled out, as English text often writes them: "TNF-α" meets "TNF-alpha".
GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρστυφχψω",
        [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "zeta",
            "eta",
            "theta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "omicron",
            "pi",
            "rho",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "chi",
            "psi",
            "omega",
        ],
        strict=True,
    )
)
_GREEK = re.compile("[α-ω]")
# Particles that open hyphenated Arabic and Hebrew names ("al-Sadr", "bin-Salman", "Abu-Bakr"):
# inside such a word they are not searched, so that a name never matches by its particle alone.
NAME_PARTICLES = frozenset(
    {"al", "el", "ad", "an", "ar", "as", "at", "az", "ash", "bin", "ibn", "abu", "bint", "ben"}
)
_CACHE_LIMIT = 200_000
STEMS_FILE = "stems.json"  # beside the index's segments: see save_stems


@cache
def _stemmer() -> Any:
    # nltk is slow to import: load it on the first word to stem, not when the schema unpickles.
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


_stems: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lowercase word (kept for the first
    _CACHE_LIMIT words: a long-running server's cache stays bounded)."""
    found = _stems.get(word)
    if found is None:
        found = str(_stemmer().stem(word))
        if len(_stems) < _CACHE_LIMIT:
            _stems[word] = found
    return found


def save_stems(path: Path) -> None:
    """Write every stem computed so far (with those already in ``path``) as JSON.

    Called after indexing, it lets later searches stem query words without importing nltk,
    which costs 0.3-1.5 s at start-up; see :func:`load_stems`.
    """
    known = _read_stems(path)
    known.update(_stems)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(known, separators=(",", ":")), encoding="utf-8")
    temporary.replace(path)


def load_stems(path: Path) -> None:
    """Preload stems saved by :func:`save_stems` (a missing or damaged file is ignored)."""
    for word, stemmed in _read_stems(path).items():
        _stems.setdefault(word, stemmed)


def _read_stems(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def fold(word: str) -> str:
    """A word as typed, lowercased, accents and apostrophes gone (no stemming): "Shīʿa" -> "shia"."""
    if _DOTTED_ACRONYM.match(word):
        word = word.replace(".", "")
    word = _POSSESSIVE.sub("", word.lower())
    if _GREEK.search(word):
        word = _GREEK.sub(lambda m: GREEK.get(m.group(), m.group()), word.replace("ς", "σ"))
    return _APOSTROPHE.sub("", word.translate(accent_map))


def is_protected_acronym(word: str) -> bool:
    """An all-capital word that would otherwise be a stop word, such as "IS" or "US"."""
    bare = word.replace(".", "")
    return len(bare) > 1 and bare.isupper() and bare.isalpha() and bare.lower() in STOPS


_terms: dict[str, str | None] = {}


def term(word: str) -> str | None:
    """The index term of one token as written, or None for a stop word."""
    found = _terms.get(word, "")
    if found != "":
        return found
    if is_protected_acronym(word):
        result: str | None = word.replace(".", "")
    else:
        folded = americanize(fold(word))
        result = None if folded in STOPS or len(folded) < 2 else stem(folded)
    if len(_terms) < _CACHE_LIMIT:
        _terms[word] = result
    return result


class TermFilter(Filter):  # type: ignore[misc]  # whoosh is untyped
    """Turn raw tokens into index terms; stop words leave and later positions close up."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return analysis_filter, ("term",)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermFilter)

    def __hash__(self) -> int:
        return hash(TermFilter)

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        return index_terms(tokens, term)


def index_terms(tokens: Iterator[Any], term_of: Callable[[str], str | None]) -> Iterator[Any]:
    """Each token as its index term (``term_of``); a token without one (a stop word) leaves, and
    the positions of those after it close up."""
    position = 0
    for token in tokens:
        result = term_of(token.text)
        if result is None:
            continue
        token.text = result
        if token.positions:
            token.pos = position
        position += 1
        yield token


class NameFilter(Filter):  # type: ignore[misc]
    """Lowercase, fold accents and apostrophes; no stemming, no stop words."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return analysis_filter, ("name",)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameFilter)

    def __hash__(self) -> int:
        return hash(NameFilter)

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = fold(token.text)
            if token.text:
                yield token


# Stored indexes refer to filters by these names (see corpusearch.stored): never rename one.
REGISTERED_FILTERS: dict[str, type[Filter]] = {"term": TermFilter, "name": NameFilter}


@cache
def text_analyzer() -> Any:
    """Body, title and section text: words folded, American spelling, stop words out, stemmed."""
    return RegexTokenizer(WORD) | TermFilter()


@cache
def name_analyzer() -> Any:
    """Names (authors, topics, source) and the spelling vocabulary: words folded, not stemmed."""
    return RegexTokenizer(WORD) | NameFilter()


def query_words(text: str) -> list[str]:
    """The words of ``text`` as the tokenizer splits them, as written."""
    return [token.text for token in RegexTokenizer(WORD)(text)]
