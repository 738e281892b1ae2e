"""Whoosh analyzers: how text becomes index terms, the same at index and at query time."""

from __future__ import annotations

from functools import cache
from typing import Any

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

WORD = r"\w+(?:[.'’]\w+)*"


@cache
def _stemmer() -> Any:
    # nltk is slow to import: load it on the first word to stem, not when the schema unpickles.
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lowercase word."""
    return str(_stemmer().stem(word))


@cache
def text_analyzer() -> Any:
    """Body, title and section text: words, lowercased, accents folded, stop words out, stemmed."""
    return (
        RegexTokenizer(WORD)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter(stemfn=stem, cachesize=50000)
    )


@cache
def name_analyzer() -> Any:
    """Names (authors, topics, source): words, lowercased, accents folded; no stemming."""
    return RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)
