"""Fuzzed queries against a real index: any failure is a CorpusearchError, never another exception.

Time is not asserted here: ``bench/fuzz_queries.py`` runs 10,000 queries and prints percentiles.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusearch import Corpus
from corpusearch.cli import cli
from corpusearch.errors import CorpusearchError
from fuzzkit import GLUED, PIECES, SEPARATORS

EXAMPLES = 300  # per test: enough to meet every piece many times, in a few seconds

pieces = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14)
glued = st.tuples(pieces, st.lists(st.sampled_from(SEPARATORS), min_size=14, max_size=14)).map(
    lambda both: "".join(piece + sep for piece, sep in zip(*both, strict=False)).strip(" ")
)
queries = st.one_of(glued, st.text(max_size=60), st.text(alphabet="*?~^()\"':-+ ", max_size=30))
dates = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["2017", "2017-07", "0000"]))


@settings(max_examples=EXAMPLES, deadline=None)
@given(query=queries, group=st.booleans(), sort=st.sampled_from(["relevance", "date"]))
def test_fuzzed_queries_fail_only_with_library_errors(
    corpus: Corpus, query: str, group: bool, sort: str
) -> None:
    try:
        result = corpus.search(query, group=group, sort=sort, limit=5)
    except CorpusearchError:
        return
    for hit in result.hits:
        hit.snippet.encode("utf-8")  # printable and servable as it is


@settings(max_examples=EXAMPLES // 3, deadline=None)
@given(
    query=queries,
    author=st.one_of(st.none(), st.text(max_size=12)),
    since=dates,
    until=dates,
)
def test_fuzzed_filters_fail_only_with_library_errors(
    corpus: Corpus, query: str, author: str | None, since: str | None, until: str | None
) -> None:
    try:
        corpus.search(query, author=author, since=since, until=until, limit=3)
    except CorpusearchError:
        return


@settings(max_examples=EXAMPLES // 3, deadline=None)
@given(query=queries.filter(lambda q: "\x00" not in q))
def test_fuzzed_queries_on_the_command_line_never_show_a_traceback(
    seed_index: Path, query: str
) -> None:
    result = CliRunner().invoke(
        cli, ["--index", str(seed_index), "search", "--no-color", "--", query]
    )
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "query", ["-x", "--help", "-", "--", "-Mosul", "\ud800~", "s* ANDMAYBE duvan", *GLUED]
)
def test_queries_of_known_trouble(corpus: Corpus, query: str) -> None:
    with suppress(CorpusearchError):
        corpus.search(query)
