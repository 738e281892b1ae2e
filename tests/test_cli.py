"""The command line end to end, through click's CliRunner."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpusearch.cli import cli
from seedpaths import FRANCE24, INSS, SEEDS


def run(runner: CliRunner, index: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["--index", str(index), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_index_then_search_text(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, tmp_path / "ix", "index", str(SEEDS))
    assert code == 0 and "2 added" in err
    code, out, _ = run(runner, tmp_path / "ix", "search", "Muqtada al-Sadr", "--limit", "3")
    assert code == 0
    assert re.match(r'\d+ paragraphs match "Muqtada al-Sadr" \(showing 1-3\)', out)
    assert "1. The difficulty of drafting" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes


def test_search_json_shape(runner: CliRunner, seed_index: Path) -> None:
    code, out, _ = run(runner, seed_index, "search", "Muqtada al-Sadr", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= {"query", "total", "hits", "suggestion"}
    hit = data["hits"][0]
    assert set(hit) >= {
        "id",
        "article",
        "position",
        "title",
        "authors",
        "date",
        "topics",
        "source",
        "section",
        "text",
        "snippet",
        "score",
    }
    assert "<mark>Muqtada al-Sadr</mark>" in hit["snippet"]


def test_search_filters_and_paging(runner: CliRunner, seed_index: Path) -> None:
    args = ["search", "Iraq", "--author", "Shavit", "--since", "2017-01", "--format", "json"]
    data = json.loads(run(runner, seed_index, *args, "--limit", "2", "--page", "2")[1])
    assert len(data["hits"]) == 2 and data["page"] == 2
    assert all(hit["source"] == "INSS" for hit in data["hits"])


def test_articles_and_show(runner: CliRunner, seed_index: Path) -> None:
    code, out, _ = run(runner, seed_index, "articles", "--format", "json")
    listing = json.loads(out)
    assert code == 0 and len(listing) == 2
    assert set(listing[0]) >= {
        "id",
        "title",
        "authors",
        "date",
        "topics",
        "source",
        "path",
        "paragraphs",
    }
    inss = next(a for a in listing if a["source"] == "INSS")
    code, out, _ = run(runner, seed_index, "show", inss["id"])
    assert code == 0 and "[1] Supported by the US-led coalition" in out
    shown = json.loads(run(runner, seed_index, "show", inss["id"], "--format", "json")[1])
    assert shown["paragraphs"][0]["position"] == 1 and shown["title"] == inss["title"]
    code, out, _ = run(runner, seed_index, "articles")
    assert inss["id"] in out and "INSS" in out


def test_clean_json_is_one_object_per_file_in_order(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = runner.invoke(cli, ["clean", str(FRANCE24), str(bad), str(INSS), "--format", "json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("source") for line in lines] == ["France 24", None, "INSS"]
    assert lines[1]["error"].endswith("empty file")
    assert result.exit_code == 1 and "1 of 3 files could not be cleaned" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "nosuch:field"], "unknown field 'nosuch'"),
        (["search", "Iraq", "--since", "July 2017"], "is not a date"),
        (["search", "*"], "wildcard"),
        (["search", ""], "empty"),
        (["show", "0000"], "no article with id"),
    ],
)
def test_errors_are_one_line_without_traceback(
    runner: CliRunner, seed_index: Path, args: list[str], message: str
) -> None:
    code, out, err = run(runner, seed_index, *args)
    assert code != 0
    assert message in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_missing_index_outside_the_project_says_how_to_build(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, _, err = run(runner, tmp_path / "none", "search", "Mosul")
    assert code == 1 and "no index at" in err and "corpusearch index" in err


def test_search_in_a_project_folder_builds_the_index_from_seeds(
    runner: CliRunner, tmp_path: Path
) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(
            cli, ["search", "Mosul", "--limit", "1"], env={"CORPUSEARCH_INDEX": None}
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert "building ./index from seeds/" in result.stderr
    assert (tmp_path / "index").is_dir() and "paragraphs match" in result.stdout


def test_index_reports_bad_files_and_continues(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_text("")
    code, _, err = run(runner, tmp_path / "ix", "index", str(folder))
    assert code == 0
    assert "skipped" in err and "empty.txt: empty file" in err and "2 added" in err


def test_index_fails_when_nothing_could_be_indexed(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, tmp_path / "ix", "index", str(tmp_path / "missing"))
    assert code == 1 and "no such file or directory" in err


def test_version_and_module_entry_point(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "corpusearch" in result.stdout


def test_clean_expands_folders(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["clean", str(SEEDS), "--format", "json"])
    assert result.exit_code == 0
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [
        "INSS",
        "France 24",
    ]


def test_a_damaged_index_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, tmp_path / "ix", "index", str(SEEDS))
    for toc in (tmp_path / "ix").glob("*.toc"):
        toc.write_bytes(b"garbage")
    code, out, err = run(runner, tmp_path / "ix", "search", "Mosul")
    assert code == 1 and "cannot open the index" in err and "Traceback" not in err + out


def test_user_aliases_file_and_explain(runner: CliRunner, seed_index: Path, tmp_path: Path) -> None:
    aliases = tmp_path / "mine.toml"
    aliases.write_text('[[group]]\nnames = ["Zorblax", "Khazali"]\n')
    code, out, err = run(
        runner, seed_index, "search", "Zorblax", "--aliases", str(aliases), "--explain"
    )
    assert code == 0 and "Khazali" in out
    assert "explain:" in err and "alias" in err
    code, _, err = run(runner, seed_index, "search", "x", "--aliases", str(tmp_path / "none.toml"))
    assert code != 0 and "Traceback" not in err


def test_clean_prints_the_ids_the_index_uses(runner: CliRunner, tmp_path: Path) -> None:
    index = tmp_path / "elsewhere" / "ix"
    run(runner, index, "index", str(SEEDS))
    listing = json.loads(run(runner, index, "articles", "--format", "json")[1])
    cleaned = json.loads(run(runner, index, "clean", str(INSS), "--format", "json")[1])
    assert cleaned["id"] in {article["id"] for article in listing}
