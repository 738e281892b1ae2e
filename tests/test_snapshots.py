"""Exact JSON output of the commands scripts rely on, and an index written by release 0.1.

The snapshots pin the README's JSON contracts field for field (not as key supersets). When a
change is meant to alter them (a ranking change, a new field), regenerate them with
``CORPUSEARCH_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py`` and say why in the commit.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from corpusearch import Corpus
from corpusearch.cli import cli
from seedpaths import ROOT, SEEDS

SNAPSHOTS = Path(__file__).parent / "snapshots"
FIXTURE_INDEX = Path(__file__).parent / "fixtures" / "index_v0_1"
UPDATE = os.environ.get("CORPUSEARCH_UPDATE_SNAPSHOTS") == "1"

COMMANDS: dict[str, list[str]] = {
    "search_sadr": ["search", "Muqtada al-Sadr", "--format", "json", "--limit", "3"],
    "search_typo": ["search", "Hezbolah", "--format", "json"],
    "search_grouped": ["search", "ISIL", "--group", "--format", "json", "--limit", "2"],
    "search_filtered": [
        "search",
        "Iraq",
        "--author",
        "Shavit",
        "--since",
        "2017",
        "--format",
        "json",
        "--limit",
        "2",
    ],
    "articles": ["articles", "--format", "json"],
    "show_inss": ["show", "3a154be278cc", "--format", "json"],
}


def normalised(text: str, *roots: Path) -> Any:
    """JSON output with the machine's paths replaced by placeholders (CI clones elsewhere)."""
    for number, root in enumerate(roots):
        text = text.replace(json.dumps(str(root))[1:-1], f"<ROOT{number}>")
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        return json.loads(text)
    except ValueError:
        return [json.loads(line) for line in lines]


def check(name: str, value: Any) -> None:
    path = SNAPSHOTS / f"{name}.json"
    if UPDATE or not path.exists():
        path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing snapshot {path.name}; check it in")
    assert value == json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("snap")
    shutil.copytree(SEEDS, work / "seeds")
    result = CliRunner().invoke(cli, ["--index", str(work / "index"), "index", str(work / "seeds")])
    assert result.exit_code == 0, result.output
    return work


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_json_snapshot(indexed: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["--index", str(indexed / "index"), *COMMANDS[name]])
    assert result.exit_code == 0, result.output
    check(name, normalised(result.stdout, indexed.resolve(), ROOT))


def test_clean_snapshot(indexed: Path) -> None:
    files = sorted(str(path) for path in (indexed / "seeds").iterdir())
    result = CliRunner().invoke(
        cli, ["--index", str(indexed / "index"), "clean", *files, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    check("clean_seeds", normalised(result.stdout, indexed.resolve(), ROOT))


def test_index_of_release_0_1_asks_to_be_rebuilt(tmp_path: Path) -> None:
    """An index written by release 0.1 (analyzers pickled under their old module paths) opens,
    and a search says in one line how to bring it up to date."""
    shutil.copytree(FIXTURE_INDEX, tmp_path / "index")
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "index"), "search", "Sadr"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "built by another version" in result.stderr and "corpusearch index" in result.stderr


def test_index_of_release_0_1_is_rebuilt_by_index(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_INDEX, tmp_path / "index")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = CliRunner().invoke(
        cli, ["--index", str(tmp_path / "index"), "index", str(tmp_path / "seeds")]
    )
    assert result.exit_code == 0, result.output
    corpus = Corpus(tmp_path / "index")
    try:
        assert len(corpus.articles()) == 2
        result = corpus.search("Muqtada al-Sadr", limit=3)
        assert result.total == 5  # "al" alone no longer matches (al-Maliki, al-Abadi)
        assert result.hits[0].id == "256b36083e72-15"
        assert "<mark>Muqtada al-Sadr</mark>" in result.hits[0].snippet
    finally:
        corpus.close()


def test_new_index_refers_to_registered_names_only(indexed: Path) -> None:
    """The pickled schema names corpusearch.stored, never where the analysis code lives."""
    toc = b"".join(path.read_bytes() for path in (indexed / "index").glob("*.toc"))
    assert b"corpusearch.stored" in toc
    assert b"corpusearch.engine" not in toc and b"corpusearch.analysis" not in toc
