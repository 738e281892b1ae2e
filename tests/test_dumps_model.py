"""The line model's arithmetic: feature columns, the sparse weighted sum and Viterbi smoothing."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from corpusearch.extract.dumps_lines import parse_lines
from corpusearch.extract.dumps_model import (
    FEATURES,
    LineModel,
    line_features,
    shipped_model,
    smooth,
)

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_8bf490cc8fc391d2.txt"


def test_each_feature_column_is_all_flags_or_all_numbers() -> None:
    # LineModel.probabilities sums a column sparsely when its first value is a bool
    lines = parse_lines(SEED.read_text(encoding="utf-8"))
    columns = list(zip(*line_features(lines, frozenset()), strict=True))
    assert len(columns) == len(FEATURES)
    for name, column in zip(FEATURES, columns, strict=True):
        kinds = {value.__class__ is bool for value in column}
        assert len(kinds) == 1, name


def test_probabilities_are_the_logistic_of_the_weighted_sum() -> None:
    rng = random.Random(7)
    count, width = 40, 6
    model = LineModel(
        mean=tuple(rng.uniform(-1, 1) for _ in range(width)),
        scale=tuple(rng.uniform(0.5, 2) for _ in range(width)),
        weights=tuple(rng.uniform(-3, 3) for _ in range(width)),
        bias=0.3,
    )
    columns: list[list[float] | list[bool]] = [
        [rng.random() < 0.2 for _ in range(count)]
        if feature % 2
        else [rng.uniform(-5, 5) for _ in range(count)]
        for feature in range(width)
    ]
    expected = []
    for row in zip(*columns, strict=True):
        z = model.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(model.weights, row, model.mean, model.scale, strict=True)
        )
        expected.append(1 / (1 + math.exp(-z)))
    got = model.probabilities(columns)
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(got, expected, strict=True))


def test_shipped_model_rejects_columns_of_other_features() -> None:
    model = shipped_model()
    assert model is not None
    with pytest.raises(ValueError, match="feature columns"):
        model.first.probabilities([[0.0]])


def _viterbi(probabilities: list[float], stay: float) -> list[int]:
    """Two-state Viterbi written out in full, with log scores per state."""
    keep, switch = math.log(stay), math.log(1 - stay)
    scores, paths = [0.0, 0.0], [[], []]  # furniture, body
    for index, p in enumerate(probabilities):
        p = min(max(p, 1e-6), 1 - 1e-6)
        emissions = (math.log(1 - p), math.log(p))
        new_scores, new_paths = [], []
        for state in (0, 1):
            stay_score, switch_score = scores[state] + keep, scores[1 - state] + switch
            came = state if stay_score >= switch_score else 1 - state
            new_scores.append(max(stay_score, switch_score) + emissions[state])
            new_paths.append(paths[came] + ([index] if state else []))
        scores, paths = new_scores, new_paths
    return paths[0] if scores[0] >= scores[1] else paths[1]


def test_smoothing_is_two_state_viterbi() -> None:
    rng = random.Random(3)
    for _ in range(300):
        probabilities = [rng.betavariate(0.4, 0.4) for _ in range(rng.randint(0, 50))]
        for stay in (0.55, 0.65, 0.9):
            assert smooth(probabilities, stay) == _viterbi(probabilities, stay)
