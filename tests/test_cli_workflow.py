"""The analyst's commands through click: saved, batch, cite, context, timeline."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import click
import pytest
import rispy
from click.testing import CliRunner

from corpusearch.cli import cli
from corpusearch.cli_workflow import COMMANDS
from test_saved import NEW_ARTICLE


@pytest.fixture(scope="module")
def main() -> click.Group:
    """The corpusearch group with the workflow commands (as cli.py registers them)."""
    return click.Group(
        name="corpusearch",
        params=cli.params,
        callback=cli.callback,
        commands={**cli.commands, **{command.name or "": command for command in COMMANDS}},
    )


def invoke(main: click.Group, index: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--index", str(index), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_saved_add_run_list_remove_across_a_reindex(
    main: click.Group, seeds_copy: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    invoke(main, index, "index", str(seeds_copy), "--quiet")
    invoke(main, index, "saved", "add", "kh", "Kataib Hezbollah", "--since", "2000")
    first = invoke(main, index, "saved", "run", "kh", "--no-color")
    assert first.startswith("kh: ") and "(first run: everything is new)" in first
    again = invoke(main, index, "saved", "run", "--no-color")
    assert again.startswith("kh: 0 new of ") and "\n1. " not in again
    shutil.copy(Path(__file__), seeds_copy / "ignored.py")  # unsupported: skipped
    (seeds_copy / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    invoke(main, index, "index", str(seeds_copy), "--quiet")
    runs = json.loads(invoke(main, index, "saved", "run", "kh", "--format", "json"))
    assert runs[0]["new"] == len(runs[0]["hits"]) >= 1
    assert {hit["title"] for hit in runs[0]["hits"]} == {"Kataib Hezbollah claims new drone strike"}
    listed = json.loads(invoke(main, index, "saved", "list", "--format", "json"))
    assert listed[0]["name"] == "kh" and listed[0]["filters"] == {"since": "2000"}
    assert "kh  'Kataib Hezbollah' --since '2000'" in invoke(main, index, "saved", "list")
    invoke(main, index, "saved", "remove", "kh")
    assert json.loads(invoke(main, index, "saved", "list", "--format", "json")) == []


def test_saved_errors_are_one_line(main: click.Group, seed_index: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy)
    result = CliRunner().invoke(main, ["--index", str(copy), "saved", "run", "nope"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: no saved search named 'nope' (list them with: corpusearch saved list)"
    )
    bad = CliRunner().invoke(main, ["--index", str(copy), "saved", "add", "x", "foo:bar"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_batch_writes_rows_and_reports_the_failing_query(
    main: click.Group, seed_index: Path, tmp_path: Path
) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("Sadr\nfoo:bar\nMaliki\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--index", str(seed_index), "batch", str(queries), "-n", "2", "--format", "csv"]
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["query"], row["rank"]) for row in rows] == [
        ("Sadr", "1"),
        ("Sadr", "2"),
        ("foo:bar", ""),
        ("Maliki", "1"),
        ("Maliki", "2"),
    ]
    assert "line 2: 'foo:bar':" in result.stderr
    assert "3 queries, 1 failed; 5 rows written" in result.stderr
    out = tmp_path / "rows.jsonl"
    invoke(main, seed_index, "batch", str(queries), "-n", "2", "--format", "jsonl", "-o", str(out))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5


def test_cite_a_paragraph_and_a_search(main: click.Group, seed_index: Path) -> None:
    search = json.loads(invoke(main, seed_index, "search", "Sadr", "--format", "json", "-n", "3"))
    paragraph = search["hits"][0]["id"]
    ris = rispy.loads(invoke(main, seed_index, "cite", paragraph))
    assert [entry["id"] for entry in ris] == [paragraph]
    bib = invoke(main, seed_index, "cite", paragraph, "--format", "bibtex")
    assert bib.startswith(f"@online{{{paragraph},")
    csl = json.loads(
        invoke(main, seed_index, "cite", "-q", "Sadr", "-n", "3", "--format", "csl-json")
    )
    assert [item["id"] for item in csl] == [hit["id"] for hit in search["hits"]]
    both = CliRunner().invoke(main, ["--index", str(seed_index), "cite"])
    assert both.exit_code == 2 and "not both" in both.output
    unknown = CliRunner().invoke(main, ["--index", str(seed_index), "cite", "nope-1"])
    assert unknown.exit_code == 1 and "no article" in unknown.stderr


def test_context_and_timeline(main: click.Group, seed_index: Path) -> None:
    hit = json.loads(invoke(main, seed_index, "search", "Sadr", "--format", "json"))["hits"][0]
    text = invoke(main, seed_index, "context", hit["id"], "-n", "1")
    assert f"> [{hit['position']}] " in text and f"  [{hit['position'] + 1}] " in text
    data = json.loads(invoke(main, seed_index, "context", hit["id"], "--format", "json"))
    assert sum(p["hit"] for p in data["paragraphs"]) == 1
    block = invoke(main, seed_index, "timeline", "Mosul")
    assert block.startswith("Timeline by ")
    timeline = json.loads(
        invoke(main, seed_index, "timeline", "Mosul", "--by", "year", "--format", "json")
    )
    assert timeline["unit"] == "year" and timeline["undated"] >= 0
