"""Fuzz the query engine: 10,000 random hostile queries, counting exceptions outside the library's
error family and timing each query.

Queries mix operators (ANDMAYBE, ANDNOT...), wildcards, fuzzy marks (``~``), fields, ranges,
quotes, parentheses and odd characters (lone surrogates, controls, RTL marks, CJK), see
``tests/fuzzkit.py``. The index is the evaluation pages of ``../shared/eval/aeb`` (real
vocabulary for wildcards to expand over), or with ``--synthetic N`` the made-up index of
``bench_queries.py``. Prints the unexpected exceptions (grouped, with a query raising each),
time percentiles against single-word queries measured in the same run, and the slowest queries.
Usage: ``python bench/fuzz_queries.py [--queries 10000] [--seed 1] [--synthetic N] [--rebuild]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests"), str(REPO / "bench")]

from corpusearch import Corpus  # noqa: E402
from corpusearch.engine.index import PIPELINE_VERSION, VERSION_FILE  # noqa: E402
from corpusearch.errors import CorpusearchError  # noqa: E402
from fuzzkit import WORDS, random_query  # noqa: E402

AEB = REPO.parent / "shared" / "eval" / "aeb"
QUERIES = 10_000  # the bar
PEER_QUERIES = 200  # single indexed words: the time a plain search takes, for the ratios
SLOW = 1.0  # seconds: the bound for any query
SHOWN = 15  # slowest queries printed
GROUP_EVERY = 7  # every 7th query is also run grouped by article


def index_path(args: argparse.Namespace) -> Path:
    name = f"synthetic-{args.synthetic}" if args.synthetic else "aeb-fuzz"
    path = Path(tempfile.gettempdir()) / "corpusearch-bench" / name
    version = path / VERSION_FILE
    ready = (
        (path / "complete").exists()
        and version.exists()
        and version.read_text(encoding="utf-8").strip() == PIPELINE_VERSION
    )
    if args.rebuild or not ready:
        shutil.rmtree(path, ignore_errors=True)
        started = time.perf_counter()
        if args.synthetic:
            from bench_queries import articles

            Corpus(path).add(articles(args.synthetic))
        else:
            report = Corpus(path).index([AEB / "dumps", AEB / "html"])
            print(f"{report.added} articles, {report.paragraphs} paragraphs", end=" ")
        (path / "complete").write_text("ok\n")
        print(f"indexed in {time.perf_counter() - started:.1f} s at {path}")
    return path


def timed(corpus: Corpus, query: str, group: bool) -> tuple[float, BaseException | None]:
    started = time.perf_counter()
    try:
        corpus.search(query, group=group, limit=10)
        error: BaseException | None = None
    except CorpusearchError:
        error = None
    except Exception as unexpected:  # what the fuzzing is looking for
        error = unexpected
    return time.perf_counter() - started, error


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synthetic", type=int, default=0, help="paragraphs of a made-up index")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    corpus = Corpus(index_path(args))
    rng = random.Random(args.seed)
    corpus.search("Mosul")  # open the index and load the analysers
    peer = [timed(corpus, rng.choice(WORDS), False)[0] for _ in range(PEER_QUERIES)]
    peer_median = statistics.median(peer)
    times: list[tuple[float, str]] = []
    unexpected: dict[str, list[str]] = {}
    kinds: Counter[str] = Counter()
    started = time.perf_counter()
    for number in range(args.queries):
        query = random_query(rng)
        group = number % GROUP_EVERY == 0
        seconds, error = timed(corpus, query, group)
        times.append((seconds, query))
        if error is not None:
            key = f"{type(error).__name__}: {str(error)[:90]}"
            unexpected.setdefault(key, []).append(query)
            kinds[type(error).__name__] += 1
        if seconds > SLOW:
            print(f"  slow {seconds:.2f} s{' (grouped)' if group else ''}: {query!r}", flush=True)
        if (number + 1) % 1000 == 0:
            print(f"  {number + 1} queries, {time.perf_counter() - started:.0f} s", flush=True)
    seconds_only = [s for s, _ in times]
    print(f"\n{len(times)} fuzzed queries in {time.perf_counter() - started:.0f} s")
    print(f"unexpected exceptions: {sum(kinds.values())} ({dict(kinds)})")
    for key, examples in sorted(unexpected.items(), key=lambda item: -len(item[1])):
        print(f"  {len(examples):5} x {key}\n          e.g. {examples[0]!r}")
    print(
        f"time: median {statistics.median(seconds_only) * 1000:.1f} ms,"
        f" p90 {percentile(seconds_only, 0.9) * 1000:.1f} ms,"
        f" p99 {percentile(seconds_only, 0.99) * 1000:.1f} ms,"
        f" max {max(seconds_only) * 1000:.0f} ms; over {SLOW:.0f} s:"
        f" {sum(s > SLOW for s in seconds_only)}"
    )
    print(
        f"single-word peer median {peer_median * 1000:.1f} ms:"
        f" fuzzed p99 / peer {percentile(seconds_only, 0.99) / peer_median:.1f},"
        f" max / peer {max(seconds_only) / peer_median:.0f}"
    )
    print("slowest:")
    for seconds, query in sorted(times, reverse=True)[:SHOWN]:
        print(f"  {seconds * 1000:8.0f} ms  {query!r}")


if __name__ == "__main__":
    main()
