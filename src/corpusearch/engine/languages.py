"""Analysis by language: each language's paragraphs in a text field of their own, stemmed its way.

English text (and text of no known language) stays in the ``text`` field with the analyzer of
:mod:`corpusearch.engine.analysis`, so English indexes and searches are unchanged. A paragraph in
a language with a Snowball stemmer goes to ``text_<code>`` (``text_fr``, ``text_ar``...),
analysed by :func:`language_analyzer`: words split as in English, that language's stop words
out, Snowball stems, then marks folded (accents, Arabic short vowels, Hebrew points), so that
"libération" and "liberation" meet. Any other language (Hebrew, Persian, Kurdish...) goes to
``text_other``: words folded, neither stemmed nor stopped.

Queries are analysed for every language present: a query parsed over :func:`query_fields` puts
each word through each field's analyzer, so a French word meets the French stems and an English
one the English stems, and a name ("Sadr", "Mosul"), which every language's analysis leaves
alone or folds the same way, meets paragraphs in all of them.

Stemmers: whoosh's Snowball ports (pure Python, loaded with whoosh) for 14 languages; Arabic uses
nltk's Snowball Arabic stemmer, since whoosh's ISRI stemmer fails on Python 3.7 and later (a
regular expression with a ``\\u`` escape in its replacement). Stop words: whoosh's lists; Arabic,
nltk's ISRI list (shipped in its code, no ``nltk.download``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.fields import ID, TEXT, FieldType

from corpusearch.engine.analysis import APOSTROPHES, index_terms
from corpusearch.stored import analysis_filter

__all__ = [
    "OTHER",
    "STEMMED",
    "LanguageFilter",
    "language_analyzer",
    "language_fields",
    "language_filter",
    "language_of_field",
    "languages_present",
    "query_fields",
    "stored_text",
    "text_field",
]

# Languages with a Snowball stemmer: whoosh's, and Arabic through nltk.
STEMMED = ("ar", "da", "de", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv")
OTHER = "other"  # any other detected language: folded only
DEFAULT_FIELD = "text"  # English, and text of unknown language: analysis.text_analyzer
FILTER_PREFIX = "lang:"  # stored indexes name our filters "lang:fr" (see corpusearch.stored)
_APOSTROPHES = re.compile("['’‘ʼʿʾ`]")
# Arabic short vowels are optional in writing, and its stemmer reads words without them: they go
# before stemming. Elsewhere marks go after it: Snowball stemmers read accents (French é, Russian й).
MARKS_FIRST = frozenset({"ar"})
# Combining marks written inside words (Latin accents in decomposed text, Arabic short vowels,
# Hebrew points) are not \w: without them a vowelled Arabic word would split at each vowel.
_LETTER = "[\\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0591-\u05c7]"
WORD = rf"{_LETTER}+(?:[.{APOSTROPHES}]{_LETTER}+)*"  # analysis.WORD, with marks
# nltk's ISRI stop list (49 words) leaves out the commonest particles, which its stemmer skips
# by their length; these are the prepositions, conjunctions and pronouns that make up most of
# any Arabic sentence.
ARABIC_PARTICLES = (
    "في", "من", "على", "إلى", "الى", "عن", "مع", "أن", "ان", "إن", "لا", "ما", "لم", "لن", "قد",
    "هذا", "هذه", "ذلك", "تلك", "هو", "هي", "هم", "كان", "أو", "او", "ثم", "كل", "بين", "عند",
    "حتى", "بعد", "قبل", "منذ", "التي", "الذي", "وفي", "ومن", "فقط", "أي", "اي", "إذا", "اذا",
)  # fmt: skip
_TATWEEL = "\u0640"  # the Arabic stretching stroke: typography, not spelling
_CACHE_LIMIT = 200_000


def text_field(language: str | None) -> str:
    """The text field of a paragraph in ``language`` (ISO 639-1, None when unknown)."""
    if language is None or language == "en":
        return DEFAULT_FIELD
    return f"text_{language}" if language in STEMMED else f"text_{OTHER}"


def language_of_field(field: str) -> str | None:
    """The language a text field holds: "fr" for ``text_fr``, None for ``text`` (English/unknown)."""
    if field == DEFAULT_FIELD or not field.startswith("text_"):
        return None
    return field.removeprefix("text_")


def stored_text(fields: Mapping[str, Any]) -> str:
    """A paragraph document's text, from whichever language's field holds it."""
    return str(fields.get(text_field(fields.get("language"))) or fields.get(DEFAULT_FIELD) or "")


def languages_present(reader: Any) -> list[str]:
    """The languages of an index's paragraphs (its ``language`` terms); none in an older index."""
    if "language" not in reader.schema:
        return []
    return [term.decode("utf-8") for term in reader.lexicon("language")]


def language_fields() -> dict[str, FieldType]:
    """The fields to add to the paragraph schema: ``language`` and one text field per language.

    Empty fields cost nothing in Whoosh: an index of English articles only is the same size.
    """
    fields: dict[str, FieldType] = {"language": ID(stored=True)}
    for code in (*STEMMED, OTHER):
        fields[f"text_{code}"] = TEXT(analyzer=language_analyzer(code), stored=True)
    return fields


def query_fields(present: Iterable[str | None]) -> list[str]:
    """The text fields a query searches, given the languages the index holds (its ``language``
    terms); ``text`` always comes first."""
    fields = [DEFAULT_FIELD]
    for language in present:
        field = text_field(language)
        if field not in fields:
            fields.append(field)
    return fields


@cache
def language_analyzer(code: str) -> Any:
    """Words as the English analyzer splits them (marks inside them kept), then
    :class:`LanguageFilter` for ``code``."""
    return RegexTokenizer(WORD) | LanguageFilter(code)


def language_filter(code: str) -> LanguageFilter:
    """A new :class:`LanguageFilter` (what ``corpusearch.stored.analysis_filter("lang:fr")`` gives)."""
    return LanguageFilter(code)


class LanguageFilter(Filter):  # type: ignore[misc]  # whoosh is untyped
    """One language's index terms: stop words out (later positions close up), stems folded."""

    def __init__(self, code: str) -> None:
        if code not in (*STEMMED, OTHER):
            raise ValueError(f"no analysis for language {code!r}")
        self.code = code

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return analysis_filter, (FILTER_PREFIX + self.code,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageFilter) and other.code == self.code

    def __hash__(self) -> int:
        return hash((LanguageFilter, self.code))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        return index_terms(tokens, _term_function(self.code))


@cache
def _term_function(code: str) -> Callable[[str], str | None]:
    stem = _stemmer(code)
    stops = _stop_words(code)
    terms: dict[str, str | None] = {}

    def term(word: str) -> str | None:
        found = terms.get(word, "")
        if found != "":
            return found
        lower = _APOSTROPHES.sub("", word.lower().replace(_TATWEEL, ""))
        if code in MARKS_FIRST:
            lower = _fold(lower)
        result = None if lower in stops or len(lower) < 2 else _fold(stem(lower))
        if len(terms) < _CACHE_LIMIT:
            terms[word] = result
        return result

    return term


def _fold(word: str) -> str:
    """Combining marks out: Latin accents, Arabic short vowels and hamza seats, Hebrew points."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def _stemmer(code: str) -> Callable[[str], str]:
    if code == OTHER:
        return str
    if code == "ar":
        # nltk takes seconds to import: only when Arabic text is analysed
        from nltk.stem.snowball import SnowballStemmer

        arabic = SnowballStemmer("arabic")
        return lambda word: str(arabic.stem(word))
    from whoosh.lang.snowball import classes

    stemmer = classes[code]()
    return lambda word: str(stemmer.stem(word))


def _stop_words(code: str) -> frozenset[str]:
    if code == OTHER:
        return frozenset()
    if code == "ar":
        from nltk.stem.isri import ISRIStemmer

        return frozenset(_fold(word) for word in (*ISRIStemmer().stop_words, *ARABIC_PARTICLES))
    from whoosh.lang.stopwords import stoplists

    return frozenset(stoplists.get(code, ()))
