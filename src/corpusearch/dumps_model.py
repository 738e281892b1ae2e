"""Per-line features of a text dump and the logistic line model that scores them as body or not.

The model is trained offline by ``bench/train_line_model.py`` and shipped as plain JSON
(``data/line_model.json``): feature names, standardisation, weights and bias.
"""

from __future__ import annotations

import json
import math
import operator
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from corpusearch.dumps_lines import (
    DISCLAIMER,
    FURNITURE,
    JUNK,
    STOPWORDS,
    Line,
    is_bullet_prose,
    is_caption,
    is_glued_teaser,
    is_heading,
    is_prose,
    markers,
)
from corpusearch.metadata import find_date, parse_byline, split_title

_WORD = re.compile(r"\w+")
_LINK = re.compile(r"https?:|www\.|@\w|#\w")
_THRESHOLD = 10  # words a line must exceed to count for the densest span


def densest_span(lines: Sequence[Line], boilerplate: frozenset[str]) -> tuple[int, int]:
    """Indices [start, end) of the run of long prose lines with the highest score.

    Teaser and comment markers are barriers the run never crosses; once some article prose has
    been seen, runs after a comment marker are discounted, since comments follow the article.
    """
    best, best_span = 0.0, (0, 0)
    total, start, discount = 0.0, 0, 1.0
    repeats = Counter(line.text for line in lines)
    for index, line in enumerate(lines):
        teaser, comment = markers(line.text, line.words)
        if teaser or comment:
            total, start = 0.0, index + 1
            if comment and best >= _SEEN:
                discount = _AFTER_COMMENTS
            continue
        # a line the page repeats (a teaser listed twice) counts as furniture
        total += _density_score(line, boilerplate, repeats[line.text] > 1)
        if total <= 0:
            total, start = 0.0, index + 1
        elif total * discount > best:
            best, best_span = total * discount, (start, index + 1)
    return best_span


_SEEN = 20.0  # span score of about 30 words of prose: an article has begun
_AFTER_COMMENTS = 0.25


def _density_score(line: Line, boilerplate: frozenset[str], repeated: bool) -> float:
    if line.text in boilerplate:
        return -20.0
    score = float(min(line.words, 80) - _THRESHOLD)
    if is_bullet_prose(line) and not repeated:
        return score - 2
    if line.bullet:
        score -= 4
    if line.bullet or line.text[-1:] not in '.!?"”’)' or is_glued_teaser(line.text):
        score = min(score, 0.0) - 2
    return score


def line_features(
    lines: Sequence[Line], boilerplate: frozenset[str], span: tuple[int, int] | None = None
) -> list[list[float]]:
    """One feature vector per line (see :data:`FEATURES` for the names).

    ``span`` is the page's :func:`densest_span` when the caller has it already.
    """
    count = len(lines)
    start, end = span if span is not None else densest_span(lines, boilerplate)
    repeats = Counter(line.text for line in lines)
    # Features of the text alone, computed once per distinct line (menus repeat).
    memo: dict[tuple[str, bool], tuple[list[float], bool, bool, bool]] = {}
    statics = []
    for line in lines:
        key = (line.text, line.bullet)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _text_features(line)
        statics.append(found)
    prose = [static[1] for static in statics]
    longest = max((len(line.text) for line in lines), default=1)
    group_sizes = Counter(line.group for line in lines)
    teaser_after = comment_after = count
    for index in range(start, count):
        if index >= end and statics[index][2]:
            teaser_after = min(teaser_after, index)
        if statics[index][3]:
            comment_after = min(comment_after, index)
    title = _content_words(split_title(lines[0].text)[0]) if lines else frozenset()
    last_teaser = -99
    prefix = [0]
    for flag in prose:
        prefix.append(prefix[-1] + flag)

    def near(index: int, radius: int) -> float:
        lo, hi = max(0, index - radius), min(count, index + radius + 1)
        return (prefix[hi] - prefix[lo]) / (hi - lo)

    rows: list[list[float]] = []
    previous: Line | None = None
    for index, line in enumerate(lines):
        text = line.text
        own, is_line_prose, teaser, _ = statics[index]
        in_span = start <= index < end
        heading = own[_HEADING] > 0
        if teaser:
            last_teaser = index
        following = lines[index + 1] if index + 1 < count else None
        row = own.copy()
        row[_GLUED_CAPTION] = float(own[_CAPTION] > 0 or _glued_caption(line, previous))
        row[18:30] = [
            float(repeats[text] > 1),
            float(text in boilerplate),
            index / count,
            float(in_span),
            math.log1p(max(0, start - index)),
            math.log1p(max(0, index - end + 1)),
            float(index > teaser_after),
            float(index > comment_after),
            float(index > 0 and prose[index - 1]),
            float(following is not None and prose[index + 1]),
            near(index, 3),
            near(index, 8),
        ]
        row[30] = float(line.first_in_group)
        row[31] = math.log(group_sizes[line.group])
        row[35] = len(text) / longest
        row[38:44] = [
            float(in_span and heading),
            float(is_line_prose and not in_span),
            float(in_span and line.bullet),
            float(previous is not None and previous.bullet),
            float(following is not None and following.bullet),
            len(_content_words(text) & title) / max(1, len(title)) if index and title else 0.0,
        ]
        row[45] = float(index - last_teaser <= 15 and not in_span)
        rows.append(row)
        previous = line
    return rows


_CAPTION, _GLUED_CAPTION, _HEADING = 14, 15, 32


def _glued_caption(line: Line, previous: Line | None) -> bool:
    """The part of :func:`is_caption` that depends on the previous line."""
    return (
        previous is not None
        and not line.first_in_group
        and previous.group == line.group
        and previous.words <= 4
    )


def _text_features(line: Line) -> tuple[list[float], bool, bool, bool]:
    """The features of a line's own text, with zeros where the context goes; prose, markers."""
    text = line.text
    lower = text.lower()
    words = _WORD.findall(lower)
    n = max(len(words), 1)
    teaser, comment = markers(text, line.words)
    ends = text[-1:] in '.!?"”’)'
    found = find_date(text)
    byline = line.words <= 12 and (
        (found is not None and len(text) - (found[2] - found[1]) < 30)
        or (lower[:2] == "by" and bool(parse_byline(text)))
    )
    row = [
        math.log1p(line.words),
        float(line.words >= 10),
        float(line.words >= 25),
        float(line.bullet),
        float(ends),
        sum(map(STOPWORDS.__contains__, words)) / n,
        _capitalised(text) / max(line.words, 1),
        len(_DIGIT.findall(text)) / len(text),
        text.count(",") / n,
        float("|" in text),
        float(teaser),
        float(comment),
        float(JUNK.match(text) is not None),
        float(_FURNITURE_LOWER.search(lower) is not None),
        float(is_caption(line, None)),
        0.0,  # glued_caption: depends on the previous line
        float(_is_disclaimer(lower)),
        float(byline),
    ]
    row += [0.0] * 12
    row += [
        0.0,  # first_in_group
        0.0,  # group_size
        float(is_heading(line)),
        float(text[:1].islower()),
        float(_LINK.search(text) is not None),
        0.0,  # relative_length
        float(text.endswith(("...", "…"))),
        float(found is not None),
    ]
    row += [0.0] * 6
    row += [float(is_glued_teaser(text)), 0.0, float(is_bullet_prose(line))]
    return row, is_prose(line), teaser, comment


_DIGIT = re.compile(r"\d")


def _capitalised(text: str) -> int:
    """How many space-separated words start with an upper-case letter."""
    return sum(1 for word in text.split() if word[0].isupper())


# FURNITURE and DISCLAIMER on lowercased text: much faster than re.IGNORECASE on every line.
_FURNITURE_LOWER = re.compile(FURNITURE.pattern)
_DISCLAIMER_LOWER = re.compile(DISCLAIMER.pattern)
_DISCLAIMER_HINTS = ("express", "necessarily", "rights", "©", "copyright")


def _is_disclaimer(lower: str) -> bool:
    return any(hint in lower for hint in _DISCLAIMER_HINTS) and bool(
        _DISCLAIMER_LOWER.search(lower)
    )


@lru_cache(maxsize=8192)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(word for word in _WORD.findall(text.lower()) if len(word) > 3) - STOPWORDS


FEATURES = (
    "log_words", "words10", "words25", "bullet", "ends_sentence", "stopwords", "capitalised",
    "digits", "commas", "bar", "teaser_marker", "comment_marker", "junk", "furniture", "caption",
    "glued_caption", "disclaimer", "byline_or_date", "repeated", "boilerplate", "position",
    "in_span", "before_span", "after_span", "after_teaser", "after_comments", "prev_prose",
    "next_prose", "prose_near3", "prose_near8", "first_in_group", "group_size", "heading_shape",
    "lowercase_start", "link", "relative_length", "ellipsis", "has_date", "span_heading",
    "prose_outside_span", "span_bullet", "prev_bullet", "next_bullet", "title_overlap",
    "glued_teaser", "near_teaser_marker", "bullet_prose",
)  # fmt: skip


CONTEXT_FEATURES = (
    "logit", "mean1", "mean3", "mean10", "max_before5", "max_after5", "in_core", "before_core",
    "after_core", "core_position", "prev_p", "next_p", "core_vocabulary",
)  # fmt: skip


def context_features(lines: Sequence[Line], probabilities: Sequence[float]) -> list[list[float]]:
    """Features of each line's neighbourhood in the first-stage probabilities."""
    count = len(lines)
    gains = [
        (p - 0.5) * math.log2(2 + line.words) for p, line in zip(probabilities, lines, strict=True)
    ]
    best, core, total, start = 0.0, (0, 0), 0.0, 0
    for index, gain in enumerate(gains):
        total += gain
        if total <= 0:
            total, start = 0.0, index + 1
        elif total > best:
            best, core = total, (start, index + 1)
    vocabulary: Counter[str] = Counter()
    contents = [_content_words(line.text) for line in lines]
    for words, p in zip(contents, probabilities, strict=True):
        if p >= 0.7:
            vocabulary.update(words)
    prefix = [0.0]
    for p in probabilities:
        prefix.append(prefix[-1] + p)

    def mean(radius: int, i: int) -> float:
        lo, hi = max(0, i - radius), min(count, i + radius + 1)
        return (prefix[hi] - prefix[lo]) / (hi - lo)

    before5 = _window_max(probabilities, 5, before=True)
    after5 = _window_max(probabilities, 5, before=False)
    rows = []
    for index, p in enumerate(probabilities):
        own = contents[index]
        if own:
            common = (p >= 0.7) + 1
            shared = sum(vocabulary[word] >= common for word in own) / len(own)
        else:
            shared = 0.0
        clipped = min(max(p, 1e-4), 1 - 1e-4)
        rows.append(
            [
                math.log(clipped / (1 - clipped)),
                mean(1, index),
                mean(3, index),
                mean(10, index),
                before5[index],
                after5[index],
                float(core[0] <= index < core[1]),
                math.log1p(max(0, core[0] - index)),
                math.log1p(max(0, index - core[1] + 1)),
                (index - core[0]) / max(1, core[1] - core[0]) if core[1] > core[0] else -1.0,
                probabilities[index - 1] if index else 0.0,
                probabilities[index + 1] if index + 1 < count else 0.0,
                shared,
            ]
        )
    return rows


def _window_max(values: Sequence[float], width: int, *, before: bool) -> list[float]:
    """For each index, the max of the ``width`` values before (or after) it; 0 when none."""
    count = len(values)
    out = []
    for index in range(count):
        lo, hi = (
            (max(0, index - width), index) if before else (index + 1, min(count, index + 1 + width))
        )
        out.append(max(values[lo:hi], default=0.0))
    return out


def smooth(probabilities: Sequence[float], stay: float = 0.65) -> list[int]:
    """The lines decoded as body by Viterbi over two states (furniture, body).

    Emissions are the model's probabilities; ``stay`` is the chance a line keeps the previous
    line's state (chosen by cross-validation: 0.6-0.75 all gain over a 0.5 threshold).
    """
    keep, switch = math.log(stay), math.log(1 - stay)
    scores = (0.0, 0.0)
    back: list[tuple[int, int]] = []
    for p in probabilities:
        p = min(max(p, 1e-6), 1 - 1e-6)
        from_same = (scores[0] + keep, scores[1] + keep)
        from_other = (scores[1] + switch, scores[0] + switch)
        back.append(
            (0 if from_same[0] >= from_other[0] else 1, 1 if from_same[1] >= from_other[1] else 0)
        )
        scores = (
            max(from_same[0], from_other[0]) + math.log(1 - p),
            max(from_same[1], from_other[1]) + math.log(p),
        )
    state = 0 if scores[0] >= scores[1] else 1
    body = []
    for index in range(len(probabilities) - 1, -1, -1):
        if state:
            body.append(index)
        state = back[index][state]
    return body[::-1]


_MENU_RADIUS = 3
_MENU_PROBABILITY = 0.001


def model_lines(lines: Sequence[Line]) -> list[int]:
    """Indices of the lines the model scores: all but obvious menu items.

    A bullet of at most three words with no prose line within three lines is a menu entry on
    the development pages all but once in 10,000; skipping such lines roughly halves the work.
    """
    count = len(lines)
    near = [False] * count
    for index, line in enumerate(lines):
        if is_prose(line):
            for other in range(max(0, index - _MENU_RADIUS), min(count, index + _MENU_RADIUS + 1)):
                near[other] = True
    return [
        index
        for index, line in enumerate(lines)
        if near[index] or not line.bullet or line.words > 3
    ]


@dataclass(frozen=True)
class LineModel:
    """Logistic regression over standardised line features."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        # Fold the standardisation into the weights: z = bias' + sum(w' * x).
        weights = [w / s for w, s in zip(self.weights, self.scale, strict=True)]
        bias = self.bias - sum(w * m for w, m in zip(weights, self.mean, strict=True))
        out = []
        for row in rows:
            z = bias + sum(map(operator.mul, row, weights))
            out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        mean, scale, weights = (
            tuple(map(float, data[key])) for key in ("mean", "scale", "weights")
        )
        return cls(mean, scale, weights, float(data["bias"]))


@dataclass(frozen=True)
class StackedModel:
    """Two logistic stages: line features, then those plus the first stage's neighbourhood."""

    first: LineModel
    second: LineModel

    def probabilities(
        self,
        lines: Sequence[Line],
        boilerplate: frozenset[str],
        span: tuple[int, int] | None = None,
    ) -> list[float]:
        kept = model_lines(lines)
        sub = [lines[index] for index in kept]
        if span is not None:
            # the span in the kept lines' numbering: how many kept lines precede each end
            span = (bisect_left(kept, span[0]), bisect_left(kept, span[1]))
        rows = line_features(sub, boilerplate, span)
        first = self.first.probabilities(rows)
        context = context_features(sub, first)
        second = self.second.probabilities([a + b for a, b in zip(rows, context, strict=True)])
        out = [_MENU_PROBABILITY] * len(lines)
        for index, p in zip(kept, second, strict=True):
            out[index] = p
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "context_features": list(CONTEXT_FEATURES),
            "first": self.first.to_json(),
            "second": self.second.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StackedModel:
        if data.get("features") != list(FEATURES) or data.get("context_features") != list(
            CONTEXT_FEATURES
        ):
            raise ValueError("line model was trained on other features")
        return cls(LineModel.from_json(data["first"]), LineModel.from_json(data["second"]))


@cache
def shipped_model() -> StackedModel | None:
    """The model in ``corpusearch/data/line_model.json``, or None when it is missing or stale."""
    try:
        text = resources.files("corpusearch").joinpath("data/line_model.json").read_text("utf-8")
        return StackedModel.from_json(json.loads(text))
    except (OSError, ValueError, KeyError):
        return None
