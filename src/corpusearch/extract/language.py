"""The language of an article's text, offline: ISO 639-1 codes ("en", "fr", "ar"), or None.

English prose is recognised without a model: at least a fifth of its words are among the 34
commonest English function words (109 of the 111 English bodies of the article extraction
benchmark; no page in another language there passes 8 %). Anything else goes to py3langid
(a model of 140 languages, shipped inside the package: nothing is downloaded), which is loaded
on the first such text (1.3-1.9 s here) and kept. A text too short to tell, or one the model is
unsure of, is None: the caller treats it as it treats undetected text.

Measured on 16 sentences in 10 languages (English, French, Arabic, Hebrew, German, Spanish,
Russian, Persian, Portuguese, Italian), 5 of them short: py3langid 15/16 right, 0.1 ms a text;
langid 16/16, 8 ms a text, 2.1 s to load; lingua 15/16, 4 ms a text but 15 s and 1.3 GB to
load its models (96 MB installed). py3langid's one miss (a 9-word English line read as Nigerian
Pidgin) had confidence 0.11, under :data:`MIN_CONFIDENCE`, so it comes out None.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = ["ENGLISH_WORDS", "MIN_CONFIDENCE", "detect_language", "language_name"]

# The English fast path: whoosh's English stop words (kept here, not imported: no whoosh here).
ENGLISH_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in",
        "is", "it", "may", "not", "of", "on", "or", "that", "the", "this", "to", "us", "we",
        "when", "will", "with", "yet", "you", "your",
    }
)  # fmt: skip
ENGLISH_SHARE = (
    0.2  # English prose: 0.2 or more of its words (AEB: 109/111); other languages <= 0.08
)
MIN_WORDS = 20  # fewer words do not say enough for the fast path
SAMPLE_CHARS = 4000  # enough to tell a language; the model's time grows with the text
MIN_LETTERS = 20  # fewer letters: too short to tell
MIN_CONFIDENCE = 0.5  # the model's normalised probability; below it, the text is too ambiguous
_WORDS = re.compile(r"[^\W\d_]+")

# Names of the languages corpusearch analyses with their own stemmer, for messages and facets.
NAMES = {
    "ar": "Arabic",
    "da": "Danish",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hu": "Hungarian",
    "it": "Italian",
    "ku": "Kurdish",
    "nl": "Dutch",
    "no": "Norwegian",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
}


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when it is too short or unclear."""
    sample = text[:SAMPLE_CHARS]
    words = _WORDS.findall(sample.lower())
    if len(words) >= MIN_WORDS and sum(w in ENGLISH_WORDS for w in words) >= ENGLISH_SHARE * len(
        words
    ):
        return "en"
    if sum(len(word) for word in words) < MIN_LETTERS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None


def language_name(code: str) -> str:
    """A language's English name ("fr" -> "French"), the code itself when unknown."""
    return NAMES.get(code, code)


@cache
def _identifier() -> Any:
    # py3langid ships no type hints, and its model takes a second or two to load: once, lazily.
    import importlib

    langid = importlib.import_module("py3langid.langid")
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
