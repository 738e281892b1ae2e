"""Score the product's ranking on BEIR SciFact: nDCG@10, Recall@100 and query latency.

Each abstract becomes one ``Article`` (its title, one paragraph with the abstract, id = the corpus
``_id``), indexed with ``corpusearch.Corpus.add``; each judged claim is run through
``Corpus.search(claim, limit=100)`` and its hits' article ids are scored with ir-measures.
The index is cached under the system temp dir, keyed by a hash of the code that builds it, so a
second run only searches. Usage::

    python bench/eval_ranking.py [--data PATH] [--qrels FILE] [--limit N] [--rebuild]

``--qrels`` (same format as ``qrels/train.tsv``) scores the claims that file judges instead of the
train claims, so held-out judgments are scored the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import ir_measures  # noqa: E402
from ir_measures import R, nDCG  # noqa: E402

from corpusearch import Corpus  # noqa: E402
from corpusearch.records import Article, Paragraph  # noqa: E402

DATA = REPO.parent / "shared" / "eval" / "scifact"
# The code whose output is in the index: a change to any of these rebuilds the cached index.
INDEX_CODE = (
    "engine/analysis.py",
    "engine/british_american.py",
    "engine/index.py",
    "records.py",
    "corpus.py",
)


def read_corpus(path: Path) -> Iterator[Article]:
    """The abstracts of ``corpus.jsonl`` as articles of one paragraph each."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            yield Article(
                id=doc["_id"],
                path=f"scifact/{doc['_id']}",
                title=doc["title"],
                paragraphs=(Paragraph(1, None, doc["text"]),),
            )


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """``query-id corpus-id score`` lines (a header line is skipped) as {query: {doc: grade}}."""
    judged: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 3 or not parts[2].lstrip("-").isdigit():
            continue
        judged.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return judged


def read_queries(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as lines:
        return {doc["_id"]: doc["text"] for doc in map(json.loads, lines)}


def code_hash(corpus_file: Path) -> str:
    digest = hashlib.sha256()
    for name in INDEX_CODE:
        digest.update((REPO / "src" / "corpusearch" / name).read_bytes())
    digest.update(str(corpus_file.stat().st_size).encode())
    return digest.hexdigest()[:16]


def build_index(corpus_file: Path, rebuild: bool) -> tuple[Corpus, str]:
    """The cached index for the current code, built first when missing."""
    cache = Path(tempfile.gettempdir()) / "corpusearch-eval" / f"scifact-{code_hash(corpus_file)}"
    if rebuild and cache.exists():
        shutil.rmtree(cache)
    corpus = Corpus(cache)
    if (cache / "complete").exists():
        return corpus, f"index cached at {cache}"
    if cache.exists():
        shutil.rmtree(cache)
    started = time.perf_counter()
    report = corpus.add(read_corpus(corpus_file))
    (cache / "complete").write_text("ok\n")
    seconds = time.perf_counter() - started
    return corpus, f"indexed {report.added} abstracts in {seconds:.1f} s at {cache}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the scifact folder")
    parser.add_argument("--qrels", type=Path, help="judgments to score (default: qrels/train.tsv)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N claims")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached index")
    args = parser.parse_args()

    qrels = read_qrels(args.qrels or args.data / "qrels" / "train.tsv")
    queries = read_queries(args.data / "queries.jsonl")
    claims = [(qid, queries[qid]) for qid in sorted(qrels, key=_numeric) if qid in queries]
    if args.limit:
        claims = claims[: args.limit]
    corpus, how = build_index(args.data / "corpus.jsonl", args.rebuild)
    print(how)
    corpus.search(claims[0][1], limit=100)  # warm up: open the index, load the stemmer

    run: dict[str, dict[str, float]] = {}
    latencies: list[float] = []
    for qid, claim in claims:
        started = time.perf_counter()
        result = corpus.search(claim, limit=100)
        latencies.append(time.perf_counter() - started)
        ranked: dict[str, float] = {}
        for rank, hit in enumerate(result.hits):
            ranked.setdefault(hit.article, float(len(result.hits) - rank))
        run[qid] = ranked
    judged = {qid: qrels[qid] for qid, _ in claims}
    # ir-measures drops queries without results; they score 0, so average over every judged claim.
    per_query = {
        (m, qid): value
        for m in (nDCG @ 10, R @ 100)
        for qid, value in ((r.query_id, r.value) for r in ir_measures.iter_calc([m], judged, run))
    }
    for measure, label in ((nDCG @ 10, "nDCG@10"), (R @ 100, "R@100")):
        values = [per_query.get((measure, qid), 0.0) for qid, _ in claims]
        print(f"{label} {statistics.fmean(values):.4f}")
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000
    print(f"claims {len(claims)}")
    print(f"latency p50 {p50:.1f} ms")
    print(f"latency p95 {p95:.1f} ms")


def _numeric(qid: str) -> tuple[int, str]:
    return (int(qid), qid) if qid.isdigit() else (sys.maxsize, qid)


if __name__ == "__main__":
    main()
