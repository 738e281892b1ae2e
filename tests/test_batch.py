"""Batch search: lists of queries, a failing query reported in its row, rows out as CSV/JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from corpusearch import Corpus
from corpusearch.batch import (
    COLUMNS,
    MAX_QUERIES,
    BatchError,
    BatchQuery,
    BatchResult,
    batch_search,
    parse_queries,
    read_queries,
    write_results,
)
from corpusearch.errors import IndexNotFoundError, UnreadableFileError

MALFORMED = "nosuchfield:militias"


def two_hundred_queries(corpus: Corpus) -> list[str]:
    """199 words of the seed articles and, in the middle, a query naming an unknown field."""
    words: list[str] = []
    for summary in corpus.articles():
        for paragraph in corpus.article(summary.id).paragraphs:
            for word in re.findall(r"[A-Za-z]{5,}", paragraph.text):
                if word.lower() not in {w.lower() for w in words}:
                    words.append(word)
    assert len(words) >= 199
    queries = words[:199]
    queries.insert(100, MALFORMED)
    return queries


def test_a_batch_of_200_queries_with_a_malformed_one_runs_to_the_end(corpus: Corpus) -> None:
    queries = two_hundred_queries(corpus)
    seen: list[BatchResult] = []
    results = list(batch_search(corpus, queries, limit=3, progress=seen.append))
    assert len(results) == 200 and seen == results
    assert [r.query for r in results] == queries
    failed = [r for r in results if r.error]
    assert [(r.line, r.query) for r in failed] == [(101, MALFORMED)]
    assert "nosuchfield" in (failed[0].error or "")
    assert sum(1 for r in results if r.total) >= 195  # words of the articles match
    for result in results:
        if not result.error:
            assert result.total == corpus.search(result.query, limit=1).total
            assert len(result.hits) == min(result.total, 3)


def test_rows_carry_query_rank_score_id_citation_and_snippet(corpus: Corpus) -> None:
    results = list(batch_search(corpus, ["Sadr", MALFORMED, "zzzzqqq"], limit=2, source="France"))
    buffer = io.StringIO()
    assert write_results(results, "csv", buffer) == 4
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["query"], r["rank"]) for r in rows] == [
        ("Sadr", "1"),
        ("Sadr", "2"),
        (MALFORMED, ""),
        ("zzzzqqq", ""),
    ]
    first = rows[0]
    assert first["id"].startswith(first["article"]) and float(first["score"]) > 0
    assert first["source"] == "France 24" and "Sadr" in first["snippet"]
    assert "<mark>" not in first["snippet"] and first["paragraph"] in first["citation"]
    assert rows[2]["error"] and not rows[3]["error"] and rows[3]["total"] == "0"


def test_json_and_jsonl_hold_the_same_rows(corpus: Corpus) -> None:
    results = list(batch_search(corpus, ["Mosul", "Maliki"], limit=2))
    as_json, as_jsonl = io.StringIO(), io.StringIO()
    write_results(results, "json", as_json)
    write_results(results, "jsonl", as_jsonl)
    rows = json.loads(as_json.getvalue())
    assert rows == [json.loads(line) for line in as_jsonl.getvalue().splitlines()]
    assert len(rows) == 4 and rows[0]["query"] == "Mosul" and rows[0]["rank"] == 1
    empty = io.StringIO()
    write_results([], "json", empty)
    assert json.loads(empty.getvalue()) == []
    with pytest.raises(BatchError):
        write_results([], "xlsx", io.StringIO())


def test_only_a_missing_index_stops_the_batch(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "none")
    with pytest.raises(IndexNotFoundError):
        list(batch_search(corpus, ["a", "b"]))


def test_bad_filter_is_reported_per_row(corpus: Corpus) -> None:
    results = list(batch_search(corpus, ["Mosul", "Iraq"], since="yesterday"))
    assert all(r.error and "yesterday" in r.error for r in results)


def test_lists_are_read_as_lines_or_a_csv_column(tmp_path: Path) -> None:
    lines = tmp_path / "names.txt"
    lines.write_text(
        "\ufeffKataib Hezbollah\n\n# a comment\n  Muqtada   al-Sadr \n", encoding="utf-8"
    )
    assert read_queries(lines) == (
        BatchQuery(1, "Kataib Hezbollah"),
        BatchQuery(4, "Muqtada al-Sadr"),
    )
    table = tmp_path / "names.csv"
    table.write_text('name,query\nA,"Sadr, Muqtada"\nB,\nC,Maliki\n', encoding="utf-8")
    assert read_queries(table) == (BatchQuery(2, "Sadr, Muqtada"), BatchQuery(4, "Maliki"))
    assert read_queries(table, csv_column="name")[0] == BatchQuery(2, "A")
    with pytest.raises(BatchError, match="no column"):
        read_queries(table, csv_column="nope")
    assert parse_queries("only\n", is_csv=True) == ()  # a header and nothing else
    with pytest.raises(BatchError, match="at most"):
        parse_queries("x\n" * (MAX_QUERIES + 1))
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(UnreadableFileError):
        read_queries(binary)
    with pytest.raises(UnreadableFileError):
        read_queries(tmp_path / "missing.txt")
