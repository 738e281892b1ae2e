"""Per-line features of a text dump and the logistic line model that scores them as body or not.

The model is trained offline by ``bench/train_line_model.py`` and shipped as plain JSON
(``data/line_model.json``): feature names, standardisation, weights and bias.
"""

from __future__ import annotations

import json
import math
import operator
import re
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
    is_byline_or_date,
    is_caption,
    is_comment_marker,
    is_glued_teaser,
    is_heading,
    is_prose,
    is_teaser_marker,
    markers,
)
from corpusearch.metadata import find_date, split_title

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


def line_features(lines: Sequence[Line], boilerplate: frozenset[str]) -> list[list[float]]:
    """One feature vector per line (see :data:`FEATURES` for the names)."""
    count = len(lines)
    start, end = densest_span(lines, boilerplate)
    repeats = Counter(line.text for line in lines)
    prose = [is_prose(line) for line in lines]
    longest = max((len(line.text) for line in lines), default=1)
    group_sizes = Counter(line.group for line in lines)
    teaser_after = comment_after = count
    for index in range(start, count):
        if index >= end and is_teaser_marker(lines[index]):
            teaser_after = min(teaser_after, index)
        if is_comment_marker(lines[index]):
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
    for index, line in enumerate(lines):
        text = line.text
        words = _WORD.findall(text.lower())
        n = max(len(words), 1)
        content = _content_words(text)
        previous = lines[index - 1] if index else None
        in_span = start <= index < end
        heading = is_heading(line)
        if is_teaser_marker(line):
            last_teaser = index
        rows.append(
            [
                math.log1p(line.words),
                float(line.words >= 10),
                float(line.words >= 25),
                float(line.bullet),
                float(text[-1:] in '.!?"”’)'),
                sum(map(STOPWORDS.__contains__, words)) / n,
                sum(word[:1].isupper() for word in text.split()) / max(line.words, 1),
                sum(map(str.isdigit, text)) / len(text),
                text.count(",") / n,
                float("|" in text),
                float(is_teaser_marker(line)),
                float(is_comment_marker(line)),
                float(JUNK.match(text) is not None),
                float(FURNITURE.search(text) is not None),
                float(is_caption(line, None)),
                float(is_caption(line, previous)),
                float(DISCLAIMER.search(text) is not None),
                float(is_byline_or_date(line)),
                float(repeats[text] > 1),
                float(text in boilerplate),
                index / count,
                float(in_span),
                math.log1p(max(0, start - index)),
                math.log1p(max(0, index - end + 1)),
                float(index > teaser_after),
                float(index > comment_after),
                float(index > 0 and prose[index - 1]),
                float(index + 1 < count and prose[index + 1]),
                near(index, 3),
                near(index, 8),
                float(line.first_in_group),
                math.log(group_sizes[line.group]),
                float(heading),
                float(text[:1].islower()),
                float(_LINK.search(text) is not None),
                len(text) / longest,
                float(text.endswith(("...", "…"))),
                float(find_date(text) is not None),
                float(in_span and heading),
                float(prose[index] and not in_span),
                float(in_span and line.bullet),
                float(previous is not None and previous.bullet),
                float(index + 1 < count and lines[index + 1].bullet),
                len(content & title) / max(1, len(title)) if index else 0.0,
                float(is_glued_teaser(text)),
                float(index - last_teaser <= 15 and not in_span),
                float(is_bullet_prose(line)),
            ]
        )
    return rows


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

    rows = []
    for index, p in enumerate(probabilities):
        own = contents[index]
        shared = sum(vocabulary[word] - (p >= 0.7) >= 1 for word in own) / max(1, len(own))
        clipped = min(max(p, 1e-4), 1 - 1e-4)
        rows.append(
            [
                math.log(clipped / (1 - clipped)),
                mean(1, index),
                mean(3, index),
                mean(10, index),
                max(probabilities[max(0, index - 5) : index], default=0.0),
                max(probabilities[index + 1 : index + 6], default=0.0),
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

    def probabilities(self, lines: Sequence[Line], boilerplate: frozenset[str]) -> list[float]:
        rows = line_features(lines, boilerplate)
        first = self.first.probabilities(rows)
        context = context_features(lines, first)
        return self.second.probabilities([a + b for a, b in zip(rows, context, strict=True)])

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
