"""Highlighting: mark the words a query matched, stemmed forms included, in escaped HTML."""

from __future__ import annotations

import re
from html import escape

from corpusearch.engine.analysis import NAME_PARTICLES, text_analyzer

SNIPPET_CHARS = 320
HYPHENS = "-‐‑"
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
# Words that end with a full stop without ending a sentence: titles before a name, and
# initials ("U.S.", "J."), so that a snippet never starts or stops at "Mr. | Smith".
ABBREVIATIONS = frozenset(
    {
        *("mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "capt", "maj", "sgt", "sen"),
        *("rep", "gov", "pres", "st", "jr", "sr", "rev", "fr", "no", "vol", "fig", "vs", "etc"),
        *("jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec"),
        *("inc", "corp", "co", "ltd", "approx", "est", "dept", "univ"),
    }
)
_LAST_WORD = re.compile(r"([\w.]+)\.[\"”’)\]]*$")


def matches(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` whose analysed form is one of ``terms``.

    A term with spaces is a phrase: its words are marked only where they stand together. A
    hyphenated word is marked whole when a part matches ("al-Sadr" for "sadr").
    """
    if not terms:
        return []
    words = {term for term in terms if " " not in term}
    phrases = [tuple(term.split()) for term in terms if " " in term]
    tokens = [
        (token.text, token.startchar, token.endchar)
        for token in text_analyzer()(text, chars=True, mode="index")
    ]
    found: list[tuple[int, int]] = []
    for at, (word, start, end) in enumerate(tokens):
        if word in words:
            found.append((start, end))
        for phrase in phrases:
            if tuple(t for t, _, _ in tokens[at : at + len(phrase)]) == phrase:
                found.append((start, tokens[at + len(phrase) - 1][2]))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):
        start, end = _whole_word(text, start, end)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span over the particle of the name it ends ("Sadr" -> "al-Sadr")."""
    if start > 1 and text[start - 1] in HYPHENS:
        at = start - 1
        while at > 0 and text[at - 1].isalpha():
            at -= 1
        if text[at : start - 1].lower() in NAME_PARTICLES and (
            at == 0 or not text[at - 1].isalnum()
        ):
            return at, end
    return start, end


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
        if start > choice[0]:
            space = text.rfind(" ", choice[0], start)
            start = space + 1 if space >= choice[0] else start
        stop = min(stop, start + size)
        if stop < choice[1]:
            space = text.rfind(" ", start, stop)
            stop = space if space > start else stop  # no space (a URL, CJK text): cut mid-word
    prefix = "…" if start > 0 else ""
    body = mark(text, spans, start, stop).strip()
    # A snippet that ends a sentence needs no ellipsis, even when the paragraph goes on.
    suffix = "…" if stop < len(text) and not body.endswith((".", "!", "?", "…")) else ""
    return prefix + body + suffix


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text) if _ends_sentence(text, m.start())]
    ends = [*starts[1:], len(text)]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if text[s:e].strip()] or [
        (0, len(text))
    ]


def _ends_sentence(text: str, at: int) -> bool:
    """Whether the full stop before ``at`` ends a sentence, not an abbreviation or an initial."""
    found = _LAST_WORD.search(text, max(0, at - 24), at)
    if found is None:
        return True
    word = found.group(1)
    if "." in word or (len(word) == 1 and word.isupper()):
        return False  # "U.S." or an initial
    return word.lower() not in ABBREVIATIONS
