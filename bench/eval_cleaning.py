"""Score the product's cleaning on the article extraction benchmark (text dumps and HTML).

Scores the text the product shows (``Article.body_text()``: section headings included) by the
benchmark's metric (``\\w+`` tokens, word 4-gram shingles with counts, page means) under
**site-grouped cross-validation of the whole cleaner**: pages of one site (the URL's registered
domain) never sit on both sides of a fold; the dump line model is trained on the other folds, and
every tuned rule or threshold (a :class:`corpusearch.extract.tuning.Knob`) is re-chosen on the
other folds' pages. Each knob is reported with the figure it gives on the folds it was not chosen
on, against its rule turned off. F1 figures carry a 95% interval (bootstrap over sites).

Also printed: the simple reference extractor of each kind (dumps: the densest prose span;
HTML: trafilatura alone), per-language figures, metadata accuracy on the labelled pages, the
worst pages, and the time per page. ``--save FILE`` writes the per-page figures; ``--baseline
FILE`` lists every page whose F1 fell by more than 0.2 against that run and exits with status 1
when a page the baseline kept above 0.6 falls below 0.3.

Usage: ``python bench/eval_cleaning.py [--data PATH] [--only dumps|html] [--save FILE]
[--baseline FILE] [--quick]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # threaded BLAS is slower on small matrices
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from corpusearch.errors import CorpusearchError  # noqa: E402
from corpusearch.extract.tuning import KNOBS, Knob, tuned  # noqa: E402

_TOKEN = re.compile(r"\w+")
FOLDS = 5
BOOTSTRAP = 1000
DROP = 0.2  # a page whose F1 fell by more than this is listed
FLOOR, KEPT = 0.3, 0.6
MARGIN = 0.001  # F1 on the training folds a knob's value must gain over its default to be chosen  # a page the baseline kept above KEPT must not fall below FLOOR

Counts = tuple[int, int, int]
Config = Mapping[str, float]


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Word ``size``-gram shingles of ``text`` with counts (the whole text when it is shorter)."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_counts(true: str, predicted: str) -> Counts:
    """(tp, fp, fn) shingle counts of one page."""
    gold, pred = shingles(true), shingles(predicted)
    tp = sum((gold & pred).values())
    return tp, sum(pred.values()) - tp, sum(gold.values()) - tp


def mean_scores(pages: Iterable[Counts]) -> tuple[float, float, float]:
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


def page_f1(counts: Counts) -> float:
    tp, fp, fn = counts
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


# --- pages: sites, folds, languages -------------------------------------------------------------

_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"})


def site(url: str) -> str:
    """The registered domain of ``url`` (``news.bbc.co.uk`` -> ``bbc.co.uk``)."""
    labels = (urlsplit(url).hostname or url).removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def site_folds(pages: Sequence[str], sites: Mapping[str, str], folds: int = FOLDS) -> list[int]:
    """A fold per page: whole sites, in a fixed pseudo-random order, dealt to the smallest fold."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, page in enumerate(pages):
        groups[sites[page]].append(index)
    order = sorted(groups, key=lambda s: (-len(groups[s]), hashlib.sha1(s.encode()).hexdigest()))
    sizes = [0] * folds
    fold_of = [0] * len(pages)
    for name in order:
        target = min(range(folds), key=lambda f: (sizes[f], f))
        for index in groups[name]:
            fold_of[index] = target
        sizes[target] += len(groups[name])
    return fold_of


_LANG_ATTR = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2})", re.IGNORECASE)
_SCRIPTS = (("ru", re.compile("[\u0400-\u04ff]")), ("ko", re.compile("[\uac00-\ud7af]")))
_SCRIPTS += (("ja", re.compile("[\u3040-\u30ff]")), ("zh", re.compile("[\u4e00-\u9fff]")))
# The most frequent words of each language, to name the language of a page without a lang attribute.
_PROFILES = {
    "en": "the and of to in is that for it with was on as are be this by",
    "pt": "de que não em um uma os para com do da é se na no mais",
    "es": "de que el la los en un una por con para es se las del",
    "de": "der die und das ist nicht ein eine mit den von zu auf sich",
    "it": "di che il la per non sono un una con del della gli le",
    "fr": "le la les des du et est un une pour dans qui que sur pas",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada",
}


def language(html: bytes, body: str) -> str:
    """The page's language: its ``<html lang>``, else by script or by frequent words of its body."""
    found = _LANG_ATTR.search(html[:5000])
    if found:
        return found.group(1).decode().lower()
    for name, script in _SCRIPTS:
        if len(script.findall(body)) > 50:
            return name
    words = Counter(_TOKEN.findall(body.lower()))
    scores = {name: sum(words[w] for w in profile.split()) for name, profile in _PROFILES.items()}
    return max(scores, key=lambda name: scores[name])


# --- running the cleaner -------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    body: str
    title: str | None
    authors: tuple[str, ...]
    date: str | None
    seconds: float


Cleaner = Callable[[Path], Any]


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


def _trafilatura_alone(path: Path) -> object:
    """The HTML reference: trafilatura's own text, default settings, no fallback of ours."""
    import trafilatura

    html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    return _Plain(text)


@dataclass(frozen=True)
class _Plain:
    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None

    def body_text(self) -> str:
        return self.text


def _load(path: Path, clean: Cleaner) -> Result:
    started = time.perf_counter()
    try:
        article: Any = clean(path)
    except CorpusearchError:
        return Result("", None, (), None, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return Result(article.body_text(), article.title, article.authors, article.date, seconds)


@dataclass
class Bench:
    """One kind's pages and what is known of them."""

    kind: str
    pages: list[str]
    paths: dict[str, Path]
    truth: dict[str, str]
    sites: dict[str, str]
    languages: dict[str, str]
    fold_of: dict[str, int]
    cleaners: dict[str, Cleaner]  # the product path, line model trained without the page's fold

    def run(
        self,
        config: Config | Callable[[str], Config] | None = None,
        cleaners: Mapping[str, Cleaner] | None = None,
    ) -> dict[str, tuple[Counts, Result]]:
        """Every page cleaned under ``config`` (or the page's config), scored."""
        config = config or {}
        cleaners = cleaners or {}
        out = {}
        for page in self.pages:
            values = config(page) if callable(config) else config
            clean = cleaners.get(page) or self.cleaners[page]
            with tuned(values):
                result = _load(self.paths[page], clean)
            out[page] = (page_counts(self.truth[page], result.body), result)
        return out


def _knob_values(knob: Knob) -> list[float]:
    return list(dict.fromkeys([knob.default, knob.off, *knob.candidates]))


def _choose(
    knob: Knob, runs: Mapping[float, Mapping[str, tuple[Counts, Result]]], train: Sequence[str]
) -> float:
    """The knob's value with the best F1 on ``train`` pages; the default unless another beats it
    by :data:`MARGIN` (a gain smaller than one page's worth is noise)."""
    scores = {
        value: mean_scores(runs[value][page][0] for page in train)[2]
        for value in _knob_values(knob)
    }
    best = max(scores, key=lambda value: scores[value])
    return best if scores[best] >= scores[knob.default] + MARGIN else knob.default


# --- statistics ---------------------------------------------------------------------------------


def bootstrap(
    pages: Sequence[str],
    sites: Mapping[str, str],
    statistic: Callable[[Sequence[str]], float],
    reps: int = BOOTSTRAP,
) -> tuple[float, float]:
    """A 95% percentile interval of ``statistic`` over pages resampled by site (fixed seed)."""
    by_site: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        by_site[sites[page]].append(page)
    groups = list(by_site.values())
    rng = random.Random(13)
    values = sorted(
        statistic([page for group in rng.choices(groups, k=len(groups)) for page in group])
        for _ in range(reps)
    )
    return values[int(0.025 * reps)], values[int(0.975 * reps) - 1]


def _f1_of(scored: Mapping[str, tuple[Counts, Result]]) -> Callable[[Sequence[str]], float]:
    return lambda sample: mean_scores(scored[page][0] for page in sample)[2]


def _interval(bench: Bench, scored: Mapping[str, tuple[Counts, Result]]) -> str:
    low, high = bootstrap(bench.pages, bench.sites, _f1_of(scored))
    return f"[{low:.3f}, {high:.3f}]"


def _metadata(results: Mapping[str, Result], gold: Mapping[str, Mapping[str, Any]]) -> str:
    hits: dict[str, list[bool]] = {"title": [], "authors": [], "date": []}
    for page, labels in gold.items():
        result = results.get(page)
        if result is None:
            continue
        hits["title"].append(_fold(result.title) == _fold(str(labels["title"])))
        if labels["authors"] is not None:
            expected = {_fold(name) for name in labels["authors"]}
            hits["authors"].append({_fold(name) for name in result.authors} == expected)
        hits["date"].append(result.date == labels["date"])
    return "  ".join(
        f"{field} {sum(values) / len(values):.3f} ({sum(values)}/{len(values)})"
        for field, values in hits.items()
        if values
    )


# --- timing -------------------------------------------------------------------------------------

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


# --- one kind -----------------------------------------------------------------------------------


def _paths(data: Path, kind: str) -> list[Path]:
    return sorted((data / kind).glob("*.txt" if kind == "dumps" else "*.html.gz"))


def _bench(kind: str, data: Path, truth: Mapping[str, Mapping[str, str]]) -> Bench:
    suffix = ".txt" if kind == "dumps" else ".html.gz"
    paths = {
        path.name.removesuffix(suffix): path
        for path in _paths(data, kind)
        if path.name.removesuffix(suffix) in truth
    }
    pages = sorted(paths)
    sites = {page: site(truth[page]["url"]) for page in pages}
    languages = {
        page: language(
            gzip.decompress((data / "html" / f"{page}.html.gz").read_bytes()),
            truth[page]["articleBody"],
        )
        for page in pages
    }
    folds = site_folds(pages, sites)
    fold_of = dict(zip(pages, folds, strict=True))
    cleaners: dict[str, Cleaner] = dict.fromkeys(pages, _product)
    if kind == "dumps":
        from train_line_model import load_pages, train

        table = _line_table(_paths(data, kind))
        features = load_pages(data, pages)
        for fold in range(FOLDS):
            model = train([features[p] for p in pages if fold_of[p] != fold and p in features])
            for page in pages:
                if fold_of[page] == fold:
                    cleaners[page] = _with_model(model, table)
    return Bench(
        kind,
        pages,
        paths,
        {page: truth[page]["articleBody"] for page in pages},
        sites,
        languages,
        fold_of,
        cleaners,
    )


def _reference(bench: Bench) -> dict[str, tuple[Counts, Result]]:
    if bench.kind == "dumps":
        table = _line_table(list(bench.paths.values()))
        simple = _with_model(None, table)
        return bench.run(cleaners=dict.fromkeys(bench.pages, simple))
    return bench.run(cleaners=dict.fromkeys(bench.pages, _trafilatura_alone))


def evaluate(
    kind: str,
    data: Path,
    truth: Mapping[str, Mapping[str, str]],
    gold: Mapping[str, Any],
    timing: Timing,
    quick: bool,
) -> dict[str, dict[str, Any]]:
    """Print the figures of one kind; return each page's figures (for --save and --baseline)."""
    if kind == "html":
        try:
            import corpusearch.extract.html  # noqa: F401
        except ImportError as error:
            print(f"== html: unavailable ({error})")
            return {}
    started = time.perf_counter()
    bench = _bench(kind, data, truth)
    default = bench.run()
    knobs = [] if quick else [k for k in KNOBS.values() if k.kind == kind]
    runs: dict[str, dict[float, dict[str, tuple[Counts, Result]]]] = {}
    for knob in knobs:
        runs[knob.name] = {knob.default: default}
        for value in _knob_values(knob)[1:]:
            runs[knob.name][value] = bench.run({knob.name: value})
    # Each fold's knobs, chosen on the other folds' pages only.
    chosen: dict[int, dict[str, float]] = {}
    for fold in range(FOLDS):
        train = [page for page in bench.pages if bench.fold_of[page] != fold]
        chosen[fold] = {knob.name: _choose(knob, runs[knob.name], train) for knob in knobs}
    defaults = {knob.name: knob.default for knob in knobs}
    if all(values == defaults for values in chosen.values()):
        scored = default
    else:
        scored = bench.run(lambda page: chosen[bench.fold_of[page]])
    reference = _reference(bench)
    how = "site-grouped 5-fold CV of the whole cleaner" + (
        " (line model and knobs chosen out of fold)" if knobs else " (line model out of fold)"
    )
    precision, recall, f1 = mean_scores(counts for counts, _ in scored.values())
    print(f"== {kind}: {len(scored)} pages from {len(set(bench.sites.values()))} sites ({how})")
    print(f"F1 {f1:.3f} {_interval(bench, scored)}  precision {precision:.3f}  recall {recall:.3f}")
    f1_default = mean_scores(c for c, _ in default.values())[2]
    f1_reference = mean_scores(c for c, _ in reference.values())[2]
    name = "densest prose span" if kind == "dumps" else "trafilatura alone"
    print(f"   shipped defaults  F1 {f1_default:.3f} {_interval(bench, default)}")
    print(f"   reference ({name})  F1 {f1_reference:.3f} {_interval(bench, reference)}")
    lost = [
        page
        for page in bench.pages
        if page_f1(scored[page][0]) < FLOOR and page_f1(reference[page][0]) > KEPT
    ]
    print(
        f"pages below {FLOOR} where the reference scores above {KEPT}: {len(lost)}"
        + (f" ({', '.join(p[:12] for p in lost)})" if lost else "")
    )
    _print_knobs(bench, knobs, runs, chosen)
    _print_languages(bench, scored)
    results = {page: result for page, (_, result) in scored.items()}
    print(
        f"metadata on {sum(page in results for page in gold)} labelled pages: "
        + _metadata(results, gold)
    )
    print("10 worst pages (F1, precision, recall; reference F1):")
    for page in sorted(bench.pages, key=lambda p: page_f1(scored[p][0]))[:10]:
        tp, fp, fn = scored[page][0]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        print(
            f"  {page_f1(scored[page][0]):.3f}  {p:.3f}  {r:.3f}; "
            f"{page_f1(reference[page][0]):.3f}  {page[:16]} {bench.languages[page]}"
        )
    times = sorted(result.seconds for _, result in default.values())
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    median, best, cpu, size = timing
    print(
        f"time per page: mean {1000 * statistics.fmean(times):.1f} ms, p95 {1000 * p95:.1f} ms; "
        f"a {size / 1000:.0f} KB page {1000 * median:.1f} ms wall (median of {_TIMING_RUNS}; "
        f"best {1000 * best:.1f}), {1000 * cpu:.1f} ms process; "
        f"evaluation {time.perf_counter() - started:.1f} s"
    )
    return {
        page: {
            "f1": round(page_f1(scored[page][0]), 4),
            "default": round(page_f1(default[page][0]), 4),
            "reference": round(page_f1(reference[page][0]), 4),
            "site": bench.sites[page],
            "language": bench.languages[page],
        }
        for page in bench.pages
    }


def _print_knobs(
    bench: Bench,
    knobs: Sequence[Knob],
    runs: Mapping[str, Mapping[float, Mapping[str, tuple[Counts, Result]]]],
    chosen: Mapping[int, Mapping[str, float]],
) -> None:
    """Each knob's out-of-fold figure: chosen on the other folds, against its rule turned off."""
    if not knobs:
        return
    print("rules and thresholds, each chosen on the other folds (F1 on held-out folds):")
    for knob in knobs:
        by_fold = {fold: chosen[fold][knob.name] for fold in chosen}
        held = {page: runs[knob.name][by_fold[bench.fold_of[page]]][page] for page in bench.pages}
        off = runs[knob.name][knob.off]
        f1_held = mean_scores(c for c, _ in held.values())[2]
        f1_off = mean_scores(c for c, _ in off.values())[2]
        low, high = bootstrap(
            bench.pages,
            bench.sites,
            lambda sample, held=held, off=off: _f1_of(held)(sample) - _f1_of(off)(sample),
        )
        worse = sum(page_f1(held[p][0]) < page_f1(off[p][0]) - 0.01 for p in bench.pages)
        better = sum(page_f1(held[p][0]) > page_f1(off[p][0]) + 0.01 for p in bench.pages)
        picks = ",".join(f"{by_fold[fold]:g}" for fold in sorted(by_fold))
        print(
            f"  {knob.name:26} default {knob.default:g}, folds chose {picks}: "
            f"{f1_held:.3f} vs off {f1_off:.3f} (delta {f1_held - f1_off:+.3f} "
            f"[{low:+.3f}, {high:+.3f}]; pages +{better} -{worse})"
        )


def _print_languages(bench: Bench, scored: Mapping[str, tuple[Counts, Result]]) -> None:
    by_language: dict[str, list[str]] = defaultdict(list)
    for page in bench.pages:
        by_language[bench.languages[page]].append(page)
    parts = []
    for name, pages in sorted(by_language.items(), key=lambda item: -len(item[1])):
        f1 = mean_scores(scored[page][0] for page in pages)[2]
        parts.append(f"{name} {f1:.3f} ({len(pages)})")
    print("by language: " + "  ".join(parts))


def compare(current: Mapping[str, Any], baseline: Mapping[str, Any]) -> bool:
    """Print the pages that fell against ``baseline``; False when one fell through the floor."""
    ok = True
    for kind, pages in current.items():
        before = baseline.get(kind, {})
        rows = []
        for page, figures in pages.items():
            old = before.get(page, {}).get("f1")
            if old is None:
                continue
            new = figures["f1"]
            if old - new > DROP or (new < FLOOR and old > KEPT):
                rows.append((new - old, page, old, new))
            if new < FLOOR and old > KEPT:
                ok = False
        common = [p for p in pages if p in before]
        gains = sum(pages[p]["f1"] > before[p]["f1"] + 0.01 for p in common)
        losses = sum(pages[p]["f1"] < before[p]["f1"] - 0.01 for p in common)
        print(
            f"== {kind} against the baseline: {gains} pages up, {losses} down (by > 0.01); "
            f"{len(rows)} fell by more than {DROP} or through {FLOOR}"
        )
        for change, page, old, new in sorted(rows):
            print(f"  {old:.3f} -> {new:.3f} ({change:+.3f})  {page[:16]}")
        for change, page, old, new in sorted(
            (pages[p]["f1"] - before[p]["f1"], p, before[p]["f1"], pages[p]["f1"]) for p in common
        ):
            if -DROP <= change < -0.01:
                print(f"  worse: {old:.3f} -> {new:.3f} ({change:+.3f})  {page[:16]}")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval" / "aeb")
    parser.add_argument("--only", choices=["dumps", "html"])
    parser.add_argument("--save", type=Path, help="write each page's figures to this file")
    parser.add_argument("--baseline", type=Path, help="compare each page with a --save file")
    parser.add_argument(
        "--quick", action="store_true", help="the shipped knobs only (no knob cross-validation)"
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
    figures = {
        kind: evaluate(kind, args.data, truth, gold, timings.get(kind, (0, 0, 0, 0)), args.quick)
        for kind in kinds
    }
    ok = True
    if args.baseline:
        ok = compare(figures, json.loads(args.baseline.read_text(encoding="utf-8")))
    if args.save:
        args.save.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"total {time.perf_counter() - started:.1f} s wall, {time.process_time():.1f} s process")
    if not ok:
        print(f"FAIL: a page the baseline kept above {KEPT} fell below {FLOOR}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
