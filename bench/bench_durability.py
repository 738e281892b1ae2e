"""The cost of durable commits: index the same paragraphs with Whoosh's FileStorage and DurableFileStorage.

Cleans the 123 dumps of ``../shared/eval/aeb`` once (not timed), then, alternating the two
storages in the same run, times (a) a full build in one commit and (b) the same paragraphs
written as many small commits (an incremental run per article), and prints the median time of
each, the ratio durable/plain, and the fsync calls of one durable run with the time spent in
them (steadier than the ratio on a busy machine).
Usage: ``python bench/bench_durability.py [--rounds N] [--commits N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from whoosh.filedb.filestore import FileStorage  # noqa: E402

from corpusearch.engine.index import INDEX_NAME, documents_of, make_schema  # noqa: E402
from corpusearch.engine.storage import durable_storage  # noqa: E402
from corpusearch.errors import UnreadableFileError  # noqa: E402
from corpusearch.extract.pipeline import load_article  # noqa: E402
from corpusearch.records import Article  # noqa: E402

DUMPS = REPO.parent / "shared" / "eval" / "aeb" / "dumps"
ROUNDS = 3  # each storage timed this many times, alternating; the median is printed
COMMITS = 40  # small commits in the incremental case (one per article, like a run per new page)


def articles() -> list[Article]:
    found: list[Article] = []
    for path in sorted(DUMPS.glob("*.txt")):
        try:
            found.append(load_article(path, root=DUMPS))
        except UnreadableFileError:
            continue
    return found


def build(storage: Any, batches: Sequence[Sequence[Article]]) -> float:
    started = time.perf_counter()
    ix = storage.create_index(make_schema(), indexname=INDEX_NAME)
    for batch in batches:
        with ix.writer() as writer:
            for article in batch:
                for document in documents_of(article):
                    writer.add_document(**document)
    return time.perf_counter() - started


def timed(make: Callable[[str], Any], batches: Sequence[Sequence[Article]]) -> float:
    folder = tempfile.mkdtemp(prefix="bench-durability-")
    try:
        return build(make(folder), batches)
    finally:
        shutil.rmtree(folder)


def count_fsyncs(batches: Sequence[Sequence[Article]]) -> tuple[int, float, float]:
    """fsync calls of one durable run, the seconds spent in them, and the run's seconds."""
    real = os.fsync
    calls = 0
    spent = 0.0

    def counting(descriptor: int) -> None:
        nonlocal calls, spent
        started = time.perf_counter()
        real(descriptor)
        spent += time.perf_counter() - started
        calls += 1

    os.fsync = counting
    try:
        total = timed(durable_storage, batches)
    finally:
        os.fsync = real
    return calls, spent, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--commits", type=int, default=COMMITS)
    args = parser.parse_args()
    corpus = articles()
    paragraphs = sum(len(article.paragraphs) for article in corpus)
    print(f"{len(corpus)} articles, {paragraphs} paragraphs from {DUMPS}")
    cases = {
        "full build, 1 commit": [corpus],
        f"{args.commits} small commits": [[article] for article in corpus[: args.commits]],
    }
    for label, batches in cases.items():
        plain: list[float] = []
        durable: list[float] = []
        for _ in range(args.rounds):
            plain.append(timed(FileStorage, batches))
            durable.append(timed(durable_storage, batches))
        p, d = statistics.median(plain), statistics.median(durable)
        calls, spent, total = count_fsyncs(batches)
        print(
            f"{label:>24}: plain {p:.3f} s, durable {d:.3f} s, ratio {d / p:.2f} (median of"
            f" {args.rounds}); one durable run: {calls} fsyncs taking {spent * 1000:.0f} ms"
            f" of {total:.3f} s ({spent / total:.1%})"
        )


if __name__ == "__main__":
    main()
