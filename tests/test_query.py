"""Queries on the seeds: spelling variants, acronyms, aliases and typos reach their paragraphs."""

from __future__ import annotations

import re

import pytest

from corpusearch import Corpus
from corpusearch.engine.aliases import Aliases
from corpusearch.engine.query import plan_query


def first_text(corpus: Corpus, query: str) -> str:
    result = corpus.search(query)
    assert result.hits, f"no hit for {query!r}"
    return result.hits[0].text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stabilization", r"stabilis"),  # the text says "stabilisation"/"stabilise"
        ("stabilisation", r"stabili[sz]"),
        ("program", r"programme"),
        ("organization", r"organi[sz]ation"),
    ],
)
def test_spelling_variants_find_each_other(corpus: Corpus, query: str, expected: str) -> None:
    assert re.search(expected, first_text(corpus, query), re.IGNORECASE)


def test_apostrophe_variants_and_accents_find_the_same_paragraphs(corpus: Corpus) -> None:
    plain = [hit.id for hit in corpus.search("Shiite", limit=50).hits]
    assert plain
    for variant in ("Shi'ite", "Shi’ite", "Shīʿite"):
        assert [hit.id for hit in corpus.search(variant, limit=50).hits] == plain


def test_hyphenated_name_found_by_part_and_whole(corpus: Corpus) -> None:
    whole = corpus.search('"al-Sadr"', limit=50)
    part = corpus.search("Sadr", limit=50)
    assert whole.hits and part.hits
    assert {hit.id for hit in whole.hits} <= {hit.id for hit in part.hits}
    assert all(re.search(r"al-Sadr", hit.text) for hit in whole.hits)


def test_capital_is_is_the_islamic_state_not_the_verb(corpus: Corpus) -> None:
    hits = corpus.search("IS", limit=100).hits
    assert hits
    for hit in hits:
        assert re.search(r"\bIS\b|Islamic State|ISIS|ISIL|Daesh", hit.text + hit.title)


def test_us_is_searchable(corpus: Corpus) -> None:
    assert any(re.search(r"\bUS\b", hit.text) for hit in corpus.search("US").hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ISIL", r"Islamic State|\bIS\b"),
        ("Daesh", r"Islamic State|\bIS\b"),
        ("Qasem Suleimani", r"Soleimani"),
        ("Kata'ib Hizballah", r"Kataib Hezbollah"),
        ("PMU", r"Hashd|Popular Mobili[sz]ation"),
    ],
)
def test_aliases_reach_the_names_the_text_uses(corpus: Corpus, query: str, expected: str) -> None:
    assert re.search(expected, first_text(corpus, query))


def test_literal_words_rank_above_aliases(corpus: Corpus) -> None:
    hit = corpus.search("Islamic State", limit=1).hits[0]
    assert "Islamic State" in hit.text


def test_alias_words_are_highlighted(corpus: Corpus) -> None:
    hit = corpus.search("Qasem Suleimani").hits[0]
    assert "<mark>Qassem Soleimani</mark>" in hit.snippet  # the alias, marked as its phrase


@pytest.mark.parametrize(("typo", "word"), [("Hezbolah", "Hezbollah"), ("Mosull", "Mosul")])
def test_typos_still_find_their_paragraphs(corpus: Corpus, typo: str, word: str) -> None:
    result = corpus.search(typo)
    assert result.hits
    assert word in result.hits[0].text
    assert result.suggestion == word.lower()


def test_a_word_matching_nothing_is_replaced_with_a_notice(corpus: Corpus) -> None:
    result = corpus.search("Hezbolah")
    assert any("'Hezbolah'" in notice and "hezbollah" in notice for notice in result.notices)


def test_in_a_long_query_an_unknown_word_is_suggested_not_replaced(corpus: Corpus) -> None:
    result = corpus.search("what the militias in Mosul and Baghdad said about Hezbolah fighters")
    assert result.suggestion is not None and "hezbollah" in result.suggestion
    assert result.notices == ()
    assert result.hits


def test_known_words_get_no_suggestion_or_notice(corpus: Corpus) -> None:
    result = corpus.search("Hezbollah Mosul")
    assert result.suggestion is None
    assert result.notices == ()


def test_explain_shows_analysis_and_expansion(corpus: Corpus) -> None:
    plan = plan_query("Shi'ite ISIL Hezbolah", corpus.engine.searcher())
    text = "\n".join(plan.explain)
    assert "Shi'ite -> shiit" in text
    assert "alias: isil -> Islamic State" in text
    assert "typo:" in text


def test_user_aliases_join_the_shipped_ones(corpus: Corpus) -> None:
    aliases = Aliases.from_groups([["Mosul"], ["Nineveh capital", "Mosul"]])
    plan = plan_query("Nineveh capital", corpus.engine.searcher(), aliases=aliases)
    assert "mosul" in plan.terms


def test_wildcards_are_bounded_to_vocabulary_terms(corpus: Corpus) -> None:
    result = corpus.search("stabili*")
    assert result.hits
    assert re.search(r"stabili", result.hits[0].text)


def test_a_name_whose_alias_matches_is_not_treated_as_a_typo(corpus: Corpus) -> None:
    result = corpus.search("Qasem Suleimani")  # the text spells it "Qassem Soleimani"
    assert result.notices == ()
    assert result.suggestion is None
    assert "Soleimani" in result.hits[0].text


def test_a_folded_word_with_matching_aliases_gets_no_suggestion(corpus: Corpus) -> None:
    result = corpus.search("Shī‘a")  # folds to "shia", an alias of "Shiite"
    assert result.suggestion is None
    assert result.notices == ()
    assert result.hits


@pytest.mark.parametrize("query", ["stabili*", "stabili?e", "stabil?ty", "Stabilis*"])
def test_wildcard_words_match_unstemmed_words_without_typo_fallback(
    corpus: Corpus, query: str
) -> None:
    result = corpus.search(query)
    assert result.notices == ()
    assert result.suggestion is None
    assert result.hits
    assert re.search(r"stabili", result.hits[0].text, re.IGNORECASE)


def test_a_field_name_is_not_taken_for_a_typo(corpus: Corpus) -> None:
    result = corpus.search("title:Mosull")
    assert result.suggestion == "title:mosul"
    assert result.hits
