"""Ranking (BM25F, Lucene idf) and safe queries on a bigger synthetic index built once."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest

from corpusearch import Corpus
from corpusearch.engine.query import MAX_NESTING, MAX_QUERY_CHARS
from corpusearch.engine.rewrite import term_weight
from corpusearch.engine.scoring import lucene_idf
from corpusearch.errors import QueryError
from corpusearch.records import Article, Paragraph

SYLLABLES = ["ka", "ri", "mo", "sel", "tan", "dor", "vu", "esh", "lin", "qa", "ber", "nou"]


def synthetic_articles(count: int = 300, paragraphs: int = 6) -> list[Article]:
    """Articles of made-up words with a Zipf-like spread, so some words are common, most rare."""
    rng = random.Random(4)
    vocabulary = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(3000)})
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    articles = []
    for number in range(count):
        body = tuple(
            Paragraph(i + 1, None, " ".join(rng.choices(vocabulary, weights, k=40)) + ".")
            for i in range(paragraphs)
        )
        title = " ".join(rng.choices(vocabulary, weights, k=5))
        articles.append(
            Article(id=f"a{number}", path=f"synthetic/{number}", title=title, paragraphs=body)
        )
    return articles


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """About 1,800 paragraphs of made-up words (read-only)."""
    corpus = Corpus(tmp_path_factory.mktemp("big") / "index")
    corpus.add(synthetic_articles())
    return corpus


def test_lucene_idf_is_never_negative() -> None:
    assert lucene_idf(100, 100) > 0
    assert lucene_idf(100, 1) > lucene_idf(100, 50)


def test_a_word_in_the_title_and_text_ranks_first(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.add(
        [
            Article("t", "p/t", "Kirkuk oil", (Paragraph(1, None, "Kirkuk oil exports resumed."),)),
            Article("x", "p/x", "Exports", (Paragraph(1, None, "Kirkuk oil exports resumed."),)),
            Article("y", "p/y", "Other", (Paragraph(1, None, "Oil prices fell in Basra."),)),
        ]
    )
    hits = corpus.search("Kirkuk oil").hits
    assert [hit.article for hit in hits] == ["t", "x", "y"]


def test_a_two_letter_word_counts_less_than_a_longer_one(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.add(
        [
            Article("de", "p/de", "One", (Paragraph(1, None, "De novo route."),)),
            Article("ri", "p/ri", "Two", (Paragraph(1, None, "A ribosome route was tried."),)),
            Article("z", "p/z", "Three", (Paragraph(1, None, "Nothing else was tried here."),)),
        ]
    )
    assert [hit.article for hit in corpus.search("de ribosome").hits] == ["ri", "de"]


def test_protected_acronyms_and_numbers_keep_full_weight() -> None:
    assert term_weight("US") == term_weight("12") == term_weight("sadr") == 1.0
    assert term_weight("no") < 1.0


def test_more_query_words_matched_ranks_higher(big: Corpus) -> None:
    hits = big.search("kari mosel tandor", limit=50).hits
    assert hits
    assert hits[0].score >= hits[-1].score


@pytest.mark.parametrize(
    "query",
    [
        "*",
        "*e*",
        "?a",
        "text:*",
        "title:*ka",
    ],
)
def test_leading_wildcards_are_refused(big: Corpus, query: str) -> None:
    with pytest.raises(QueryError, match="wildcard"):
        big.search(query)


@pytest.mark.parametrize(
    "query",
    ["k*", "ka*", "k?r*", "kari~9", "kari~", "karimo~2", "title:[a TO]", "text:[a TO z]", "{a TO}"],
)
def test_expensive_patterns_are_bounded_and_run(big: Corpus, query: str) -> None:
    result = big.search(query)
    assert result.total >= 0


def test_fuzzy_distance_is_capped_in_the_explanation(big: Corpus) -> None:
    from corpusearch.engine.query import plan_query

    plan = plan_query("karimosel~9", big.engine.searcher())
    assert any("~2" in line for line in plan.explain)


def test_query_length_limit(big: Corpus) -> None:
    with pytest.raises(QueryError, match=str(MAX_QUERY_CHARS)):
        big.search("k" * 100_000)
    big.search("kari " * (MAX_QUERY_CHARS // 5))


def test_deep_nesting_is_a_clear_error(big: Corpus) -> None:
    with pytest.raises(QueryError, match="nested"):
        big.search("(" * 200 + "kari" + ")" * 200)
    big.search("(" * MAX_NESTING + "kari" + ")" * MAX_NESTING)


@pytest.mark.parametrize(
    "query", ["AND", "OR OR", "NOT", '"', "(", ")", "^", "kari^", "kari^99999", ":", "~", "a:b:c"]
)
def test_odd_queries_do_not_crash(big: Corpus, query: str) -> None:
    with contextlib.suppress(QueryError):
        big.search(query)
