"""Score the product's cleaning on the article extraction benchmark (text dumps and HTML).

Runs ``corpusearch.extract.pipeline.load_article(path).body_text()`` on every development page and prints
precision, recall and F1 by the benchmark's metric (``\\w+`` tokens, word 4-gram shingles with
counts, page means), metadata accuracy on the labelled pages, the 10 worst pages and the time per
page. Usage: ``python bench/eval_cleaning.py [--data PATH] [--only dumps|html]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # threaded BLAS is slower on small matrices
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from corpusearch.errors import CorpusearchError  # noqa: E402

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Word ``size``-gram shingles of ``text`` with counts (the whole text when it is shorter)."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_counts(true: str, predicted: str) -> tuple[int, int, int]:
    """(tp, fp, fn) shingle counts of one page."""
    gold, pred = shingles(true), shingles(predicted)
    tp = sum((gold & pred).values())
    return tp, sum(pred.values()) - tp, sum(gold.values()) - tp


def mean_scores(pages: Iterable[tuple[int, int, int]]) -> tuple[float, float, float]:
    """Precision, recall (means over pages where defined) and their harmonic mean."""
    precisions, recalls = [], []
    for tp, fp, fn in pages:
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def page_f1(counts: tuple[int, int, int]) -> float:
    tp, fp, fn = counts
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


@dataclass(frozen=True)
class Result:
    page: str
    body: str
    title: str | None
    authors: tuple[str, ...]
    date: str | None
    seconds: float


Cleaner = Callable[[Path], object]


def _product(path: Path) -> object:
    from corpusearch.extract.pipeline import load_article

    return load_article(path)


def _line_table(paths: Sequence[Path]) -> Any:
    """The lines of every dump, as the indexer records them (see corpusearch.extract.shared_lines)."""
    from corpusearch.extract.shared_lines import LineTable, PageLines

    table = LineTable()
    for path in paths:
        table.replace(str(path), PageLines.of(path.read_text(encoding="utf-8")))
    return table


def _with_model(model: object, table: Any) -> Cleaner:
    """The indexer's code path for a dump (read, drop shared lines, extract, build the article)."""
    from corpusearch.extract.dumps import extract_dump_with
    from corpusearch.extract.ingest import read_source
    from corpusearch.extract.pipeline import article_id, build_article

    def clean(path: Path) -> object:
        source = read_source(path)
        shared = table.shared(str(path), source.text)
        extraction = extract_dump_with(source.text, model, boilerplate=shared)  # type: ignore[arg-type]
        return build_article(source, extraction, article_id(path))

    return clean


def _cross_validated(
    data: Path, ids: Sequence[str], table: Any, folds: int = 5
) -> dict[str, Cleaner]:
    """For each page, a cleaner whose line model was trained on the other folds' pages only."""
    from train_line_model import load_pages, train

    pages = load_pages(data, ids)
    cleaners: dict[str, Cleaner] = {}
    for fold in range(folds):
        held = [page for index, page in enumerate(sorted(pages)) if index % folds == fold]
        model = train([pages[page] for page in pages if page not in held])
        for page in held:
            cleaners[page] = _with_model(model, table)
    return cleaners


def _load(path: Path, clean: Cleaner) -> Result:
    started = time.perf_counter()
    try:
        article: Any = clean(path)
    except CorpusearchError:
        return Result(path.name, "", None, (), None, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return Result(
        path.name, article.body_text(), article.title, article.authors, article.date, seconds
    )


def _metadata(results: dict[str, Result], gold: dict[str, dict[str, object]]) -> str:
    hits: dict[str, list[bool]] = {"title": [], "authors": [], "date": []}
    for page, labels in gold.items():
        result = results.get(page)
        if result is None:
            continue
        hits["title"].append(_fold(result.title) == _fold(str(labels["title"])))
        if labels["authors"] is not None:
            expected = {_fold(name) for name in labels["authors"]}  # type: ignore[attr-defined]
            hits["authors"].append({_fold(name) for name in result.authors} == expected)
        hits["date"].append(result.date == labels["date"])
    return "  ".join(
        f"{field} {sum(values) / len(values):.3f} ({sum(values)}/{len(values)})"
        for field, values in hits.items()
        if values
    )


_TIMING_RUNS = 21
Timing = tuple[float, float, float, int]


def _hundred_kb(kind: str, paths: Sequence[Path]) -> Timing:
    """Median and best wall seconds, and median process seconds, to clean a 100 KB page (caches
    cold, :data:`_TIMING_RUNS` runs), and the page's bytes.

    No dump comes near 100 KB: the dumps are joined and cut at the last line that fits. The HTML
    page is the one closest to 100 KB.
    """
    clear: Callable[[], object] = lambda: None  # noqa: E731
    if kind == "dumps":
        from corpusearch.extract.dumps import extract_dump
        from corpusearch.extract.dumps_lines import content_words, markers

        def clear() -> None:
            markers.cache_clear()
            content_words.cache_clear()

        joined = "\n\n".join(path.read_text(encoding="utf-8") for path in paths)
        head = joined.encode("utf-8")[:100_000].decode("utf-8", "ignore")
        text = head[: head.rfind("\n") + 1]
        run: Callable[[], object] = lambda: extract_dump(text)  # noqa: E731
    else:
        from corpusearch.extract.html import extract_html

        pages = [gzip.decompress(path.read_bytes()).decode("utf-8", "replace") for path in paths]
        text = min(pages, key=lambda page: abs(len(page.encode("utf-8")) - 100_000))
        run = lambda: extract_html(text)  # noqa: E731
    walls, cpus = [], []
    for _ in range(_TIMING_RUNS):
        clear()
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    size = len(text.encode("utf-8"))
    return statistics.median(walls), min(walls), statistics.median(cpus), size


def _paths(data: Path, kind: str) -> list[Path]:
    return sorted((data / kind).glob("*.txt" if kind == "dumps" else "*.html.gz"))


def evaluate(
    kind: str,
    data: Path,
    truth: dict[str, dict[str, str]],
    gold: dict[str, Any],
    shipped: bool,
    timing: Timing,
) -> None:
    suffix = ".txt" if kind == "dumps" else ".html.gz"
    paths = _paths(data, kind)
    ids = [
        path.name.removesuffix(suffix) for path in paths if path.name.removesuffix(suffix) in truth
    ]
    cleaners: dict[str, Cleaner] = {}
    how = "product code path"
    if kind == "dumps":
        from corpusearch.extract.dumps_model import shipped_model

        # Cleaned as one corpus, as `corpusearch index` and `clean` do: lines shared between
        # pages are furniture (no labels involved).
        started = time.perf_counter()
        table = _line_table(paths)
        print(f"dumps: line table of {len(paths)} pages in {time.perf_counter() - started:.2f} s")
        if shipped or shipped_model() is None:
            cleaners = {page: _with_model(shipped_model(), table) for page in ids}
        else:
            cleaners = _cross_validated(data, ids, table)
            how = "line model 5-fold cross-validated by page"
    if kind == "html":
        try:
            import corpusearch.extract.html  # noqa: F401
        except ImportError as error:
            print(f"== html: unavailable ({error})")
            return
    results: dict[str, Result] = {}
    counts: dict[str, tuple[int, int, int]] = {}
    for path in paths:
        page = path.name.removesuffix(suffix)
        if page not in truth:
            continue
        results[page] = _load(path, cleaners.get(page, _product))
        counts[page] = page_counts(truth[page]["articleBody"], results[page].body)
    precision, recall, f1 = mean_scores(counts.values())
    print(f"== {kind}: {len(counts)} pages ({how})")
    print(f"F1 {f1:.3f}  precision {precision:.3f}  recall {recall:.3f}")
    print(
        f"metadata on {sum(page in results for page in gold)} labelled pages: "
        + _metadata(results, gold)
    )
    print("10 worst pages (F1, precision, recall):")
    for page in sorted(counts, key=lambda p: page_f1(counts[p]))[:10]:
        tp, fp, fn = counts[page]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        print(f"  {page_f1(counts[page]):.3f}  {p:.3f}  {r:.3f}  {page[:16]}")
    times = sorted(result.seconds for result in results.values())
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    median, best, cpu, size = timing
    print(
        f"time per page: mean {1000 * statistics.fmean(times):.1f} ms, p95 {1000 * p95:.1f} ms; "
        f"a {size / 1000:.0f} KB page {1000 * median:.1f} ms wall (median of {_TIMING_RUNS}; "
        f"best {1000 * best:.1f}), {1000 * cpu:.1f} ms process"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval" / "aeb")
    parser.add_argument("--only", choices=["dumps", "html"])
    parser.add_argument(
        "--shipped",
        action="store_true",
        help="score dumps with the shipped line model (trained on these pages: optimistic)",
    )
    args = parser.parse_args(argv)
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    gold = json.loads((args.data / "metadata-gold.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    kinds = [kind for kind in ("dumps", "html") if args.only in (None, kind)]
    # Timed first, in the fresh process state that `corpusearch clean` runs in: after the
    # thousands of cleanings below the heap is fragmented and the same page cleans ~15% slower.
    timings = {}
    for kind in kinds:
        try:
            timings[kind] = _hundred_kb(kind, _paths(args.data, kind))
        except ImportError:
            continue  # evaluate() says what is unavailable
    for kind in kinds:
        evaluate(kind, args.data, truth, gold, args.shipped, timings.get(kind, (0, 0, 0, 0)))
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
