"""Train the text-dump line model (logistic regression) on the benchmark's development pages.

Each line of a dump is labelled body when most of its word 4-grams occur in the page's hand-made
article body. Obvious menu items (see ``model_lines``) are left out, as at run time. The
model is written as plain JSON to ``src/corpusearch/extract/data/line_model.json``;
``bench/eval_cleaning.py`` reports its figures by page-level cross-validation (``train`` below is
called once per fold), never on pages it was trained on.
Usage: ``python bench/train_line_model.py [--data PATH] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

# Threaded BLAS is several times slower than one thread on these small matrices.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from corpusearch.extract.dumps_lines import Line, parse_lines  # noqa: E402
from corpusearch.extract.dumps_model import (  # noqa: E402
    CONTEXT_FEATURES,
    FEATURES,
    LineModel,
    StackedModel,
    context_features,
    line_features,
    model_lines,
)
from corpusearch.extract.shared_lines import shared_lines  # noqa: E402

_TOKEN = re.compile(r"\w+")
Page = tuple[list[Line], list[list[float]], list[int]]


def line_labels(text: str, body: str) -> list[int]:
    """1 for each line of the dump whose 4-grams (or, when short, whole text) are in ``body``."""
    tokens = _TOKEN.findall(body)
    grams = {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}
    body_lines = {" ".join(_TOKEN.findall(line)) for line in body.splitlines()}
    joined = " " + " ".join(tokens) + " "
    labels = []
    for line in parse_lines(text):
        words = _TOKEN.findall(line.text)
        if len(words) < 4:
            short = " ".join(words)
            labels.append(int(bool(words) and (short in body_lines or f" {short} " in joined)))
            if labels[-1] and short not in body_lines and len(words) < 3:
                labels[-1] = 0  # a one- or two-word fragment is body only as a line of its own
            continue
        line_grams = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
        labels.append(int(sum(gram in grams for gram in line_grams) / len(line_grams) >= 0.5))
    return labels


def corpus_shared_lines(data: Path) -> dict[str, frozenset[str]]:
    """Each dump's lines shared with the other dumps of ``data`` (as the indexer computes them).

    This uses no labels: at run time the indexer computes the same over the corpus it indexes.
    """
    paths = sorted((data / "dumps").glob("*.txt"))
    pages = [(path.name.removesuffix(".txt"), path.read_text(encoding="utf-8")) for path in paths]
    return dict(shared_lines(pages))


def load_pages(data: Path, ids: Sequence[str] | None = None) -> dict[str, Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    shared = corpus_shared_lines(data)
    pages: dict[str, Page] = {}
    for page in sorted(ids if ids is not None else truth):
        path = data / "dumps" / f"{page}.txt"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        lines = parse_lines(text)
        labels = line_labels(text, truth[page]["articleBody"])
        kept = model_lines(lines)  # the lines the model scores at run time
        lines, labels = [lines[i] for i in kept], [labels[i] for i in kept]
        pages[page] = (lines, line_features(lines, shared.get(page, frozenset())), labels)
    return pages


def train(pages: Sequence[Page], folds: int = 5) -> StackedModel:
    """Fit both stages; the second learns from out-of-fold first-stage probabilities."""
    first = fit([(rows, labels) for _, rows, labels in pages])
    stacked: list[tuple[list[list[float]], list[int]]] = []
    for fold in range(folds):
        inner = fit([(r, y) for i, (_, r, y) in enumerate(pages) if i % folds != fold])
        for lines, rows, labels in pages[fold::folds]:
            context = context_features(lines, inner.probabilities(list(zip(*rows, strict=True))))
            stacked.append(([a + b for a, b in zip(rows, context, strict=True)], labels))
    return StackedModel(first, fit(stacked))


def fit(pages: Sequence[tuple[list[list[float]], list[int]]], l2: float = 1.0) -> LineModel:
    """Logistic regression by Newton steps, each line weighted by its word 4-grams.

    The benchmark's metric counts word 4-grams, so a line weighs what it can gain or lose there
    (weighting by sqrt(words + 1) instead: F1 0.007 lower by cross-validation).
    """
    x = np.array([row for rows, _ in pages for row in rows], dtype=float)
    y = np.array([label for _, labels in pages for label in labels], dtype=float)
    words = np.exp(x[:, 0]) - 1  # feature 0 is log1p(words)
    weight = np.maximum(words - 3, 1)
    # the penalty was chosen for weights of mean sqrt(words + 1): keep its strength
    weight *= np.sqrt(words + 1).mean() / weight.mean()
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (weight * (p - y)) + penalty * beta
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return LineModel(
        tuple(mean.tolist()), tuple(scale.tolist()), tuple(beta[:-1].tolist()), float(beta[-1])
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval" / "aeb")
    parser.add_argument(
        "--out", type=Path, default=REPO / "src/corpusearch/extract/data/line_model.json"
    )
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    model = train(list(pages.values()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    lines = sum(len(labels) for _, _, labels in pages.values())
    print(f"trained on {len(pages)} pages, {lines} lines -> {args.out}")
    names = FEATURES + CONTEXT_FEATURES
    weights = sorted(zip(names, model.second.weights, strict=True), key=lambda t: -abs(t[1]))
    print("strongest second-stage weights:")
    for name, weight in weights[:12]:
        print(f"  {weight:+.3f}  {name}")


if __name__ == "__main__":
    main()
