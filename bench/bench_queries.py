"""Time the worst queries users can type on a 20,000-paragraph index; each should be refused or fast.

Builds (once, cached under the temp dir) an index of made-up articles through ``Corpus.add`` and
runs wildcards, fuzzy words, open ranges, long and deeply nested queries through
``Corpus.search``, printing each one's time or the error it was refused with, then the slowest.
Usage: ``python bench/bench_queries.py [--paragraphs N] [--rebuild]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from corpusearch import Corpus  # noqa: E402
from corpusearch.errors import QueryError  # noqa: E402
from corpusearch.records import Article, Paragraph  # noqa: E402

SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "sel",
    "tan",
    "dor",
    "vu",
    "esh",
    "lin",
    "qa",
    "ber",
    "nou",
    "al",
    "sha",
    "ad",
    "mi",
    "ru",
    "te",
]
QUERIES = [
    "*",
    "*e*",
    "?a*",
    "k*",
    "ka*",
    "k?r*e*",
    "kari~3",
    "karimosel~9",
    "x~3",
    "text:[a TO]",
    "title:[a TO z]",
    "{a TO}",
    "k" * 100_000,
    "(" * 2000 + "kari" + ")" * 2000,
    "(" * 16 + "kari" + ")" * 16,
    " ".join(["kari"] * 100),
    " OR ".join(f"ka{n}*" for n in range(50)),
    "kari AND mosel AND NOT tandor",
    '"kari mosel tandor"~5',
    "Hezbolah Mosull karimosle",
]


def articles(paragraphs: int) -> list[Article]:
    rng = random.Random(7)
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(20000)})
    weights = [1 / (rank + 1) for rank in range(len(words))]
    per_article = 10
    result = []
    for number in range(paragraphs // per_article):
        body = tuple(
            Paragraph(i + 1, None, " ".join(rng.choices(words, weights, k=60)) + ".")
            for i in range(per_article)
        )
        title = " ".join(rng.choices(words, weights, k=6))
        result.append(Article(f"s{number}", f"synthetic/{number}", title, body))
    return result


def _same_version(path: Path) -> bool:
    from corpusearch.engine.index import PIPELINE_VERSION, VERSION_FILE

    version = path / VERSION_FILE
    return version.exists() and version.read_text().strip() == PIPELINE_VERSION


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=20_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / "corpusearch-bench" / f"synthetic-{args.paragraphs}"
    current = (path / "complete").exists() and Corpus(path).exists() and _same_version(path)
    if args.rebuild or not current:
        shutil.rmtree(path, ignore_errors=True)
        started = time.perf_counter()
        Corpus(path).add(articles(args.paragraphs))
        (path / "complete").write_text("ok\n")
        print(f"indexed {args.paragraphs} paragraphs in {time.perf_counter() - started:.1f} s")
    corpus = Corpus(path)
    corpus.search("kari")  # open the index and load the stemmer
    worst = 0.0
    for query in QUERIES:
        shown = query if len(query) <= 40 else f"{query[:30]}... ({len(query)} chars)"
        started = time.perf_counter()
        try:
            result = corpus.search(query)
            outcome = f"{result.total} hits"
        except QueryError as error:
            outcome = f"refused: {error}"
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        print(f"{seconds * 1000:8.1f} ms  {shown!r}  {outcome[:70]}")
    print(f"slowest {worst * 1000:.1f} ms")


if __name__ == "__main__":
    main()
