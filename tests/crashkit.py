"""Tools of the crash tests: run a real ``corpusearch index`` process, kill it, and compare the index
it leaves (after a completing run) with a fresh build of the same files, through the CLI's JSON.

Shared by ``tests/test_crash.py`` and ``bench/crash_test.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from corpusearch.cli import cli

__all__ = [
    "CRASH_ENV",
    "KILLED",
    "Snapshot",
    "differences",
    "fresh_snapshot",
    "index_command",
    "kill_after",
    "run_index",
    "snapshot",
]

CRASH_ENV = "CORPUSEARCH_CRASH_AT"  # engine/index.py calls os._exit(KILLED) at the named phase
KILLED = 137  # what a shell reports for a process killed by SIGKILL (128 + 9)
RUN_TIMEOUT = 600.0  # seconds: far beyond any run of the crash corpora, a hang is a failure

Snapshot = dict[str, dict[str, Any]]  # article id -> its summary and its shown article


def index_command(index: Path, pages: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "corpusearch",
        "--index",
        str(index),
        "index",
        "--quiet",
        str(pages),
    ]


def _env(crash_at: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != CRASH_ENV}
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    return env


def run_index(
    index: Path, pages: Path, *, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    """One real ``corpusearch index`` process, to its end (or to the crash it was told to have)."""
    return subprocess.run(
        index_command(index, pages),
        env=_env(crash_at),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def kill_after(index: Path, pages: Path, seconds: float) -> tuple[int, float]:
    """Start a real ``corpusearch index`` and SIGKILL it after ``seconds``, unless it ends first.

    The whole process group is killed, as a crash of the machine would: a worker process that
    outlived its parent would hold the index's write lock (inherited) until it ends.

    Returns its exit status (``-9`` when the kill landed) and how long it ran.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        index_command(index, pages),
        env=_env(None),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: worker processes die with it
    )
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return process.returncode, time.perf_counter() - started


def _cli_json(index: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--index", str(index), *args, "--format", "json"])
    if result.exit_code != 0:
        raise RuntimeError(f"corpusearch {' '.join(args)} failed: {result.output.strip()}")
    return json.loads(result.output)


def snapshot(index: Path, pages: Path) -> Snapshot:
    """Every article as ``articles --format json`` and ``show ID --format json`` print it."""
    prefix = str(pages.resolve())

    def normal(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(prefix, "<pages>")
        if isinstance(value, dict):
            return {key: normal(item) for key, item in value.items()}
        if isinstance(value, list):
            return [normal(item) for item in value]
        return value

    return {
        summary["id"]: normal(
            {"summary": summary, "article": _cli_json(index, "show", summary["id"])}
        )
        for summary in _cli_json(index, "articles")
    }


def fresh_snapshot(pages: Path, fresh: Path) -> Snapshot:
    """Build an index of ``pages`` from nothing at ``fresh`` (a sibling of the index under test,
    so that article ids, which hash paths relative to the index's parent, are the same)."""
    shutil.rmtree(fresh, ignore_errors=True)
    done = run_index(fresh, pages)
    if done.returncode != 0:
        raise RuntimeError(f"the fresh build failed: {done.stderr.strip()}")
    return snapshot(fresh, pages)


def differences(got: Snapshot, want: Snapshot) -> list[str]:
    """What differs between an index and a fresh build, one line per article."""
    lines = [f"missing {want[key]['summary']['path']}" for key in sorted(want.keys() - got.keys())]
    lines += [f"extra {got[key]['summary']['path']}" for key in sorted(got.keys() - want.keys())]
    for key in sorted(got.keys() & want.keys()):
        if got[key] != want[key]:
            lines.append(
                f"differs {want[key]['summary']['path']}: {_what_differs(got[key], want[key])}"
            )
    return lines


def _what_differs(got: dict[str, Any], want: dict[str, Any]) -> str:
    fields = [
        name for name in want["article"] if got["article"].get(name) != want["article"].get(name)
    ]
    if "paragraphs" in fields:
        mine = {p["text"] for p in got["article"]["paragraphs"]}
        theirs = {p["text"] for p in want["article"]["paragraphs"]}
        return (
            f"{', '.join(fields)} ({len(got['article']['paragraphs'])} paragraphs, fresh"
            f" {len(want['article']['paragraphs'])}; {len(mine - theirs)} only here,"
            f" {len(theirs - mine)} only fresh)"
        )
    return ", ".join(fields) or "summary"
