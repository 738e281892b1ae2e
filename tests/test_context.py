"""Hits in context: a paragraph and its neighbours."""

from __future__ import annotations

import pytest

from corpusearch import Corpus
from corpusearch.context import MAX_CONTEXT, context, split_paragraph_id
from corpusearch.errors import ArticleNotFoundError


def test_a_hit_comes_with_n_paragraphs_either_side(corpus: Corpus) -> None:
    hit = corpus.search("Muqtada al-Sadr", limit=1).hits[0]
    window = context(corpus, hit.id, 2)
    positions = [p.position for p in window.article.paragraphs]
    assert positions == list(range(hit.position - 2, hit.position + 3))
    assert window.paragraph.text == hit.text and window.id == hit.id
    data = window.to_json()
    assert [p["hit"] for p in data["paragraphs"]] == [False, False, True, False, False]
    assert data["article"]["title"] == hit.title
    assert f"> [{hit.position}] {hit.text}" in window.text()


def test_the_window_stops_at_the_article_edges(corpus: Corpus) -> None:
    summary = corpus.articles()[0]
    first = context(corpus, f"{summary.id}-1", 3)
    assert [p.position for p in first.article.paragraphs] == [1, 2, 3, 4]
    last = context(corpus, f"{summary.id}-{summary.paragraphs}", 1)
    assert [p.position for p in last.article.paragraphs] == [
        summary.paragraphs - 1,
        summary.paragraphs,
    ]
    alone = context(corpus, f"{summary.id}-2", 0)
    assert [p.position for p in alone.article.paragraphs] == [2]
    wide = context(corpus, f"{summary.id}-1", 10_000)
    assert len(wide.article.paragraphs) == min(summary.paragraphs, MAX_CONTEXT + 1)


@pytest.mark.parametrize("bad", ["nope", "x-", "-3", "nosuch-1"])
def test_unknown_ids_are_library_errors(corpus: Corpus, bad: str) -> None:
    with pytest.raises(ArticleNotFoundError):
        context(corpus, bad)


def test_a_paragraph_beyond_the_article_is_an_error(corpus: Corpus) -> None:
    summary = corpus.articles()[0]
    with pytest.raises(ArticleNotFoundError, match="no paragraph"):
        context(corpus, f"{summary.id}-{summary.paragraphs + 1}")
    assert split_paragraph_id("a-b-12") == ("a-b", 12)
