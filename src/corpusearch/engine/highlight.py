"""Highlighting: mark the words a query matched, stemmed forms included, in escaped HTML."""

from __future__ import annotations

import re
from html import escape

from corpusearch.engine.analysis import text_analyzer

SNIPPET_CHARS = 320
HYPHENS = "-‐‑"
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def matches(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` whose analysed form is one of ``terms``."""
    if not terms:
        return []
    spans: list[tuple[int, int]] = []
    for token in text_analyzer()(text, chars=True, mode="index"):
        if token.text not in terms:
            continue
        start, end = token.startchar, token.endchar
        # Matched parts of one hyphenated word ("al-Sadr") are marked as one.
        if spans and start - spans[-1][1] == 1 and text[spans[-1][1]] in HYPHENS:
            start = spans.pop()[0]
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


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
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text)]
    ends = [*starts[1:], len(text)]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if text[s:e].strip()] or [
        (0, len(text))
    ]
