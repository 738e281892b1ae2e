"""Per-line features of a text dump and the logistic line model that scores them as body or not.

The model is trained offline by ``bench/train_line_model.py`` and shipped as plain JSON
(``data/line_model.json``): feature names, standardisation, weights and bias.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from corpusearch.extract.dumps_lines import (
    JUNK,
    MARKER_WORDS,
    STOPWORDS,
    Line,
    byline_or_dated,
    capitalised,
    content_words,
    content_words_of,
    count_digits,
    has_link,
    is_bullet_prose,
    is_caption_text,
    is_disclaimer_lower,
    is_furniture_lower,
    is_glued_teaser,
    is_heading,
    is_prose,
    markers,
    words_of,
)
from corpusearch.extract.metadata import find_date, split_title
from corpusearch.extract.tuning import knob

_THRESHOLD = 10  # words a line must exceed to count for the densest span


def densest_span(lines: Sequence[Line], boilerplate: frozenset[str]) -> tuple[int, int]:
    """Indices [start, end) of the run of long prose lines with the highest score.

    Teaser and comment markers are barriers the run never crosses; once some article prose has
    been seen, runs after a comment marker are discounted, since comments follow the article.
    """
    best, best_span = 0.0, (0, 0)
    total, start, discount = 0.0, 0, 1.0
    repeats = Counter(line.text for line in lines)
    # (teaser, comment, score) per distinct line: menus repeat
    memo: dict[tuple[str, bool], tuple[bool, bool, float]] = {}
    for index, line in enumerate(lines):
        key = (line.text, line.bullet)
        found = memo.get(key)
        if found is None:
            long = line.words > MARKER_WORDS  # no marker: skip the call
            teaser, comment = _NO_MARKERS if long else markers(line.text, line.words)
            # a line the page repeats (a teaser listed twice) counts as furniture
            score = 0.0 if teaser or comment else _density_score(line, boilerplate, repeats)
            found = memo[key] = (teaser, comment, score)
        teaser, comment, score = found
        if teaser or comment:
            total, start = 0.0, index + 1
            if comment and best >= _SEEN:
                discount = _AFTER_COMMENTS
            continue
        total += score
        if total <= 0:
            total, start = 0.0, index + 1
        elif total * discount > best:
            best, best_span = total * discount, (start, index + 1)
    return best_span


_NO_MARKERS = (False, False)
_SEEN = 20.0  # span score of about 30 words of prose: an article has begun
_AFTER_COMMENTS = 0.25


def _density_score(line: Line, boilerplate: frozenset[str], repeats: Counter[str]) -> float:
    if line.text in boilerplate:
        return -20.0
    score = float(min(line.words, 80) - _THRESHOLD)
    if line.bullet:
        if is_bullet_prose(line) and repeats[line.text] <= 1:
            return score - 2
        return min(score - 4, 0.0) - 2
    if line.text[-1:] not in '.!?"”’)' or is_glued_teaser(line.text):
        return min(score, 0.0) - 2
    if knob("dump_furniture_density") and _is_furniture(line.text):
        return min(score, 0.0) - 2
    return score


def _is_furniture(text: str) -> bool:
    """A consent banner's or a legal notice's line. Not every FURNITURE word: articles about
    passwords, subscriptions or privacy are prose."""
    lower = text.lower()
    return "cookie" in lower or is_disclaimer_lower(lower)


class _OwnFeatures(NamedTuple):
    """Features of each line's own text, one column per feature (with what the context needs)."""

    columns: dict[str, Sequence[float]]  # yes-or-no features as bools
    prose: list[bool]
    teaser: list[bool]
    comment: list[bool]
    content: list[frozenset[str]]  # see content_words


def _own_features(lines: Sequence[Line]) -> _OwnFeatures:
    """The features of the lines' own text, computed once per distinct line (menus repeat)."""
    slots: dict[tuple[str, bool], int] = {}
    positions = [slots.setdefault((line.text, line.bullet), len(slots)) for line in lines]
    distinct = list({(line.text, line.bullet): line for line in lines}.values())
    texts = [line.text for line in distinct]
    counts = [line.words for line in distinct]
    lowers = list(map(str.lower, texts))
    words = list(map(words_of, lowers))
    sizes = [max(len(found), 1) for found in words]
    marks = [markers(line.text, line.words) for line in distinct]
    digits = list(map(count_digits, texts))
    capitals = list(map(capitalised, texts))
    dates = [
        find_date(text) if count >= 4 else None for text, count in zip(texts, digits, strict=True)
    ]  # a date has a year of four digits
    columns: dict[str, Sequence[float]] = {
        "log_words": list(map(math.log1p, counts)),
        "words10": [count >= 10 for count in counts],
        "words25": [count >= 25 for count in counts],
        "bullet": [line.bullet for line in distinct],
        "ends_sentence": [text[-1:] in '.!?"”’)' for text in texts],
        "stopwords": [
            sum(map(STOPWORDS.__contains__, found)) / size
            for found, size in zip(words, sizes, strict=True)
        ],
        "capitalised": [
            capital / max(count, 1) for capital, count in zip(capitals, counts, strict=True)
        ],
        "digits": [count / len(text) for count, text in zip(digits, texts, strict=True)],
        "commas": [text.count(",") / size for text, size in zip(texts, sizes, strict=True)],
        "bar": ["|" in text for text in texts],
        "junk": [JUNK.match(text) is not None for text in texts],
        "furniture": list(map(is_furniture_lower, lowers, words)),
        "caption": list(map(is_caption_text, texts, lowers)),
        "disclaimer": list(map(is_disclaimer_lower, lowers)),
        "byline_or_date": [
            line.words <= 12 and byline_or_dated(line, found)
            for line, found in zip(distinct, dates, strict=True)
        ],
        "heading_shape": list(map(is_heading, distinct)),
        "lowercase_start": [text[:1].islower() for text in texts],
        "link": list(map(has_link, texts)),
        "ellipsis": [text.endswith(("...", "…")) for text in texts],
        "has_date": [found is not None for found in dates],
        # a glued teaser's headline has three capitalised words at least
        "glued_teaser": [
            capital >= 3 and is_glued_teaser(text)
            for capital, text in zip(capitals, texts, strict=True)
        ],
        "bullet_prose": list(map(is_bullet_prose, distinct)),
    }

    # each line takes its distinct line's value (itemgetter: one call per column, not per line)
    pick = operator.itemgetter(*positions) if len(distinct) < len(lines) else None

    def spread(values: Sequence[Any]) -> list[Any]:
        return list(values) if pick is None else list(pick(values))

    teasers, comments = spread([teaser for teaser, _ in marks]), spread([c for _, c in marks])
    return _OwnFeatures(
        {name: spread(column) for name, column in columns.items()}
        | {"teaser_marker": teasers, "comment_marker": comments},
        spread(list(map(is_prose, distinct))),
        teasers,
        comments,
        spread(list(map(content_words_of, words))),
    )


def line_features(
    lines: Sequence[Line], boilerplate: frozenset[str], span: tuple[int, int] | None = None
) -> list[list[float]]:
    """One feature vector per line (see :data:`FEATURES` for the names).

    ``span`` is the page's :func:`densest_span` when the caller has it already.
    """
    columns = _feature_columns(lines, _own_features(lines), boilerplate, span)
    return list(map(list, zip(*columns, strict=True)))  # flags as bools: 0 and 1 all the same


def _feature_columns(
    lines: Sequence[Line],
    own: _OwnFeatures,
    boilerplate: frozenset[str],
    span: tuple[int, int] | None,
) -> list[Sequence[float]]:
    """The features of :func:`line_features`, one column per feature in :data:`FEATURES` order.

    Yes-or-no features are columns of bools, which :meth:`LineModel.probabilities` sums sparsely.
    """
    count = len(lines)
    if not count:
        return [[] for _ in FEATURES]
    start, end = span if span is not None else densest_span(lines, boilerplate)
    texts, bullet_flags, groups, first_in_group, _ = zip(*lines, strict=True)
    indices = range(count)
    in_span = [False] * start + [True] * (end - start) + [False] * (count - end)
    prose = own.prose
    teaser_after = next((index for index in range(end, count) if own.teaser[index]), count)
    comment_after = next((index for index in range(start, count) if own.comment[index]), count)
    repeats = Counter(texts)
    log_group_sizes = {group: math.log(size) for group, size in Counter(groups).items()}
    longest = max(map(len, texts))
    title = content_words(split_title(texts[0])[0])
    glued = [False] + [
        not line.first_in_group and previous.group == line.group and previous.words <= 4
        for previous, line in itertools.pairwise(lines)
    ]
    near_teaser, last_teaser = [], -99
    for index, (teaser, inside) in enumerate(zip(own.teaser, in_span, strict=True)):
        if teaser:
            last_teaser = index
        near_teaser.append(index - last_teaser <= 15 and not inside)
    columns: dict[str, Sequence[float]] = (
        own.columns
        | {
            "glued_caption": list(map(operator.or_, own.columns["caption"], glued)),
            "repeated": [repeats[text] > 1 for text in texts],
            "boilerplate": [text in boilerplate for text in texts],
            "position": [index / count for index in indices],
            "in_span": in_span,
            "before_span": [
                math.log1p(start - index) if index < start else 0.0 for index in indices
            ],
            "after_span": [
                math.log1p(index - end + 1) if index >= end else 0.0 for index in indices
            ],
            "after_teaser": [False] * min(teaser_after + 1, count)
            + [True] * (count - teaser_after - 1),
            "after_comments": [False] * min(comment_after + 1, count)
            + [True] * (count - comment_after - 1),
            "prev_prose": [False, *prose[:-1]],
            "next_prose": [*prose[1:], False],
            "prose_near3": _window_means(prose, 3),
            "prose_near8": _window_means(prose, 8),
            "first_in_group": list(first_in_group),
            "group_size": list(map(log_group_sizes.__getitem__, groups)),
            "relative_length": [len(text) / longest for text in texts],
            "span_heading": list(map(operator.and_, in_span, own.columns["heading_shape"])),
            "prose_outside_span": list(map(operator.gt, prose, in_span)),  # prose and not in span
            "span_bullet": list(map(operator.and_, in_span, bullet_flags)),
            "prev_bullet": [False, *bullet_flags[:-1]],
            "next_bullet": [*bullet_flags[1:], False],
            # the first line is the page's <title>: it overlaps the title by definition
            "title_overlap": [0.0]
            + [len(words & title) / len(title) if title else 0.0 for words in own.content[1:]],
            "near_teaser_marker": near_teaser,
        }
    )
    return [columns[name] for name in FEATURES]


def _window_means(values: Sequence[float], radius: int) -> list[float]:
    """For each index, the mean of the values within ``radius`` of it."""
    count = len(values)
    prefix = list(itertools.accumulate(values, initial=0.0))
    lows = [0] * min(radius, count) + list(range(count - radius))
    highs = list(range(radius + 1, count + 1))
    highs += [count] * (count - len(highs))
    return [
        (prefix[high] - prefix[low]) / (high - low) for low, high in zip(lows, highs, strict=True)
    ]


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
    contents = [content_words(line.text) for line in lines]
    columns = _context_columns(lines, probabilities, contents)
    return list(map(list, zip(*columns, strict=True)))


def _context_columns(
    lines: Sequence[Line], probabilities: Sequence[float], contents: Sequence[frozenset[str]]
) -> list[list[float]]:
    """The features of :func:`context_features`, one column per feature in order."""
    count = len(lines)
    if not count:
        return [[] for _ in CONTEXT_FEATURES]
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
    core_start, core_end = core
    vocabulary: Counter[str] = Counter()
    for words, p in zip(contents, probabilities, strict=True):
        if p >= 0.7:
            vocabulary.update(words)
    # A likely-body line's own words are in the vocabulary: it shares those seen twice.
    seen = frozenset(vocabulary)
    seen_twice = frozenset(word for word, times in vocabulary.items() if times >= 2)
    clipped = [1e-4 if p < 1e-4 else 1 - 1e-4 if p > 1 - 1e-4 else p for p in probabilities]
    indices = range(count)
    core_size = max(1, core_end - core_start)
    return [
        [math.log(p / (1 - p)) for p in clipped],
        _window_means(probabilities, 1),
        _window_means(probabilities, 3),
        _window_means(probabilities, 10),
        _window_max(probabilities, 5, before=True),
        _window_max(probabilities, 5, before=False),
        [0.0] * core_start + [1.0] * (core_end - core_start) + [0.0] * (count - core_end),
        [math.log1p(core_start - index) if index < core_start else 0.0 for index in indices],
        [math.log1p(index - core_end + 1) if index >= core_end else 0.0 for index in indices],
        [(index - core_start) / core_size for index in indices]
        if core_end > core_start
        else [-1.0] * count,
        [0.0, *probabilities[:-1]],
        [*probabilities[1:], 0.0],
        [
            len(words & (seen_twice if p >= 0.7 else seen)) / len(words) if words else 0.0
            for words, p in zip(contents, probabilities, strict=True)
        ],
    ]


def _window_max(values: Sequence[float], width: int, *, before: bool) -> list[float]:
    """For each index, the max of the ``width`` values before (or after) it; 0 when none.

    The values are probabilities: padding the ends with zeros leaves every max as it is.
    """
    count = len(values)
    padded = [0.0] * width + list(values) + [0.0] * width
    first = 0 if before else width + 1
    shifted = [padded[offset : offset + count] for offset in range(first, first + width)]
    return list(map(max, *shifted))


def smooth(probabilities: Sequence[float], stay: float = 0.65) -> list[int]:
    """The lines decoded as body by Viterbi over two states (furniture, body).

    Emissions are the model's probabilities; ``stay`` is the chance a line keeps the previous
    line's state (chosen by cross-validation: 0.6-0.75 all gain over a 0.5 threshold).
    """
    # With one switching cost both ways, Viterbi needs only the best body path's log score minus
    # the best furniture path's: a lead beyond the switching cost is worth just that cost.
    barrier = math.log(stay) - math.log(1 - stay)
    clipped = [1e-6 if p < 1e-6 else 1 - 1e-6 if p > 1 - 1e-6 else p for p in probabilities]
    leads: list[float] = []  # after each line
    lead = 0.0
    for logit in map(math.log, [p / (1 - p) for p in clipped]):
        lead = (barrier if lead > barrier else -barrier if lead < -barrier else lead) + logit
        leads.append(lead)
    body = bool(leads) and leads[-1] > 0
    chosen = []
    for index in range(len(leads) - 1, -1, -1):
        if body:
            chosen.append(index)
        previous = leads[index - 1] if index else 0.0
        # the best path into a body line came from body unless body trailed by over the barrier
        body = previous >= -barrier if body else previous > barrier
    return chosen[::-1]


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
            low, high = max(0, index - _MENU_RADIUS), min(count, index + _MENU_RADIUS + 1)
            near[low:high] = [True] * (high - low)
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

    def probabilities(self, columns: Sequence[Sequence[float]]) -> list[float]:
        """The body probability of each line, from its feature ``columns`` (one per feature).

        A column of bools (a yes-or-no feature) adds its weight where it is true: most flags are
        off, so this beats multiplying every value.
        """
        if len(columns) != len(self.weights):
            raise ValueError(f"{len(columns)} feature columns for {len(self.weights)} weights")
        # Fold the standardisation into the weights: z = bias' + sum(w' * x).
        weights = [w / s for w, s in zip(self.weights, self.scale, strict=True)]
        bias = self.bias - sum(w * m for w, m in zip(weights, self.mean, strict=True))
        count = len(columns[0]) if columns else 0
        flags = [count > 0 and column[0].__class__ is bool for column in columns]
        pairs = zip(weights, columns, flags, strict=True)
        dense = [(w, column) for w, column, flag in pairs if not flag]
        scores = [bias] * count
        if dense:
            dense_weights, dense_columns = zip(*dense, strict=True)
            # row by row, the sums in C (rows from a zip() then reuse one tuple)
            rows = zip(*dense_columns, strict=True)
            products = map(
                map, itertools.repeat(operator.mul), rows, itertools.repeat(dense_weights)
            )
            scores = [bias + total for total in map(sum, products)]
        lines = range(count)
        for weight, column, flag in zip(weights, columns, flags, strict=True):
            if flag:
                for index in itertools.compress(lines, column):
                    scores[index] += weight
        # the logistic function, the score clipped to [-30, 30] (conditions: faster than min/max)
        return [
            1.0 / (1.0 + math.exp(30.0 if z < -30.0 else -30.0 if z > 30.0 else -z)) for z in scores
        ]

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
        own = _own_features(sub)
        columns = _feature_columns(sub, own, boilerplate, span)
        first = self.first.probabilities(columns)
        context = _context_columns(sub, first, own.content)
        second = self.second.probabilities([*columns, *context])
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
    """The model in ``corpusearch/extract/data/line_model.json``, or None when it is missing or stale."""
    try:
        text = (
            resources.files("corpusearch.extract")
            .joinpath("data/line_model.json")
            .read_text("utf-8")
        )
        return StackedModel.from_json(json.loads(text))
    except (OSError, ValueError, KeyError):
        return None
