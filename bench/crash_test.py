"""Kill a real ``corpusearch index`` many times, with edits between runs, and count the outcomes that
differ from a fresh build of the same files.

A corpus of pages from ``../shared/eval/aeb`` (text dumps, many of them sharing their site's
furniture, and gzipped HTML pages) is indexed, then each cycle: random edits (a page added,
changed, deleted, copied with a change, or emptied), a run killed (every other cycle at a phase
named by ``CORPUSEARCH_CRASH_AT``, the others by SIGKILL at a random moment of the run), a
completing run, and a comparison of every article (``articles`` and ``show ID`` as JSON, paths
normalised) with a fresh build. The index is never reset: a divergence that a later run does not
repair is counted again. The first cycle kills the first build.
Usage: ``python bench/crash_test.py [--kills 30] [--seed 1] [--dumps 40] [--html 8] [--aeb DIR] [--random-only] [--keep]``.
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from signal import SIGKILL

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from crashkit import (  # noqa: E402
    KILLED,
    differences,
    fresh_snapshot,
    kill_after,
    run_index,
    snapshot,
)

AEB = REPO.parent / "shared" / "eval" / "aeb"
PHASES = ("extract", "whoosh-commit", "lines-write", "after-commit")
KILLS = 30  # the bar: at least 30 kills
DUMPS = 40  # pages in the first corpus (the others are added by edits)
HTML = 8
MIN_PAGES = 10  # deletions stop here, so that the corpus never empties
MAX_EDITS = 4  # per cycle
MIN_DELAY = 0.2  # seconds: a random kill lands after the interpreter has started
MAX_CYCLES_PER_KILL = 3  # give up when kills keep missing (runs ending before their kill)
SHOWN = 8  # differing articles printed per cycle
RECENT_RUNS = 5  # runs whose median time bounds a random kill's moment


class Corpus:
    """The page folder under test and the pool of pages not yet in it."""

    def __init__(self, aeb: Path, pages: Path, rng: random.Random, dumps: int, html: int) -> None:
        self.pages = pages
        self.rng = rng
        all_dumps = sorted((aeb / "dumps").glob("*.txt"))
        all_html = sorted((aeb / "html").glob("*.html.gz"))
        if len(all_dumps) < MIN_PAGES:
            raise SystemExit(f"no page dumps under {aeb / 'dumps'} (see --aeb)")
        rng.shuffle(all_dumps)
        rng.shuffle(all_html)
        pages.mkdir(parents=True)
        for source in all_dumps[:dumps] + all_html[:html]:
            shutil.copy(source, pages / source.name)
        self.pool = all_dumps[dumps:] + all_html[html:]
        self.copies = 0

    def files(self) -> list[Path]:
        return sorted(self.pages.iterdir())

    def edit(self) -> list[str]:
        actions: list[tuple[str, Callable[[], str | None], int]] = [
            ("add", self.add, 3),
            ("change", self.change, 4),
            ("delete", self.delete, 2),
            ("copy", self.copy, 2),
            ("empty", self.empty, 1),
        ]
        done: list[str] = []
        for _ in range(self.rng.randint(1, MAX_EDITS)):
            name, action, _ = self.rng.choices(actions, weights=[w for *_, w in actions])[0]
            target = action()
            if target is not None:
                done.append(f"{name} {target}")
        return done

    def add(self) -> str | None:
        if not self.pool:
            return None
        source = self.pool.pop(self.rng.randrange(len(self.pool)))
        shutil.copy(source, self.pages / source.name)
        return source.name[:12]

    def delete(self) -> str | None:
        files = self.files()
        if len(files) <= MIN_PAGES:
            return None
        victim = self.rng.choice(files)
        victim.unlink()
        return victim.name[:12]

    def change(self) -> str | None:
        page = self.rng.choice(self.files())
        lines = _lines(page)
        if not lines:
            return None
        how = self.rng.choice(["append", "word", "borrow"])
        at = self.rng.randrange(len(lines))
        if how == "append":
            lines.append(_sentence(self.rng))
        elif how == "word":
            lines[at] = lines[at].replace(" the ", " a ", 1) + " (updated)"
        else:  # a line of another page: shared lines turn into furniture elsewhere
            other = _lines(self.rng.choice(self.files()))
            if other:
                lines.insert(at, self.rng.choice(other))
        _write_lines(page, lines)
        return f"{page.name[:12]} ({how})"

    def copy(self) -> str | None:
        page = self.rng.choice(self.files())
        self.copies += 1
        twin = self.pages / f"copy{self.copies}-{page.name}"
        shutil.copy(page, twin)
        if self.rng.random() < 0.5:  # a near-copy: one sentence more
            _write_lines(twin, [*_lines(twin), _sentence(self.rng)])
        return f"{page.name[:12]} -> {twin.name[:18]}"

    def empty(self) -> str | None:
        files = self.files()
        if len(files) <= MIN_PAGES:
            return None
        page = self.rng.choice(files)
        _write_lines(page, [])
        return page.name[:12]


def _lines(page: Path) -> list[str]:
    raw = page.read_bytes()
    if page.name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return []
    return raw.decode("utf-8", "replace").splitlines()


def _write_lines(page: Path, lines: list[str]) -> None:
    raw = ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
    if page.name.endswith(".gz"):
        raw = gzip.compress(raw)
    page.write_bytes(raw)


WORDS = [
    "the",
    "militia",
    "said",
    "on",
    "Thursday",
    "that",
    "forces",
    "near",
    "Mosul",
    "would",
    "hold",
    "talks",
    "with",
    "Baghdad",
]


def _sentence(rng: random.Random) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(14, 30)))
    html = f"<p>{body.capitalize()}.</p>"
    return html if rng.random() < 0.3 else f"{body.capitalize()}."


def crash(
    index: Path,
    pages: Path,
    cycle: int,
    rng: random.Random,
    estimate: float,
    random_only: bool,
) -> tuple[str, str, bool, float]:
    """Run ``corpusearch index`` and kill it: how and when, whether it died before its end, and
    how long it ran."""
    if cycle % 2 == 0 and not random_only:
        phase = PHASES[(cycle // 2) % len(PHASES)]
        started = time.perf_counter()
        killed = run_index(index, pages, crash_at=phase).returncode == KILLED
        return f"phase {phase}", "", killed, time.perf_counter() - started
    delay = rng.uniform(MIN_DELAY, max(estimate, MIN_DELAY * 2))
    status, seconds = kill_after(index, pages, delay)
    return "random", f" {delay:.2f} s", status == -SIGKILL, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=KILLS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dumps", type=int, default=DUMPS)
    parser.add_argument("--html", type=int, default=HTML)
    parser.add_argument("--aeb", type=Path, default=AEB, help="the evaluation pages' folder")
    parser.add_argument(
        "--random-only", action="store_true", help="no phase kills (before the hook exists)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="crash-test-"))
    pages, index, fresh = work / "pages", work / "index", work / "fresh"
    corpus = Corpus(args.aeb, pages, rng, args.dumps, args.html)
    started = time.perf_counter()
    kills: Counter[str] = Counter()
    divergent = 0
    # seconds that runs doing a cycle's work took: a killed run's completing run, or a run that
    # ended before its kill (a guess until one is measured; the first build is left out)
    durations = [3.0]
    cycle = 0
    while sum(kills.values()) < args.kills and cycle < args.kills * MAX_CYCLES_PER_KILL:
        edits = corpus.edit() if cycle else ["(first build)"]
        # a random kill falls within the time a run doing a cycle's work has taken lately
        estimate = statistics.median(durations[-RECENT_RUNS:])
        kind, when, landed, ran = crash(index, pages, cycle, rng, estimate, args.random_only)
        kills[kind] += landed
        how = kind + when + (": killed" if landed else ": ran to its end")
        run_started = time.perf_counter()
        completed = run_index(index, pages)
        completing = time.perf_counter() - run_started
        if cycle:
            durations.append(completing if landed else ran)
        if completed.returncode != 0:
            lines = [f"completing run failed: {completed.stderr.strip().splitlines()[-1:]}"]
        else:
            lines = differences(snapshot(index, pages), fresh_snapshot(pages, fresh))
        divergent += bool(lines)
        print(
            f"cycle {cycle:2}: {len(corpus.files())} pages; {'; '.join(edits)}; {how};"
            f" completing run {completing:.1f} s; {len(lines)} articles differ",
            flush=True,
        )
        for line in lines[:SHOWN]:
            print(f"    {line}", flush=True)
        if len(lines) > SHOWN:
            print(f"    ... and {len(lines) - SHOWN} more", flush=True)
        cycle += 1
    print(
        f"\n{cycle} cycles, {sum(kills.values())} kills landed ({', '.join(f'{k}: {n}' for k, n in sorted(kills.items()))}),"
        f" {divergent} divergent outcomes (cycles whose index differed from a fresh build)"
        f" in {time.perf_counter() - started:.0f} s"
    )
    if args.keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
