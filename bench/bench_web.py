"""Throughput of the web form: 8 concurrent clients on loopback against `corpusearch serve`.

Usage: .venv/bin/python bench/bench_web.py [--seconds 20] [--clients 8] [--rebuild]

Two indexes: the seed index (the two seed dumps) and a 20,000-paragraph index built from BEIR
SciFact (../shared/eval/scifact/corpus.jsonl): abstracts in file order, each one Article whose
paragraphs are groups of two sentences, until 20,000 paragraphs. It is cached under the system
temp dir and rebuilt only when missing (or with --rebuild).

The server runs in its own process (the real `serve` entry point, waitress, 127.0.0.1, a free
port) so the clients do not share its interpreter lock. Each client keeps one HTTP/1.1
connection and requests the HTML results page `/?q=...` in a bounded loop for --seconds.

Query mixes (one run each):
- "keywords, mix": what people type: 1-3 content words of a SciFact claim (seed index: 1-3
  words sampled from its own paragraphs), drawn with Zipf-like popularity (weight 1/rank) so
  popular queries repeat as they do in real use; the share of repeated queries is printed.
- "keywords, cold": every request a keyword query not asked before (no cache can help).
- "claims, cold": every request a whole SciFact claim (10-20 words), none repeated.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from corpusearch.records import Article

ROOT = Path(__file__).resolve().parent.parent
SCIFACT = ROOT.parent / "shared" / "eval" / "scifact"
SEEDS = ROOT / "seeds"
CACHE = Path(tempfile.gettempdir()) / "corpusearch-bench"
TARGET_PARAGRAPHS = 20_000
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")
PYTHON = sys.executable
INDEX_CODE = ("index.py", "article.py", "analysis.py")
STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "and",
        "or",
        "to",
        "is",
        "are",
        "was",
        "were",
        "be",
        "by",
        "with",
        "for",
        "from",
        "that",
        "this",
        "as",
        "at",
        "it",
        "its",
        "not",
        "no",
        "than",
        "have",
        "has",
        "can",
        "may",
        "more",
        "less",
        "does",
        "do",
    ]
)


def scifact_articles() -> Iterator[Article]:
    """SciFact abstracts as Articles of two-sentence paragraphs, 20,000 paragraphs in all."""
    from corpusearch.records import Article, Paragraph

    count = 0
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            sentences = [s for s in SENTENCE.split(doc["text"]) if s.strip()] or [doc["text"]]
            groups = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
            groups = groups[: TARGET_PARAGRAPHS - count]
            paragraphs = tuple(Paragraph(i, None, text) for i, text in enumerate(groups, 1))
            yield Article(
                id=f"scifact{doc['_id']}",
                path=f"scifact/{doc['_id']}",
                title=doc["title"] or doc["_id"],
                paragraphs=paragraphs,
                source="SciFact",
            )
            count += len(groups)
            if count >= TARGET_PARAGRAPHS:
                return


def build_index(name: str, rebuild: bool) -> Path:
    """The cached index ``name`` ("seeds" or "scifact20k"), built when missing."""
    from corpusearch.corpus import Corpus

    # The index format follows the indexing code, so a change there means a fresh build.
    code = b"".join((ROOT / "src" / "corpusearch" / f).read_bytes() for f in INDEX_CODE)
    index = CACHE / f"{name}-{hashlib.sha1(code).hexdigest()[:10]}"
    done = index / "BENCH_COMPLETE"
    if done.exists() and not rebuild:
        return index
    shutil.rmtree(index, ignore_errors=True)
    index.mkdir(parents=True)
    start = time.perf_counter()
    corpus = Corpus(index)
    report = corpus.index([SEEDS]) if name == "seeds" else corpus.add(scifact_articles())
    done.write_text("ok\n")
    print(f"built {name}: {report.paragraphs} paragraphs in {time.perf_counter() - start:.1f} s")
    return index


def seed_queries(index: Path, rng: random.Random, count: int) -> list[str]:
    """Queries of 1-3 words sampled from the index's own paragraphs."""
    from corpusearch.corpus import Corpus

    corpus = Corpus(index)
    words: list[str] = []
    for summary in corpus.articles():
        for paragraph in corpus.article(summary.id).paragraphs:
            words += [w.lower() for w in re.findall(r"[A-Za-z]{4,}", paragraph.text)]
    return [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(count)]


def claims() -> list[str]:
    with (SCIFACT / "queries.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def keywords(claim: str, rng: random.Random) -> str:
    """What someone might type in a search box about ``claim``: 1-3 of its content words."""
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]{3,}", claim)]
    words = [w for w in words if w not in STOPWORDS] or [claim]
    return " ".join(rng.sample(words, min(len(words), rng.randint(1, 3))))


def zipf_mix(pool: list[str], rng: random.Random, count: int) -> list[str]:
    """``count`` queries drawn from ``pool`` with weight 1/rank (a few popular queries repeat)."""
    weights = [1 / rank for rank in range(1, len(pool) + 1)]
    return rng.choices(pool, weights=weights, k=count)


def start_server(index: Path) -> tuple[subprocess.Popen[str], int]:
    """`serve` over ``index`` in a child process on a free loopback port."""
    code = (
        "import sys; from pathlib import Path; from corpusearch.web.app import serve; "
        "serve(Path(sys.argv[1]), host='127.0.0.1', port=0, open_browser=False)"
    )
    process = subprocess.Popen(
        [PYTHON, "-c", code, str(index)], stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        process.kill()
        raise SystemExit(f"server did not start: {line}{process.stderr.read()}")
    return process, int(match.group(1))


def drive(port: int, queries: list[str], clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads, each with one keep-alive connection, asking ``queries`` in turn."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    cursor = iter(queries)
    deadline = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < deadline:
            with lock:
                query = next(cursor, None)
            if query is None:
                break
            start = time.perf_counter()
            connection.request("GET", "/?" + urlencode({"q": query}))
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            bad += response.status != 200
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rate": len(latencies) / elapsed,
        "p50": cuts[49] * 1000,
        "p99": cuts[98] * 1000,
    }


def run(name: str, index: Path, queries: list[str], args: argparse.Namespace, label: str) -> None:
    if args.only and args.only not in f"{name} {label}":
        return
    process, port = start_server(index)
    try:
        drive(port, queries[:50], 2, 5)  # warm-up: open searchers, load templates
        figures = drive(port, queries[50:], args.clients, args.seconds)
    finally:
        process.terminate()
        process.wait(timeout=10)
    asked = queries[50 : 50 + int(figures["requests"])]
    repeated = 1 - len(set(asked)) / max(len(asked), 1)
    print(
        f"{name:<10} {label:<15} {figures['rate']:6.1f} searches/s   p50 {figures['p50']:6.1f} ms"
        f"   p99 {figures['p99']:6.1f} ms   {int(figures['requests']):6d} requests"
        f"   {int(figures['errors'])} errors   {repeated:4.0%} repeated queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", help="only the runs whose 'index mix' names contain this")
    args = parser.parse_args()
    rng = random.Random(5)
    seeds = build_index("seeds", args.rebuild)
    scifact = build_index("scifact20k", args.rebuild)
    print(f"{args.clients} clients, {args.seconds:.0f} s per run, GET /?q=... over loopback")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} before the runs")
    budget = 1000 * int(args.seconds)  # more queries than any run can ask
    seed_pool = seed_queries(seeds, rng, 1000)
    run("seeds", seeds, zipf_mix(seed_pool, rng, budget), args, "keywords, mix")
    typed = [keywords(claim, rng) for claim in claims()]
    run("scifact20k", scifact, zipf_mix(typed, rng, budget), args, "keywords, mix")
    fresh = list(dict.fromkeys(keywords(claim, rng) for claim in claims() * 20))
    rng.shuffle(fresh)
    run("scifact20k", scifact, fresh, args, "keywords, cold")
    run("scifact20k", scifact, claims(), args, "claims, cold")


if __name__ == "__main__":
    main()
