"""Paragraph search on a real multi-site collection: corpusearch beside stock Whoosh, per query.

The 123 development pages of ``../shared/eval/aeb`` are indexed twice over (the HTML page and its
plain-text dump: 246 files) by ``corpusearch.Corpus``; the paragraphs ``corpusearch clean``
produces for the same files are indexed by stock Whoosh 2.7.4 (``paragraph_peer.py``). Every
judged query of ``bench/paragraph_queries.json`` runs through both, and the top 10 hits are
scored against the judgments: nDCG@10 (linear gains), success@1 and duplicates in the top 10,
per query, on average with bootstrap 95% intervals, by query kind, and as differences. Usage::

    python bench/eval_paragraphs.py [--data PATH] [--queries FILE] [--rev REV] [--rebuild]
                                    [--hits] [--json OUT] [--save FILE] [--baseline FILE]

The built collection is cached under the system temp dir, keyed on the git hash of ``src/``
(uncommitted edits included) and a hash of the page files and of the stock peer, so a rerun
only searches. ``--rev HEAD`` evaluates the committed ``src/`` of a revision instead of the
working tree (which may be mid-edit); ``--hits`` prints every query's ranked hits.
``--save FILE`` writes this run's per-query figures (the same document as ``--json``);
``--baseline FILE`` compares this run with a saved one, lists every query whose nDCG@10 dropped
by more than 0.1 and exits with status 1 when a query that scored above 0.5 now scores 0.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from paragraph_peer import Peer, PeerParagraph, build  # noqa: E402

if TYPE_CHECKING:
    from corpusearch import Corpus

DATA = REPO.parent / "shared" / "eval" / "aeb"
QUERIES = REPO / "bench" / "paragraph_queries.json"
CACHE_ROOT = Path(tempfile.gettempdir()) / "corpusearch-eval"
SYSTEMS = ("corpusearch", "whoosh")

# The first page of results: what an analyst reads before rephrasing the query.
CUTOFF = 10
# Judged substrings are distinctive, not whole paragraphs: long enough to identify one paragraph,
# short enough to survive a cleaner that trims a caption or a trailing link off it.
SUBSTRING_CHARS = (20, 60)
# Hits near-identical to a higher hit: the same text, or this share of shared word 5-shingles
# (the HTML and dump copy of a paragraph differ in a quote mark or a trailing link, not more).
SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.8
# Bootstrap over queries: enough resamples for stable 2.5/97.5 percentiles; fixed seed (the
# issue's number) so two runs of the same code print the same intervals.
RESAMPLES = 1000
SEED = 12
CONFIDENCE = 0.95
# Baseline comparison: a per-query nDCG change smaller than this is noise from tie order, and
# a query that was answered well (above COLLAPSE_FROM) and now finds nothing is a regression.
DROP = 0.1
COLLAPSE_FROM = 0.5

_WORD = re.compile(r"\w+")


# ---------------------------------------------------------------------------------- judgments


@dataclass(frozen=True)
class Judged:
    """A judged paragraph: its distinctive substring (as written and as matched), grade, page."""

    text: str
    key: str
    grade: int
    page: str


@dataclass(frozen=True)
class Query:
    id: str
    kind: str
    text: str
    judged: tuple[Judged, ...]


def normalise(text: str) -> str:
    """NFKC, whitespace collapsed to single spaces, case folded: how hits are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def match_key(text: str) -> str:
    """How judged text is matched: normalised with the whitespace left out, since cleaners
    differ in it (one drops the space between ``ソフト`` and ``KeePass``); 20 characters
    without spaces still name one paragraph."""
    return "".join(normalise(text).split())


def load_queries(path: Path, truth: dict[str, Any]) -> list[Query]:
    """The judged queries, each substring checked against its page's ground-truth body."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    queries = [_query(entry, truth, problems) for entry in doc["queries"]]
    if problems:
        listing = "\n  ".join(problems)
        raise SystemExit(f"bad judgments in {path}:\n  {listing}")
    return queries


def _query(entry: dict[str, Any], truth: dict[str, Any], problems: list[str]) -> Query:
    merged: dict[str, Judged] = {}
    for item in entry["judged"]:
        key, page = match_key(item["text"]), item["page"]
        paragraphs = [match_key(p) for p in truth[page]["articleBody"].split("\n") if p.strip()]
        found = sum(key in p for p in paragraphs)
        low, high = SUBSTRING_CHARS
        if found != 1 or not low <= len(item["text"]) <= high:
            problems.append(f"{entry['id']}: {item['text']!r} in {found} paragraphs of {page[:10]}")
        # One quote printed on two pages is one judged paragraph: finding it once answers it.
        best = max(item["grade"], merged[key].grade if key in merged else 0)
        merged[key] = Judged(item["text"], key, best, page)
    return Query(entry["id"], entry["kind"], entry["query"], tuple(merged.values()))


# ---------------------------------------------------------------------------------- the cache


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


@dataclass(frozen=True)
class Source:
    """The corpusearch source tree under evaluation: the folder holding the package, its key."""

    folder: Path
    key: str
    label: str


def working_source() -> Source:
    """This checkout's ``src/``: the git tree hash at HEAD plus the blobs of uncommitted files."""
    digest = hashlib.sha256()
    try:
        head = git("rev-parse", "HEAD:src").strip()
        status = git("status", "--porcelain", "--untracked-files=all", "--", "src")
        dirty = sorted({line[3:].split(" -> ")[-1] for line in status.splitlines()})
        present = [path for path in dirty if (REPO / path).is_file()]
        blobs = git("hash-object", "--", *present) if present else ""
        digest.update(f"{head}\n{status}\n{blobs}".encode())
        label = f"src/ of this checkout (git tree {head[:12]} + {len(dirty)} uncommitted files)"
    except (OSError, subprocess.SubprocessError):  # not a git checkout: hash the files
        for path in sorted((REPO / "src").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode() + path.read_bytes())
        label = "src/ of this folder"
    return Source(REPO / "src", digest.hexdigest()[:12], label)


def revision_source(revision: str) -> Source:
    """The committed ``src/`` of a git revision, extracted once into the cache."""
    tree = git("rev-parse", f"{revision}:src").strip()
    folder = CACHE_ROOT / f"src-{tree[:12]}"
    if not (folder / "complete").exists():
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", revision, "src"],
            cwd=REPO,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(partial, filter="data")
        (partial / "complete").write_text("ok\n")
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return Source(folder / "src", tree[:12], f"git {revision} (src tree {tree[:12]})")


def corpus_class(source: Source) -> Any:
    """``corpusearch.Corpus`` imported from ``source`` (before any installed copy)."""
    sys.path.insert(0, str(source.folder))
    try:
        import corpusearch

        corpusearch.Corpus  # noqa: B018 (the package loads its modules on first use)
    except Exception as error:
        raise SystemExit(
            f"corpusearch does not import from {source.folder} ({type(error).__name__}: {error});"
            " an edit in progress? --rev HEAD evaluates the last commit"
        ) from error

    if not Path(corpusearch.__file__).resolve().is_relative_to(source.folder.resolve()):
        raise SystemExit(
            f"corpusearch was imported from {corpusearch.__file__}, not {source.folder}"
        )
    return corpusearch.Corpus


def page_files(data: Path) -> list[tuple[Path, str]]:
    """(file, relative name in the collection) for the HTML page and dump of every page."""
    html = [(p, f"html/{p.name}") for p in sorted((data / "html").glob("*.html.gz"))]
    dumps = [(p, f"dumps/{p.name}") for p in sorted((data / "dumps").glob("*.txt"))]
    return html + dumps


def content_key(files: Sequence[tuple[Path, str]]) -> str:
    """A hash of the page files and of the stock peer's code (which builds one of the indexes)."""
    digest = hashlib.sha256((REPO / "bench" / "paragraph_peer.py").read_bytes())
    for path, name in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


@dataclass
class Collection:
    """A built collection: both indexes, the cleaned paragraphs and how it was obtained."""

    folder: Path
    corpus: Corpus
    peer: Peer
    paragraphs: list[PeerParagraph]
    files: int
    note: str


def open_collection(data: Path, source: Source, rebuild: bool) -> Collection:
    files = page_files(data)
    folder = CACHE_ROOT / f"aeb-paragraphs-{source.key}-{content_key(files)}"
    corpus = corpus_class(source)
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if (folder / "complete").exists():
        note = f"cached at {folder}"
    else:
        note = f"built in {build_collection(folder, files, source, corpus):.1f} s at {folder}"
    paragraphs = list(read_clean(folder / "clean.jsonl"))
    return Collection(
        folder, corpus(folder / "index"), Peer(folder / "whoosh"), paragraphs, len(files), note
    )


def build_collection(
    folder: Path, files: Sequence[tuple[Path, str]], source: Source, corpus: Any
) -> float:
    """Copy the pages, index them with corpusearch, clean them, index the paragraphs stock."""
    started = time.perf_counter()
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    for path, name in files:
        (partial / "pages" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, partial / "pages" / name)
    report = corpus(partial / "index").index([partial / "pages"])
    if report.failed:
        print(f"corpusearch could not index {len(report.failed)} files", file=sys.stderr)
    (partial / "clean.jsonl").write_text(clean(partial / "pages", source), encoding="utf-8")
    build(partial / "whoosh", read_clean(partial / "clean.jsonl"))
    (partial / "complete").write_text("ok\n")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return time.perf_counter() - started


def clean(pages: Path, source: Source) -> str:
    """``corpusearch clean PAGES --format json``: one article per line, cleaned together."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(source.folder), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "corpusearch", "clean", str(pages), "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"corpusearch clean failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def read_clean(path: Path) -> Iterator[PeerParagraph]:
    for line in path.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        source = "/".join(Path(article.get("path", "?")).parts[-2:])
        for paragraph in article.get("paragraphs", ()):
            yield PeerParagraph(
                source, paragraph["position"], article["title"] or "", paragraph["text"]
            )


# ---------------------------------------------------------------------------------- searching


@dataclass(frozen=True)
class Ranked:
    """One hit as scored: its text and where it came from (``dump 042bb7b5fe #3``)."""

    text: str
    where: str


@dataclass
class Run:
    hits: dict[str, list[Ranked]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)


def short_source(path: str) -> str:
    """``html 042bb7b5fe`` for ``.../pages/html/042bb7b5fe….html.gz``: copy and page id."""
    parts = Path(path).parts
    copy = "dump" if parts[-2:-1] == ("dumps",) else "html"
    return f"{copy} {parts[-1][:10]}"


def run_corpusearch(corpus: Corpus, queries: Sequence[Query]) -> Run:
    sources = {a.id: short_source(a.path) for a in corpus.articles()}

    def search(text: str) -> list[Ranked]:
        hits = corpus.search(text, limit=CUTOFF).hits
        return [Ranked(h.text, f"{sources.get(h.article, h.article)} #{h.position}") for h in hits]

    return timed_run(search, queries)


def run_peer(peer: Peer, queries: Sequence[Query]) -> Run:
    def search(text: str) -> list[Ranked]:
        return [
            Ranked(h.text, f"{short_source(h.source)} #{h.position}")
            for h in peer.search(text, CUTOFF)
        ]

    return timed_run(search, queries)


def timed_run(search: Callable[[str], list[Ranked]], queries: Sequence[Query]) -> Run:
    """Each query's top hits (an error counts as no hit), after one untimed warm-up search."""
    run = Run()
    with contextlib.suppress(Exception):
        search(queries[0].text)
    for query in queries:
        started = time.perf_counter()
        try:
            run.hits[query.id] = search(query.text)
        except Exception as error:  # a refused query scores 0 and is shown
            run.hits[query.id], run.errors[query.id] = [], f"{type(error).__name__}: {error}"
        run.seconds.append(time.perf_counter() - started)
    return run


# ---------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    ndcg: float
    success: int
    duplicates: int
    gains: tuple[int, ...]
    duplicate_at: tuple[bool, ...]


def score(query: Query, hits: Sequence[Ranked]) -> Score:
    """nDCG@10 with linear gains, success@1 and duplicates of the top 10 hits."""
    credited: set[str] = set()
    seen: list[tuple[str, frozenset[tuple[str, ...]]]] = []
    gains: list[int] = []
    duplicate_at: list[bool] = []
    for hit in hits[:CUTOFF]:
        text = normalise(hit.text)
        key = match_key(hit.text)
        matched = [j for j in query.judged if j.key in key]
        new = [j for j in matched if j.key not in credited]
        gains.append(max((j.grade for j in new), default=0))
        credited.update(j.key for j in matched)
        grams = shingles(text)
        near = any(
            text == other or jaccard(grams, other_grams) >= NEAR_DUPLICATE_JACCARD
            for other, other_grams in seen
        )
        duplicate_at.append(near or bool(matched and not new))
        seen.append((text, grams))
    ideal = dcg(sorted((j.grade for j in query.judged), reverse=True))
    ndcg = dcg(gains) / ideal if ideal else 0.0
    success = int(bool(gains) and gains[0] >= 1)
    return Score(ndcg, success, sum(duplicate_at), tuple(gains), tuple(duplicate_at))


def dcg(gains: Sequence[int]) -> float:
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains[:CUTOFF]))


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = tuple(_WORD.findall(text))
    if len(words) <= SHINGLE_WORDS:
        return frozenset([words])
    return frozenset(words[i : i + SHINGLE_WORDS] for i in range(len(words) - SHINGLE_WORDS + 1))


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def unreachable(query: Query, paragraphs: Sequence[PeerParagraph]) -> list[Judged]:
    """The judged paragraphs no cleaned paragraph contains: no ranking can find them."""
    texts = [match_key(p.text) for p in paragraphs]
    return [j for j in query.judged if not any(j.key in t for t in texts)]


# ---------------------------------------------------------------------------------- statistics


def bootstrap(values: Sequence[float], rng: random.Random) -> tuple[float, float, float]:
    """Mean and percentile interval of the mean over ``RESAMPLES`` resamples of the queries."""
    means = sorted(statistics.fmean(rng.choices(values, k=len(values))) for _ in range(RESAMPLES))
    tail = (1 - CONFIDENCE) / 2
    low, high = means[int(tail * RESAMPLES)], means[int((1 - tail) * RESAMPLES) - 1]
    return statistics.fmean(values), low, high


def interval(values: Sequence[float], rng: random.Random, sign: bool = False) -> str:
    mean, low, high = bootstrap(values, rng)
    form = "+.3f" if sign else ".3f"
    return f"{mean:{form}} [{low:{form}}, {high:{form}}]"


# ---------------------------------------------------------------------------------- report


Scores = dict[str, dict[str, Score]]  # system -> query id -> score


def print_collection(collection: Collection, queries: Sequence[Query]) -> None:
    judged = sum(len(q.judged) for q in queries)
    pages = {j.page for q in queries for j in q.judged}
    kinds = ", ".join(f"{k} {n}" for k, n in kind_counts(queries).items())
    print(
        f"collection: {collection.files} files (HTML page + dump of each), "
        f"{len(collection.paragraphs)} cleaned paragraphs; {collection.note}"
    )
    print(f"queries: {len(queries)} ({kinds}); {judged} judged paragraphs on {len(pages)} pages")
    lost = [(q, j) for q in queries for j in unreachable(q, collection.paragraphs)]
    print(f"judged paragraphs no cleaned paragraph contains (unreachable): {len(lost)}")
    for query, judged_paragraph in lost:
        print(
            f"  {query.id} g{judged_paragraph.grade} {judged_paragraph.page[:10]} "
            f"{judged_paragraph.text!r}"
        )


def kind_counts(queries: Sequence[Query]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for query in queries:
        counts[query.kind] = counts.get(query.kind, 0) + 1
    return counts


def print_per_query(queries: Sequence[Query], scores: Scores, runs: dict[str, Run]) -> None:
    print(
        f"\nper query (top {CUTOFF}; S@1 = top hit relevant; dup = duplicates in the top {CUTOFF})"
    )
    print(f"{'':16}{'corpusearch':>17}  {'stock whoosh':>17}")
    print(
        f"{'id':4} {'kind':11}{'nDCG':>7} {'S@1':>4} {'dup':>4}  {'nDCG':>7} {'S@1':>4} "
        f"{'dup':>4} {'diff':>7}  query"
    )
    for q in queries:
        c, w = scores["corpusearch"][q.id], scores["whoosh"][q.id]
        notes = [
            f"{name} error: {runs[name].errors[q.id]}"
            for name in SYSTEMS
            if q.id in runs[name].errors
        ]
        print(
            f"{q.id:4} {q.kind:11}{c.ndcg:7.3f} {c.success:4} {c.duplicates:4}  {w.ndcg:7.3f} "
            f"{w.success:4} {w.duplicates:4} {c.ndcg - w.ndcg:+7.3f}  {q.text}"
            + "".join(f"\n{'':10}{note}" for note in notes)
        )


def print_means(queries: Sequence[Query], scores: Scores) -> None:
    rng = random.Random(SEED)
    print(
        f"\nmeans over {len(queries)} queries, {CONFIDENCE:.0%} bootstrap intervals "
        f"({RESAMPLES} resamples of the queries, seed {SEED})"
    )
    print(f"{'':14}{'corpusearch':>22}  {'stock whoosh':>22}  {'corpusearch - whoosh':>24}")
    for label, measure in MEASURES.items():
        c = [measure(scores["corpusearch"][q.id]) for q in queries]
        w = [measure(scores["whoosh"][q.id]) for q in queries]
        d = [a - b for a, b in zip(c, w, strict=True)]
        print(
            f"{label:14}{interval(c, rng):>22}  {interval(w, rng):>22}  "
            f"{interval(d, rng, sign=True):>24}"
        )


MEASURES: dict[str, Callable[[Score], float]] = {
    "nDCG@10": lambda s: s.ndcg,
    "success@1": lambda s: float(s.success),
    "duplicates@10": lambda s: float(s.duplicates),
}


def print_kinds(queries: Sequence[Query], scores: Scores) -> None:
    print("\nby query kind (means)")
    print(
        f"{'kind':12}{'n':>3}  {'nDCG c':>7} {'nDCG w':>7}  {'S@1 c':>6} {'S@1 w':>6}  "
        f"{'dup c':>6} {'dup w':>6}"
    )
    for kind in kind_counts(queries):
        ids = [q.id for q in queries if q.kind == kind]
        row = [
            statistics.fmean(measure(scores[name][i]) for i in ids)
            for measure in MEASURES.values()
            for name in SYSTEMS
        ]
        print(
            f"{kind:12}{len(ids):3}  {row[0]:7.3f} {row[1]:7.3f}  {row[2]:6.2f} {row[3]:6.2f}  "
            f"{row[4]:6.2f} {row[5]:6.2f}"
        )


def print_losses(queries: Sequence[Query], scores: Scores) -> None:
    below = [q for q in queries if scores["corpusearch"][q.id].ndcg < scores["whoosh"][q.id].ndcg]
    wins = sum(scores["corpusearch"][q.id].ndcg > scores["whoosh"][q.id].ndcg for q in queries)
    print(
        f"\ncorpusearch above stock whoosh on {wins} queries, equal on "
        f"{len(queries) - wins - len(below)}, below on {len(below)}:"
    )
    for q in sorted(
        below, key=lambda q: scores["corpusearch"][q.id].ndcg - scores["whoosh"][q.id].ndcg
    ):
        c, w = scores["corpusearch"][q.id], scores["whoosh"][q.id]
        print(
            f"  {q.id} {q.kind:11} {c.ndcg:.3f} < {w.ndcg:.3f} ({c.ndcg - w.ndcg:+.3f})  {q.text}"
        )


def print_hits(queries: Sequence[Query], scores: Scores, runs: dict[str, Run]) -> None:
    """Every query's ranked hits with their gains: what ``--hits`` adds, for diagnosis."""
    for q in queries:
        print(f"\n{q.id} {q.text}")
        for name in SYSTEMS:
            s = scores[name][q.id]
            print(f"  {name} nDCG {s.ndcg:.3f}")
            for rank, hit in enumerate(runs[name].hits[q.id][:CUTOFF]):
                mark = "dup" if s.duplicate_at[rank] else ""
                text = " ".join(hit.text.split())[:110]
                print(f"   {rank + 1:2} g{s.gains[rank]} {mark:3} {hit.where:20} {text}")


def print_latency(runs: dict[str, Run]) -> None:
    print()
    for name in SYSTEMS:
        seconds = sorted(runs[name].seconds)
        p50 = seconds[len(seconds) // 2] * 1000
        p95 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] * 1000
        print(f"latency {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


# ---------------------------------------------------------------------------------- JSON, baseline


def document(
    queries: Sequence[Query], scores: Scores, runs: dict[str, Run], note: str
) -> dict[str, Any]:
    def figures(name: str, q: Query) -> dict[str, Any]:
        s = scores[name][q.id]
        hits = [
            {"where": h.where, "gain": g, "duplicate": d}
            for h, g, d in zip(runs[name].hits[q.id], s.gains, s.duplicate_at, strict=False)
        ]
        return {
            "ndcg": round(s.ndcg, 4),
            "success": s.success,
            "duplicates": s.duplicates,
            "error": runs[name].errors.get(q.id),
            "hits": hits,
        }

    means = {
        name: {
            label: round(statistics.fmean(m(scores[name][q.id]) for q in queries), 4)
            for label, m in MEASURES.items()
        }
        for name in SYSTEMS
    }
    return {
        "collection": note,
        "means": means,
        "queries": [
            {"id": q.id, "kind": q.kind, "query": q.text, **{n: figures(n, q) for n in SYSTEMS}}
            for q in queries
        ],
    }


def compare(baseline: Path, doc: dict[str, Any]) -> bool:
    """Print the queries whose corpusearch nDCG dropped; False when one collapsed to 0."""
    before = {
        e["query"]: e["corpusearch"]["ndcg"] for e in json.loads(baseline.read_text())["queries"]
    }
    now = {e["query"]: (e["id"], e["corpusearch"]["ndcg"]) for e in doc["queries"]}
    common = [text for text in now if text in before]
    drops = [
        (text, before[text], now[text]) for text in common if before[text] - now[text][1] > DROP
    ]
    collapsed = [d for d in drops if d[1] > COLLAPSE_FROM and d[2][1] == 0]
    gains = sum(now[text][1] - before[text] > DROP for text in common)
    print(
        f"\nbaseline {baseline}: {len(common)} queries compared "
        f"({len(now) - len(common)} new); nDCG@10 up by more than {DROP} on {gains}, "
        f"down by more than {DROP} on {len(drops)}"
    )
    for text, old, (qid, new) in drops:
        print(f"  {qid} {old:.3f} -> {new:.3f}  {text}")
    mean_before = statistics.fmean(before[t] for t in common) if common else 0.0
    mean_now = statistics.fmean(now[t][1] for t in common) if common else 0.0
    print(f"mean nDCG@10 on the common queries: {mean_before:.3f} -> {mean_now:.3f}")
    for text, old, (qid, _) in collapsed:
        print(f"REGRESSION: {qid} fell from {old:.3f} to 0: {text}")
    return not collapsed


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the aeb folder")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the judged queries")
    parser.add_argument(
        "--rev", metavar="REV", help="evaluate the committed src/ of a git revision (e.g. HEAD)"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached collection")
    parser.add_argument("--hits", action="store_true", help="print every query's ranked hits")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write per-query figures")
    parser.add_argument("--save", type=Path, metavar="FILE", help="save this run as a baseline")
    parser.add_argument("--baseline", type=Path, metavar="FILE", help="compare with a saved run")
    args = parser.parse_args()

    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    queries = load_queries(args.queries, truth)
    source = revision_source(args.rev) if args.rev else working_source()
    print(f"corpusearch: {source.label}")
    collection = open_collection(args.data, source, args.rebuild)
    print_collection(collection, queries)
    runs = {
        "corpusearch": run_corpusearch(collection.corpus, queries),
        "whoosh": run_peer(collection.peer, queries),
    }
    scores = {name: {q.id: score(q, run.hits[q.id]) for q in queries} for name, run in runs.items()}
    print_per_query(queries, scores, runs)
    print_means(queries, scores)
    print_kinds(queries, scores)
    print_losses(queries, scores)
    print_latency(runs)
    if args.hits:
        print_hits(queries, scores, runs)
    doc = document(queries, scores, runs, f"{source.label}; {collection.note}")
    for path in (args.json, args.save):
        if path:
            write_json(path, doc)
    ok = compare(args.baseline, doc) if args.baseline else True
    collection.peer.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
