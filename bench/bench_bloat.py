"""Does an index updated many times stay lean? Size, segments and search time after N update runs,
beside a fresh build of the same files, measured in the same run.

The 123 benchmark pages of ``../shared/eval/aeb`` (text dumps) are indexed; then each of N runs
changes a tenth of them (a line appended) and indexes again. A fresh index of the final files is
built last, and both are searched with the judged queries of ``bench/paragraph_queries.json``.
Usage: ``python bench/bench_bloat.py [--runs 40] [--seed 1]``; about two minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from corpusearch import Corpus  # noqa: E402

AEB = REPO.parent / "shared" / "eval" / "aeb" / "dumps"
QUERIES = REPO / "bench" / "paragraph_queries.json"
CHANGED_SHARE = 0.1  # pages changed by each update run
SEARCH_ROUNDS = 3  # each query is timed this many times; the median counts


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.iterdir() if file.is_file())


def segments(path: Path) -> int:
    return len(list(path.glob("*.seg")))


def search_median_ms(corpus: Corpus, queries: list[str]) -> float:
    corpus.search(queries[0])  # open the index and warm its caches
    times = []
    for _ in range(SEARCH_ROUNDS):
        for query in queries:
            started = time.perf_counter()
            corpus.search(query)
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    queries = [q["query"] for q in json.loads(QUERIES.read_text("utf-8"))["queries"]]
    work = Path(tempfile.mkdtemp(prefix="corpusearch-bloat-"))
    try:
        pages = work / "pages"
        shutil.copytree(AEB, pages)
        files = sorted(pages.glob("*.txt"))
        updated = Corpus(work / "updated")
        started = time.perf_counter()
        updated.index([pages])
        for run in range(args.runs):
            for path in rng.sample(files, max(1, int(len(files) * CHANGED_SHARE))):
                with path.open("a", encoding="utf-8") as page:
                    page.write(
                        f"\nA line added by update run {run} to this page's closing words.\n"
                    )
            updated.index([pages])
        update_seconds = time.perf_counter() - started
        fresh = Corpus(work / "fresh")
        fresh.index([pages])
        size_u, size_f = folder_size(work / "updated"), folder_size(work / "fresh")
        time_u = search_median_ms(updated, queries)
        time_f = search_median_ms(fresh, queries)
        print(
            f"{len(files)} pages, {args.runs} update runs changing {CHANGED_SHARE:.0%} each ({update_seconds:.0f} s)"
        )
        print(f"{'':24}{'updated':>12}{'fresh':>12}{'ratio':>9}")
        print(
            f"{'index size, MB':24}{size_u / 2**20:12.2f}{size_f / 2**20:12.2f}{size_u / size_f:9.2f}"
        )
        print(f"{'segments':24}{segments(work / 'updated'):12d}{segments(work / 'fresh'):12d}")
        print(f"{'search median, ms':24}{time_u:12.1f}{time_f:12.1f}{time_u / time_f:9.2f}")
        identical = reordered = 0
        differing = []
        for query in queries:
            ours = [hit.id for hit in updated.search(query).hits]
            theirs = [hit.id for hit in fresh.search(query).hits]
            if ours == theirs:
                identical += 1
            elif sorted(ours) == sorted(theirs):
                reordered += 1  # equal scores broken by document number
            else:
                differing.append(query)
        print(
            f"top 10 of {len(queries)} queries: {identical} identical, {reordered} the same hits "
            f"in another order, {len(differing)} different: {differing}"
        )
        for article in fresh.articles():
            shown = updated.article(article.id)
            if [p.text for p in shown.paragraphs] != [
                p.text for p in fresh.article(article.id).paragraphs
            ]:
                print(
                    f"article {article.id} ({Path(article.path).name}) differs from a fresh build"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
