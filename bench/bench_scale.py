"""corpusearch at scale, side by side with stock Whoosh, SQLite FTS5 and tantivy (issue 17, item 1).

Usage:
    .venv/bin/python bench/bench_scale.py --quick               # 10k paragraphs, ~4-5 minutes
    .venv/bin/python bench/bench_scale.py [--size 100k] [--json OUT]
    .venv/bin/python bench/bench_scale.py --size 1m             # hours: see run times below

The corpus (bench/scale_corpus.py) is written as files on disk, as users feed them: one ``.txt``
dump per article (title line, paragraphs of real SciFact / AEB prose) with a sidecar
``.meta.json`` (authors, date, topics, source, url); about 20 paragraphs and 9 KB per article.
It is seeded and cached under ``--cache`` (default /tmp/corpusearch-scale/<size>), so reruns
skip generation. Every engine indexes those files: corpusearch through ``Corpus.index`` (which
cleans each dump and reads the sidecar); each peer reads the same files with a few lines of
code (blank-line paragraphs, title line dropped, sidecar applied), i.e. with no cleaning at all.

Engines, each built and searched in its own child process:
- corpusearch, via its public surface only (``Corpus``, the CLI, ``corpusearch serve``);
- stock Whoosh 2.7.4: StemmingAnalyzer on title/text, fields title/text/authors/topics/source/
  date, ``qparser.OrGroup`` over title and text, ``hit.highlights("text")`` for the top 10;
- SQLite FTS5 (Python's sqlite3; the ``sqlite3`` CLI for the one-shot figure): porter
  tokenizer, ``bm25()`` ranking, ``snippet()`` on the text;
- tantivy (the ``tantivy`` PyPI package, English stemming tokenizer, one indexing thread),
  when it pip-installs into a separate venv (default /tmp/corpusearch-peers-venv) that this
  script creates, so the project's dependencies stay as they are.

Figures, each printed with corpusearch's ratio to every peer (corpusearch / peer):
- build: paragraphs per second (wall, from files on disk) and the builder's peak RSS;
- index size / raw text size (the .txt bytes);
- warm search latency p50/p95/p99 by query kind (keywords of 1-3 words, quoted phrases,
  keywords filtered by an author or a date range, whole SciFact claims): top 10 with snippets,
  after a warm-up on other queries, in two rounds whose engine order is reversed (drift on a
  shared machine then hits every engine alike); the share of queries with no hit is printed so
  that the engines are seen to do comparable work;
- peak RSS of the process that ran the warm queries (its own ru_maxrss);
- one-shot search: process start to exit, median of N (corpusearch: its CLI with
  ``--format json``; Whoosh and tantivy: a one-shot Python run of this script; FTS5: the
  ``sqlite3`` CLI);
- re-index of the unchanged corpus (corpusearch ``index`` again; the peers have no
  incremental update, so their figure is a full rebuild);
- web: 8 loopback client threads with keep-alive connections for a fixed time, distinct
  keyword queries and Zipf-repeated ones (weight 1/rank): requests/s and p99. corpusearch is
  its real ``serve`` (the HTML form ``/?q=`` and ``/api/search``); each peer is a minimal stdlib
  ``ThreadingHTTPServer`` returning the top 10 with snippets as JSON.

The machine is shared and noisy: only the ratios, measured in the same run, mean anything. The
load average is printed at the start and at the end.

Expected run times on 2 shared cores (measured at load average 3-10 from other work):
--quick (10k): 2-3.5 min (first run +10 s for the corpus, +10 s for the peers' venv);
--size 100k: ~40 min (corpusearch build 17 min at ~100 paragraphs/s, Whoosh 7 min, warm
search 11 min, web 2.5 min); --size 1m: many hours (corpusearch build alone ~3 h at that speed).
Every child process has a timeout; an engine that fails or times out shows "n/a (reason)".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_corpus

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve()
PROJECT_PYTHON = ROOT / ".venv" / "bin" / "python"
CLI = ROOT / ".venv" / "bin" / "corpusearch"
ENGINES = ("corpusearch", "whoosh", "fts5", "tantivy")
PEERS = ENGINES[1:]
PEER_PACKAGES = ("tantivy",)  # the peers that are not corpusearch dependencies
KINDS = ("keywords", "phrase", "filtered", "claim")
TOP = 10  # results per query, each with a snippet, as a results page shows
WEB_CLIENTS = 8  # the figure: a small team sharing one server
ROUNDS = 2  # warm-search and web rounds, every other one in reverse engine order
SAMPLE_FILES = 20  # dumps passed to `corpusearch clean` to check the bodies come through whole
CLEAN_TIMEOUT = 120  # s; cleaning 20 dumps takes well under a second
MB = 1024 * 1024
REASON_CHARS = 240  # the last stderr line of a failed child, enough for an error's hint


@dataclass(frozen=True)
class Plan:
    """How much of everything a run does."""

    size: str
    per_kind: int  # warm-search queries of each kind
    warmup_per_kind: int
    oneshots: int  # one-shot runs per engine (median)
    web_seconds: float  # per web run
    build_timeout: float  # per engine build; corpusearch is the slow one
    step_timeout: float  # any other child process


PLANS = {
    # 10k: the whole run in under 5 minutes.
    "10k": Plan("10k", 25, 5, 5, 4.0, 600, 300),
    # 100k: ~300 queries, as the issue asks; the build is ~9 minutes for corpusearch today.
    "100k": Plan("100k", 75, 10, 7, 10.0, 3600, 900),
    "1m": Plan("1m", 75, 10, 7, 10.0, 8 * 3600, 3600),
}


# ---------------------------------------------------------------------------------------------
# Engines (run inside the worker child processes)
# ---------------------------------------------------------------------------------------------

Hit = tuple[str, str]  # (paragraph id, snippet)


def ascii_words(text: str) -> list[str]:
    """The words of a query, for engines whose parser rejects stray syntax (FTS5, tantivy)."""
    return [w.replace("'", "") for w in scale_corpus.WORD.findall(text)]


class CorpusearchEngine:
    def build(self, index: Path, files: Path) -> int:
        from corpusearch import Corpus

        report = Corpus(index).index([files])
        return int(getattr(report, "paragraphs", 0))

    def open(self, index: Path) -> None:
        from corpusearch import Corpus

        self.corpus = Corpus(index)

    def search(self, query: dict[str, str]) -> list[Hit]:
        result = self.corpus.search(
            query["q"],
            author=query.get("author"),
            since=query.get("since"),
            until=query.get("until"),
            limit=TOP,
        )
        return [(hit.id, hit.snippet) for hit in result.hits]


class WhooshEngine:
    def build(self, index: Path, files: Path) -> int:
        from whoosh import fields
        from whoosh import index as whoosh_index
        from whoosh.analysis import StemmingAnalyzer

        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
            text=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
            authors=fields.KEYWORD(stored=True, commas=True, lowercase=True),
            topics=fields.KEYWORD(stored=True, commas=True, lowercase=True),
            source=fields.ID(stored=True),
            date=fields.ID(stored=True),
        )
        index.mkdir(parents=True, exist_ok=True)
        writer = whoosh_index.create_in(str(index), schema).writer()
        count = 0
        for record in scale_corpus.records(files):
            writer.add_document(
                id=record.id,
                title=record.title,
                text=record.text,
                authors=",".join(record.authors),
                topics=",".join(record.topics),
                source=record.source,
                date=record.date,
            )
            count += 1
        writer.commit()
        return count

    def open(self, index: Path) -> None:
        from whoosh import index as whoosh_index
        from whoosh import qparser

        self.ix = whoosh_index.open_dir(str(index))
        self.parser = qparser.MultifieldParser(
            ["title", "text"], self.ix.schema, group=qparser.OrGroup
        )
        self.local = threading.local()  # a Whoosh searcher is not shared between threads

    def search(self, query: dict[str, str]) -> list[Hit]:
        from whoosh.query import Term, TermRange

        searcher = getattr(self.local, "searcher", None)
        if searcher is None:
            searcher = self.local.searcher = self.ix.searcher()
        if "author" in query:
            only = Term("authors", query["author"].lower())
        elif "since" in query:
            only = TermRange("date", query["since"], query["until"])
        else:
            only = None
        results = searcher.search(self.parser.parse(query["q"]), limit=TOP, filter=only)
        return [(hit["id"], hit.highlights("text")) for hit in results]


class Fts5Engine:
    TABLE = (
        "CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, title, text, authors, topics, source, "
        "date UNINDEXED, tokenize='porter unicode61')"
    )
    SELECT = (
        "SELECT id, snippet(p, 2, '<mark>', '</mark>', '…', 32) FROM p WHERE p MATCH ? {where}"
        f"ORDER BY bm25(p) LIMIT {TOP}"
    )

    def build(self, index: Path, files: Path) -> int:
        import sqlite3

        index.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(index / "fts5.sqlite")
        db.execute(self.TABLE)
        rows = (
            (r.id, r.title, r.text, ", ".join(r.authors), ", ".join(r.topics), r.source, r.date)
            for r in scale_corpus.records(files)
        )
        db.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.commit()
        count = int(db.execute("SELECT count(*) FROM p").fetchone()[0])
        db.close()
        return count

    def open(self, index: Path) -> None:
        self.path = index / "fts5.sqlite"
        self.local = threading.local()  # one connection per thread, as sqlite3 requires

    @staticmethod
    def statement(query: dict[str, str]) -> tuple[str, list[str]]:
        """SQL and parameters: words ORed over title and text, as corpusearch and Whoosh do."""
        words = ascii_words(query["q"])
        if query["q"].startswith('"'):
            match = '"' + " ".join(words) + '"'
        else:
            kept = [w for w in words if w.lower() not in scale_corpus.STOPWORDS] or words
            match = " OR ".join(f'"{w}"' for w in kept)
        match = "{title text} : (" + match + ")"
        params = []
        where = ""
        if "author" in query:
            match += ' AND authors : "' + query["author"] + '"'
        elif "since" in query:
            where = "AND date BETWEEN ? AND ? "
            params = [query["since"], query["until"]]
        return Fts5Engine.SELECT.format(where=where), [match, *params]

    def search(self, query: dict[str, str]) -> list[Hit]:
        import sqlite3

        db = getattr(self.local, "db", None)
        if db is None:
            db = self.local.db = sqlite3.connect(self.path)
        sql, params = self.statement(query)
        return [(row[0], row[1]) for row in db.execute(sql, params)]


def import_tantivy() -> Any:
    """The tantivy module: installed only in the peers' venv, so untyped here."""
    import importlib

    return importlib.import_module("tantivy")


class TantivyEngine:
    WRITER_THREADS = 1  # like the Python engines; the second core is left to the noise
    WRITER_HEAP = 128_000_000  # tantivy's default

    def schema(self) -> Any:
        tantivy = import_tantivy()

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("text", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("authors", stored=True)
        builder.add_text_field("topics", stored=True)
        builder.add_text_field("source", stored=True)
        builder.add_integer_field("day", stored=True, indexed=True, fast=True)  # yyyymmdd
        return builder.build()

    def build(self, index: Path, files: Path) -> int:
        tantivy = import_tantivy()

        index.mkdir(parents=True, exist_ok=True)
        ix = tantivy.Index(self.schema(), path=str(index))
        writer = ix.writer(self.WRITER_HEAP, self.WRITER_THREADS)
        count = 0
        for r in scale_corpus.records(files):
            writer.add_document(
                tantivy.Document(
                    id=r.id,
                    title=r.title,
                    text=r.text,
                    authors=", ".join(r.authors),
                    topics=", ".join(r.topics),
                    source=r.source,
                    day=int(r.date.replace("-", "")),
                )
            )
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count

    def open(self, index: Path) -> None:
        tantivy = import_tantivy()

        self.ix = tantivy.Index.open(str(index))
        self.ix.reload()
        self.searcher = self.ix.searcher()
        self.tantivy = tantivy

    def search(self, query: dict[str, str]) -> list[Hit]:
        tantivy = self.tantivy
        schema = self.ix.schema
        words = ascii_words(query["q"])
        if query["q"].startswith('"'):
            text = '"' + " ".join(words) + '"'
        else:
            text = " ".join(w for w in words if w.lower() not in scale_corpus.STOPWORDS) or "x"
        parsed, _errors = self.ix.parse_query_lenient(text, ["title", "text"])
        clauses = [(tantivy.Occur.Must, parsed)]
        if "author" in query:
            name = query["author"].lower().split()
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.phrase_query(schema, "authors", name))
            )
        elif "since" in query:
            low, high = (int(query[k].replace("-", "")) for k in ("since", "until"))
            span = tantivy.Query.range_query(schema, "day", tantivy.FieldType.Integer, low, high)
            clauses.append((tantivy.Occur.Must, span))
        final = tantivy.Query.boolean_query(clauses)
        hits = self.searcher.search(final, TOP).hits
        snippets = tantivy.SnippetGenerator.create(self.searcher, final, schema, "text")
        result = []
        for _score, address in hits:
            doc = self.searcher.doc(address)
            result.append((doc["id"][0], snippets.snippet_from_doc(doc).to_html()))
        return result


def engine(name: str) -> Any:
    return {
        "corpusearch": CorpusearchEngine,
        "whoosh": WhooshEngine,
        "fts5": Fts5Engine,
        "tantivy": TantivyEngine,
    }[name]()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def worker_build(name: str, index: Path, files: Path) -> dict[str, Any]:
    start = time.perf_counter()
    paragraphs = engine(name).build(index, files)
    return {"seconds": time.perf_counter() - start, "paragraphs": paragraphs, "rss": peak_rss_mb()}


def worker_search(name: str, index: Path, queries: Path) -> dict[str, Any]:
    plan = json.loads(queries.read_text())
    searcher = engine(name)
    searcher.open(index)
    for query in plan["warmup"]:
        searcher.search(query)
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    empty = 0
    for query in plan["queries"]:
        start = time.perf_counter()
        hits = searcher.search(query)
        timings[query["kind"]].append(time.perf_counter() - start)
        empty += not hits
    return {"timings": timings, "empty": empty, "rss": peak_rss_mb()}


def worker_oneshot(name: str, index: Path, query: str) -> dict[str, Any]:
    searcher = engine(name)
    searcher.open(index)
    hits = searcher.search({"kind": "keywords", "q": query})
    return {"hits": [{"id": i, "snippet": s} for i, s in hits]}


def worker_serve(name: str, index: Path, port: int) -> None:
    """A minimal JSON search server over one peer: GET /search?q=... -> top 10 with snippets."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    searcher = engine(name)
    searcher.open(index)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as browsers and the corpusearch server do

        def do_GET(self) -> None:
            q = parse_qs(urlparse(self.path).query).get("q", [""])[0]
            try:
                hits = searcher.search({"kind": "keywords", "q": q})
                status = 200
            except Exception:  # a query the peer's parser refuses: a 500, counted as an error
                hits, status = [], 500
            body = json.dumps({"query": q, "hits": [{"id": i, "snippet": s} for i, s in hits]})
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


def worker_main(argv: list[str]) -> None:
    """``--worker ENGINE ACTION INDEX ARG``: one measurement; prints one JSON line."""
    name, action, index, arg = argv
    if action == "serve":
        worker_serve(name, Path(index), int(arg))
        return
    actions: dict[str, Callable[[], dict[str, Any]]] = {
        "build": lambda: worker_build(name, Path(index), Path(arg)),
        "search": lambda: worker_search(name, Path(index), Path(arg)),
        "oneshot": lambda: worker_oneshot(name, Path(index), arg),
    }
    print(json.dumps(actions[action]()))


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


class Failed(Exception):
    """A measurement that could not be made; its message is the "n/a (reason)"."""


@dataclass
class Figures:
    """Every figure, by row then engine; a str value is the reason it is missing."""

    rows: dict[str, dict[str, float | str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def put(self, row: str, name: str, value: float | str) -> None:
        self.rows.setdefault(row, {})[name] = value

    def get(self, row: str, name: str) -> float | str:
        return self.rows.get(row, {}).get(name, "not measured")


@dataclass
class Bench:
    args: argparse.Namespace
    plan: Plan
    corpus: scale_corpus.Corpus
    pythons: dict[str, Path]
    figures: Figures = field(default_factory=Figures)
    missing: dict[str, str] = field(default_factory=dict)  # engine -> why it cannot run

    def index_dir(self, name: str) -> Path:
        return self.corpus.folder / "indexes" / name

    def live(self) -> list[str]:
        return [name for name in self.args.engines if name not in self.missing]


def run_child(command: list[str], timeout: float) -> str:
    """stdout of ``command``; raises Failed with a short reason on error or timeout."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired as err:
        raise Failed(f"timeout after {timeout:.0f} s") from err
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise Failed(f"exit {done.returncode}: {last[:REASON_CHARS]}")
    return done.stdout


def run_worker(bench: Bench, name: str, action: str, arg: str, timeout: float) -> Any:
    python = str(bench.pythons[name])
    command = [python, str(SCRIPT), "--worker", name, action, str(bench.index_dir(name)), arg]
    out = run_child(command, timeout)
    return json.loads(out.strip().splitlines()[-1])


def setup_peers_venv(venv: Path, timeout: float) -> str | None:
    """Create ``venv`` with the peers that are not project dependencies; None or why not."""
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import " + ", ".join(PEER_PACKAGES)]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return None
    try:
        if not python.exists():
            run_child([sys.executable, "-m", "venv", str(venv)], timeout)
        run_child([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], timeout)
        run_child(check, timeout)
    except Failed as err:
        return f"pip install {' '.join(PEER_PACKAGES)} failed: {err}"
    return None


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def check_cleaning(bench: Bench) -> str:
    """How many paragraphs of a sample of dumps `corpusearch clean` keeps exactly as written."""
    rng = random.Random(scale_corpus.SEED)
    files = sorted(bench.corpus.files.rglob("*.txt"))
    sample = rng.sample(files, min(SAMPLE_FILES, len(files)))
    try:
        out = run_child([str(CLI), "clean", *map(str, sample), "--format", "json"], CLEAN_TIMEOUT)
    except Failed as err:
        return f"n/a ({err})"
    kept = written = titles = 0
    for path, line in zip(sample, out.strip().splitlines(), strict=False):
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        cleaned = json.loads(line)
        texts = {p["text"] for p in cleaned.get("paragraphs", [])}
        written += len(blocks) - 1
        kept += sum(block in texts for block in blocks[1:])
        titles += cleaned.get("title") == blocks[0]
    return (
        f"{kept}/{written} paragraphs of {len(sample)} sample dumps come through whole "
        f"({kept / max(written, 1):.1%}); titles right: {titles}/{len(sample)}"
    )


def measure_builds(bench: Bench) -> None:
    for name in bench.live():
        index = bench.index_dir(name)
        if bench.args.reuse_indexes and index.exists():
            bench.figures.put("build", name, "skipped (--reuse-indexes)")
            continue
        shutil.rmtree(index, ignore_errors=True)
        try:
            built = run_worker(
                bench, name, "build", str(bench.corpus.files), bench.plan.build_timeout
            )
        except Failed as err:
            bench.missing[name] = f"build failed: {err}"
            bench.figures.put("build", name, str(err))
            continue
        print(f"  built {name}: {built['paragraphs']} paragraphs in {built['seconds']:.1f} s")
        bench.figures.put("build", name, built["paragraphs"] / built["seconds"])
        bench.figures.put("build wall", name, built["seconds"])
        bench.figures.put("build rss", name, built["rss"])
        bench.figures.put("paragraphs", name, built["paragraphs"])
    for name in bench.live():
        size = folder_bytes(bench.index_dir(name))
        bench.figures.put("index size", name, size / bench.corpus.text_bytes)


def measure_reindex(bench: Bench) -> None:
    if "corpusearch" not in bench.live():
        bench.figures.put("reindex", "corpusearch", bench.missing.get("corpusearch", "not run"))
        return
    try:
        again = run_worker(
            bench, "corpusearch", "build", str(bench.corpus.files), bench.plan.build_timeout
        )
        bench.figures.put("reindex", "corpusearch", again["seconds"])
    except Failed as err:
        bench.figures.put("reindex", "corpusearch", str(err))
    for name in PEERS:
        wall = bench.figures.get("build wall", name)
        if isinstance(wall, float | int):  # no incremental update: the peer builds again
            bench.figures.put("reindex", name, wall)


def write_queries(bench: Bench) -> Path:
    files = bench.corpus.files
    plan = {
        "queries": scale_corpus.make_queries(files, bench.plan.per_kind),
        "warmup": scale_corpus.make_queries(
            files, bench.plan.warmup_per_kind, seed=scale_corpus.SEED + 1
        ),
    }
    path = bench.corpus.folder / f"queries-{bench.plan.per_kind}.json"
    path.write_text(json.dumps(plan))
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


def measure_search(bench: Bench, queries: Path) -> None:
    timings: dict[str, dict[str, list[float]]] = {}
    rss: dict[str, float] = {}
    empty: dict[str, int] = {}
    order = bench.live()
    for round_number in range(ROUNDS):
        for name in order if round_number % 2 == 0 else order[::-1]:
            if name in bench.missing:
                continue
            try:
                done = run_worker(bench, name, "search", str(queries), bench.plan.step_timeout)
            except Failed as err:
                bench.missing[name] = f"search failed: {err}"
                continue
            mine = timings.setdefault(name, {kind: [] for kind in KINDS})
            for kind in KINDS:
                mine[kind] += done["timings"][kind]
            rss[name] = max(rss.get(name, 0.0), done["rss"])
            empty[name] = done["empty"]
    for name in bench.args.engines:
        for kind in KINDS:
            for label, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
                row = f"search {kind} {label}"
                if name in timings:
                    bench.figures.put(row, name, 1000 * percentile(timings[name][kind], share))
                else:
                    bench.figures.put(row, name, bench.missing.get(name, "not run"))
        if name in timings:
            every = [t for kind in KINDS for t in timings[name][kind]]
            bench.figures.put("search all p50", name, 1000 * statistics.median(every))
            bench.figures.put("search rss", name, rss[name])
            total = len(every) // ROUNDS
            bench.figures.notes.append(f"{name}: {empty[name]}/{total} warm queries found nothing")


def oneshot_command(bench: Bench, name: str, query: str) -> list[str]:
    index = bench.index_dir(name)
    if name == "corpusearch":
        return [str(CLI), "--index", str(index), "search", query, "--format", "json"]
    if name == "fts5" and shutil.which("sqlite3"):
        sql, params = Fts5Engine.statement({"kind": "keywords", "q": query})
        for value in params:
            sql = sql.replace("?", "'" + value.replace("'", "''") + "'", 1)
        return ["sqlite3", "-json", str(index / "fts5.sqlite"), sql]
    python = str(bench.pythons[name])
    return [python, str(SCRIPT), "--worker", name, "oneshot", str(index), query]


def measure_oneshot(bench: Bench, queries: Path) -> None:
    keywords = [
        q["q"] for q in json.loads(queries.read_text())["queries"] if q["kind"] == "keywords"
    ]
    chosen = keywords[: bench.plan.oneshots]
    for name in bench.args.engines:
        if name in bench.missing:
            bench.figures.put("oneshot", name, bench.missing[name])
            continue
        walls = []
        try:
            for query in chosen:
                start = time.perf_counter()
                run_child(oneshot_command(bench, name, query), bench.plan.step_timeout)
                walls.append(time.perf_counter() - start)
        except Failed as err:
            bench.figures.put("oneshot", name, str(err))
            continue
        bench.figures.put("oneshot", name, 1000 * statistics.median(walls))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, path: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise Failed(f"server not ready after {timeout:.0f} s")


@dataclass
class Load:
    """Requests made against one server with one query mix, pooled over rounds."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0


def drive(port: int, path: str, queries: Iterator[str], seconds: float, into: Load) -> None:
    """WEB_CLIENTS threads with one keep-alive connection each, asking ``queries`` in turn."""
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < deadline:
            with lock:
                query = next(queries, None)
            if query is None:
                break
            start = time.perf_counter()
            try:
                connection.request("GET", path + urlencode({"q": query}))
                response = connection.getresponse()
                response.read()
                bad += response.status != 200
            except OSError:
                bad += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            into.latencies.extend(mine)
            into.errors += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(WEB_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    into.seconds += time.perf_counter() - started


def web_queries(rng: random.Random) -> dict[str, list[str]]:
    """Distinct keyword queries (none asked twice) and a Zipf-repeated mix of them."""
    claims = [json.loads(line)["text"] for line in (scale_corpus.SCIFACT / "queries.jsonl").open()]
    pool: list[str] = []
    for claim in claims * 8:
        words = scale_corpus.content_words(claim) or ["cell"]
        pool.append(" ".join(rng.sample(words, min(len(words), rng.randint(1, 3)))))
    distinct = list(dict.fromkeys(pool))
    rng.shuffle(distinct)
    popular = distinct[: len(claims)]
    weights = [1 / rank for rank in range(1, len(popular) + 1)]
    return {"distinct": distinct, "zipf": rng.choices(popular, weights=weights, k=len(distinct))}


def server_command(bench: Bench, name: str, port: int) -> list[str]:
    index = str(bench.index_dir(name))
    if name == "corpusearch":
        return [str(CLI), "--index", index, "serve", "--port", str(port)]
    return [str(bench.pythons[name]), str(SCRIPT), "--worker", name, "serve", index, str(port)]


@dataclass(frozen=True)
class Target:
    column: str  # the table column
    engine: str
    path: str  # URL path before the query string


WEB_TARGETS = (
    Target("corpusearch", "corpusearch", "/?"),  # the HTML form, what people use
    Target("corpusearch api", "corpusearch", "/api/search?"),
    *(Target(peer, peer, "/search?") for peer in PEERS),
)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int


def start_server(bench: Bench, name: str) -> Server:
    port = free_port()
    command = server_command(bench, name, port)
    out = subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out)
    server = Server(process, port)
    try:
        probe = "/api/search?q=warm" if name == "corpusearch" else "/search?q=warm"
        wait_ready(port, probe, process, bench.plan.step_timeout)
    except Failed:
        stop_server(server)
        raise
    return server


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def measure_web(bench: Bench) -> None:
    """Every server runs at once (idle ones cost no CPU); each mix is driven in ROUNDS slices,
    the server order reversed each round, so a burst of outside load hits them alike."""
    targets = [t for t in WEB_TARGETS if t.engine in bench.args.engines]
    servers: dict[str, Server] = {}
    mixes = web_queries(random.Random(scale_corpus.SEED))
    try:
        for name in dict.fromkeys(t.engine for t in targets):
            if name in bench.missing:
                continue
            try:
                servers[name] = start_server(bench, name)
            except Failed as err:
                bench.missing[name] = f"server: {err}"
        live = [t for t in targets if t.engine in servers]
        for target in live:  # warm-up: open searchers, load templates
            drive(servers[target.engine].port, target.path, warm_queries(), 2.0, Load())
        loads = web_rounds(bench, live, servers, mixes)
    finally:
        for server in servers.values():
            stop_server(server)
    for target in targets:
        for mix in mixes:
            put_web(bench, target, mix, loads.get((target.column, mix)))


def warm_queries() -> Iterator[str]:
    return iter([f"warm {n}" for n in range(50)])


def web_rounds(
    bench: Bench, live: list[Target], servers: dict[str, Server], mixes: dict[str, list[str]]
) -> dict[tuple[str, str], Load]:
    loads: dict[tuple[str, str], Load] = {}
    cursors = {(t.column, mix): iter(queries) for t in live for mix, queries in mixes.items()}
    for round_number in range(ROUNDS):
        for target in live if round_number % 2 == 0 else live[::-1]:
            for mix in mixes:
                key = (target.column, mix)
                load = loads.setdefault(key, Load())
                seconds = bench.plan.web_seconds / ROUNDS
                drive(servers[target.engine].port, target.path, cursors[key], seconds, load)
    return loads


def put_web(bench: Bench, target: Target, mix: str, load: Load | None) -> None:
    rate, p99 = f"web {mix} rate", f"web {mix} p99"
    if load is None or not load.latencies:
        why = bench.missing.get(target.engine, "no request completed")
        bench.figures.put(rate, target.column, why)
        bench.figures.put(p99, target.column, why)
        return
    bench.figures.put(rate, target.column, len(load.latencies) / load.seconds)
    bench.figures.put(p99, target.column, 1000 * percentile(load.latencies, 0.99))
    if load.errors:
        bench.figures.notes.append(f"{target.column} web {mix}: {load.errors} errors")


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

# (row key, label, format, which is better)
ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("paragraphs", "paragraphs indexed", "{:.0f}", ""),
    ("build", "build throughput, paragraphs/s", "{:.0f}", "higher"),
    ("build wall", "build wall time, s", "{:.1f}", "lower"),
    ("build rss", "build peak RSS, MB", "{:.0f}", "lower"),
    ("index size", "index size / raw text size", "{:.2f}", "lower"),
    *(
        (f"search {kind} {p}", f"warm search {kind} {p}, ms", "{:.1f}", "lower")
        for kind in KINDS
        for p in ("p50", "p95", "p99")
    ),
    ("search all p50", "warm search all kinds p50, ms", "{:.1f}", "lower"),
    ("search rss", "search process peak RSS, MB", "{:.0f}", "lower"),
    ("oneshot", "one-shot search (start to exit), ms", "{:.0f}", "lower"),
    ("reindex", "re-index unchanged (peers: rebuild), s", "{:.1f}", "lower"),
    ("web distinct rate", "web distinct queries, req/s", "{:.1f}", "higher"),
    ("web distinct p99", "web distinct queries p99, ms", "{:.0f}", "lower"),
    ("web zipf rate", "web Zipf-repeated queries, req/s", "{:.1f}", "higher"),
    ("web zipf p99", "web Zipf-repeated queries p99, ms", "{:.0f}", "lower"),
)
COLUMNS = ("corpusearch", "corpusearch api", *PEERS)
HEADINGS = {"corpusearch api": "cs /api/"}  # the JSON API's column (web rows only)
LABEL_WIDTH = 40
CELL_WIDTH = 12


def cell(value: float | str | None, fmt: str) -> str:
    if isinstance(value, int | float):
        return fmt.format(value)
    return "n/a" if value else "-"


def report(bench: Bench) -> list[str]:
    """The table (corpusearch's ratio to each peer at the right) and the reasons for n/a."""
    lines = []
    head = f"{'figure':<{LABEL_WIDTH}} {'better':<7}"
    head += "".join(f"{HEADINGS.get(c, c):>{CELL_WIDTH}}" for c in COLUMNS)
    head += "".join(f"{'cs/' + p:>{CELL_WIDTH}}" for p in PEERS)
    lines.append(head)
    lines.append("-" * len(head))
    reasons: dict[tuple[str, str], int] = {}  # (column, reason) -> how many figures it blanks
    for key, label, fmt, better in ROWS:
        values = bench.figures.rows.get(key, {})
        row = f"{label:<{LABEL_WIDTH}} {better:<7}"
        row += "".join(f"{cell(values.get(c), fmt):>{CELL_WIDTH}}" for c in COLUMNS)
        ours = values.get("corpusearch")
        for peer in PEERS:
            theirs = values.get(peer)
            ok = isinstance(ours, float | int) and isinstance(theirs, float | int) and theirs
            ratio = f"{ours / theirs:.2f}x" if ok else "-"  # type: ignore[operator]
            row += f"{ratio:>{CELL_WIDTH}}"
        lines.append(row)
        for column, value in values.items():
            if isinstance(value, str) and not value.startswith("skipped"):
                reasons[column, value] = reasons.get((column, value), 0) + 1
    lines.append("")
    for (column, reason), count in reasons.items():
        lines.append(f"{column}: n/a ({reason}) [{count} figures]")
    return lines


def machine_facts() -> str:
    sqlite = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout
    return (
        f"machine: nproc {os.cpu_count()}, {platform.machine()}, Python "
        f"{platform.python_version()}, sqlite3 CLI {sqlite.split(' ')[0] or 'missing'}"
    )


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", choices=sorted(scale_corpus.SIZES), default="100k")
    parser.add_argument("--quick", action="store_true", help="the 10k size, fewer queries")
    parser.add_argument("--cache", type=Path, help="corpus folder (default /tmp/...-scale/SIZE)")
    parser.add_argument("--peers-venv", type=Path, default=Path("/tmp/corpusearch-peers-venv"))
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    parser.add_argument("--json", type=Path, help="also save the figures to this file")
    parser.add_argument(
        "--reuse-indexes", action="store_true", help="skip the builds if indexes exist"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.size = "10k"
    args.engines = [e for e in ENGINES if e in args.engines.split(",")]
    args.cache = args.cache or Path("/tmp/corpusearch-scale") / args.size
    return args


def prepare(args: argparse.Namespace) -> Bench:
    plan = PLANS[args.size]
    start = time.perf_counter()
    corpus = scale_corpus.cached(args.cache, scale_corpus.SIZES[args.size])
    print(
        f"corpus: {corpus.paragraphs} paragraphs in {corpus.articles} articles, "
        f"{corpus.text_bytes / MB:.1f} MB of text, {corpus.files} "
        f"(ready in {time.perf_counter() - start:.1f} s)"
    )
    pythons = {name: PROJECT_PYTHON for name in ENGINES}
    bench = Bench(args, plan, corpus, pythons)
    if any(name in PEER_PACKAGES for name in args.engines):
        why = setup_peers_venv(args.peers_venv, plan.step_timeout)
        for name in PEER_PACKAGES:
            pythons[name] = args.peers_venv / "bin" / "python"
            if why:
                bench.missing[name] = why
    return bench


def main(argv: list[str]) -> None:
    if argv[:1] == ["--worker"]:
        worker_main(argv[1:])
        return
    args = parse_args(argv)
    started = time.perf_counter()
    print(machine_facts())
    print(f"load average at start: {load()}")
    bench = prepare(args)
    print(f"cleaning check: {check_cleaning(bench)}")
    queries = write_queries(bench)
    steps: tuple[tuple[str, Callable[[], None]], ...] = (
        ("build", lambda: measure_builds(bench)),
        ("warm search", lambda: measure_search(bench, queries)),
        ("one-shot search", lambda: measure_oneshot(bench, queries)),
        ("re-index", lambda: measure_reindex(bench)),
        ("web", lambda: measure_web(bench)),
    )
    for title, step in steps:
        step_start = time.perf_counter()
        step()
        print(f"{title}: done in {time.perf_counter() - step_start:.0f} s (load {load()})")
    print()
    print("\n".join(report(bench)))
    for note in bench.figures.notes:
        print(f"note: {note}")
    print("ratios are corpusearch / peer; web ratios use corpusearch's HTML form (/?q=)")
    print(
        "the web Zipf mix repeats queries: corpusearch's server caches whole result pages, the "
        "peers' minimal servers cache nothing"
    )
    print(f"load average at end: {load()}; total {time.perf_counter() - started:.0f} s")
    if args.json:
        saved = {"size": args.size, "rows": bench.figures.rows, "notes": bench.figures.notes}
        args.json.write_text(json.dumps(saved, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
