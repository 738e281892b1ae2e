"""A real ``corpusearch index`` process killed at each phase of a run: after the next, completing run
the index must equal a fresh build of the same files (articles and shown articles, as JSON).

The kill points are not timed: ``engine/index.py`` exits with status 137 at the phase that
``CORPUSEARCH_CRASH_AT`` names, as SIGKILL would. ``bench/crash_test.py`` adds kills at random
moments, many cycles and random edits.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from crashkit import KILLED, differences, fresh_snapshot, run_index, snapshot
from seedpaths import FRANCE24, INSS, ROOT

PHASES = ("extract", "whoosh-commit", "lines-write", "after-commit")
HTML = ROOT / "tests" / "fixtures" / "html"


def _site(pages: Path) -> None:
    """Dumps that share a site's furniture (first and last lines) around different bodies."""
    pages.mkdir()
    inss, france = (path.read_text(encoding="utf-8").splitlines() for path in (INSS, FRANCE24))
    shutil.copy(INSS, pages / "inss.txt")
    shutil.copy(FRANCE24, pages / "france24.txt")
    (pages / "inss-sister.txt").write_text(
        "\n".join(inss[:40] + france[15:45] + inss[-30:]) + "\n", encoding="utf-8"
    )
    (pages / "france24-sister.txt").write_text(
        "\n".join(france[:12] + inss[120:200] + france[-10:]) + "\n", encoding="utf-8"
    )
    for name in ("article.html", "split_body.html", "nonascii.html"):
        shutil.copy(HTML / name, pages / name)
    (pages / "packed.html.gz").write_bytes(gzip.compress((HTML / "article.html").read_bytes()))


def _edit(pages: Path) -> None:
    """A new page sharing lines, a changed page, a removed page and a page that lost its text."""
    inss, france = (
        (pages / name).read_text(encoding="utf-8").splitlines()
        for name in ("inss.txt", "france24.txt")
    )
    body = [*france[20:40], "A new paragraph on the Mosul operation, long enough to be read."]
    (pages / "inss-third.txt").write_text(
        "\n".join([*inss[:40], *body, *inss[-30:]]) + "\n", encoding="utf-8"
    )
    with (pages / "france24.txt").open("a", encoding="utf-8") as page:
        page.write("\nAn added closing paragraph about the day after in Mosul, long enough.\n")
    (pages / "france24-sister.txt").unlink()
    (pages / "split_body.html").write_text("<html><body></body></html>", encoding="utf-8")


@pytest.mark.parametrize("first_build", [False, True], ids=["update", "first-build"])
@pytest.mark.parametrize("phase", PHASES)
def test_a_run_killed_at_a_phase_is_repaired_by_the_next(
    tmp_path: Path, phase: str, first_build: bool
) -> None:
    pages = tmp_path / "pages"
    index = tmp_path / "index"
    _site(pages)
    if not first_build:
        assert run_index(index, pages).returncode == 0
        _edit(pages)
    crashed = run_index(index, pages, crash_at=phase)
    assert crashed.returncode == KILLED, crashed.stderr
    completed = run_index(index, pages)
    assert completed.returncode == 0, completed.stderr
    assert differences(snapshot(index, pages), fresh_snapshot(pages, tmp_path / "fresh")) == []
