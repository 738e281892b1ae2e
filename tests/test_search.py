"""Searching the seed index: ranking, snippets, filters, paging, query syntax."""

from __future__ import annotations

import re

import pytest

from corpusearch import BadDateError, Corpus, QueryError, UnknownFieldError
from corpusearch.engine.search import snippet


def test_best_paragraph_first_with_highlighted_snippet(corpus: Corpus) -> None:
    result = corpus.search("Muqtada al-Sadr")
    top = result.hits[0]
    assert "Muqtada al-Sadr" in top.text
    assert "<mark>Muqtada al-Sadr</mark>" in top.snippet  # the name, as its alias phrase
    assert top.source and top.title and top.id == f"{top.article}-{top.position}"
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_or_semantics_with_all_terms_first(corpus: Corpus) -> None:
    result = corpus.search("Khazali kidnapped British national")
    assert result.total > 1  # paragraphs with only some of the words still match
    assert "kidnapped" in result.hits[0].text and "British" in result.hits[0].text


def test_stemmed_forms_are_highlighted(corpus: Corpus) -> None:
    hit = corpus.search("liberate")
    marked = {s.split("</mark>")[0].lower() for s in hit.hits[0].snippet.split("<mark>")[1:]}
    assert marked & {"liberation", "liberating", "liberated"}


def test_phrase_matches_adjacent_words_first_then_aliases(corpus: Corpus) -> None:
    result = corpus.search('"League of the Righteous"')
    assert "League of the Righteous" in result.hits[0].text
    # the rest match only through the shipped aliases (Asaib Ahl al-Haq, AAH), ranked below
    assert all("AAH" in hit.text for hit in result.hits[1:])
    assert all(hit.score < result.hits[0].score / 2 for hit in result.hits[1:])
    assert corpus.search('"Righteous League"').total == 0


def test_not_excludes(corpus: Corpus) -> None:
    with_iran = corpus.search("Mosul")
    without = corpus.search("Mosul NOT Iran")
    assert 0 < without.total < with_iran.total
    assert all(not re.search(r"\bIran\b", hit.text) for hit in without.hits)


def test_and_requires_both(corpus: Corpus) -> None:
    result = corpus.search("Khazali AND Maliki")
    assert result.total == 1


def test_field_query(corpus: Corpus) -> None:
    result = corpus.search("author:Jacinto Sadr")
    assert result.hits and all(hit.source == "France 24" for hit in result.hits[:1])
    assert corpus.search("section:shiite groups").hits[0].section == "Who are these Shiite groups ?"


@pytest.mark.parametrize(
    ("filters", "source"),
    [
        ({"author": "Eldad Shavit"}, "INSS"),
        ({"author": "shavit"}, "INSS"),
        ({"topic": "Islamic State"}, "INSS"),
        ({"source": "France 24"}, "France 24"),
        ({"since": "2017"}, "INSS"),
        ({"since": "2017-07-06", "until": "2017-07-06"}, "INSS"),
    ],
)
def test_filters(corpus: Corpus, filters: dict[str, str], source: str) -> None:
    result = corpus.search("Iraq", **filters)
    assert result.total > 0
    assert {hit.source for hit in result.hits} == {source}


def test_filters_exclude_everything_when_nothing_fits(corpus: Corpus) -> None:
    assert corpus.search("Iraq", until="2016-12-31").total == 0
    assert corpus.search("Iraq", author="Nobody Known").total == 0


def test_paging_walks_through_all_hits(corpus: Corpus) -> None:
    first = corpus.search("Iraq", limit=5)
    second = corpus.search("Iraq", limit=5, page=2)
    assert first.total == second.total > 10
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    beyond = corpus.search("Iraq", limit=5, page=100)
    assert beyond.hits == () and beyond.total == first.total


def test_sort_by_date_puts_dated_articles_first(corpus: Corpus) -> None:
    result = corpus.search("Iraq", sort="date", limit=50)
    dates = [hit.date for hit in result.hits]
    assert dates[0] == "2017-07-06"
    assert dates.index(None) > dates.index("2017-07-06")


@pytest.mark.parametrize(
    "query",
    ['"day after', "(Mosul", "Mosul)", "((Sadr OR Maliki)", 'Sadr "', "AND", "NOT", "(", '"'],
)
def test_malformed_queries_still_search(corpus: Corpus, query: str) -> None:
    corpus.search(query)  # no exception
    if any(c.isalpha() for c in query.replace("AND", "").replace("NOT", "")):
        assert corpus.search(query).total > 0


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("nosuchfield:Mosul", UnknownFieldError),
        ("", QueryError),
        ("   ", QueryError),
        ("*", QueryError),
        ("*osul", QueryError),
        ("x" * 600, QueryError),
        ("(" * 100 + "Mosul" + ")" * 100, QueryError),
    ],
)
def test_bad_queries_raise_query_errors(corpus: Corpus, query: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        corpus.search(query)


@pytest.mark.parametrize("bad", ["yesterday", "2017-13-01", "2017-02-30", "17-01-01"])
def test_bad_dates_raise(corpus: Corpus, bad: str) -> None:
    with pytest.raises(BadDateError):
        corpus.search("Iraq", since=bad)


def test_since_after_until_is_an_error(corpus: Corpus) -> None:
    with pytest.raises(BadDateError):
        corpus.search("Iraq", since="2018", until="2017")


def test_urls_are_not_mistaken_for_fields(corpus: Corpus) -> None:
    corpus.search("http://example.com/mosul")


def test_spelling_suggestion_from_the_index_vocabulary(corpus: Corpus) -> None:
    assert corpus.search("Hezbolah").suggestion == "hezbollah"
    assert corpus.search("Hezbollah").suggestion is None


def test_snippet_escapes_html_and_marks_terms() -> None:
    text = 'A <script>alert("x")</script> mention of Mosul & more.'
    result = snippet(text, frozenset({"mosul"}))
    assert "<script>" not in result and "&lt;script&gt;" in result
    assert "<mark>Mosul</mark>" in result and "&amp;" in result


def test_snippet_picks_the_best_sentence_of_a_long_paragraph() -> None:
    filler = "Nothing to see in this sentence at all. " * 20
    text = filler + "Here Mosul and Baghdad meet. " + filler
    result = snippet(text, frozenset({"mosul", "baghdad"}))
    assert result.startswith("…") and result.endswith(".")
    assert "<mark>Mosul</mark> and <mark>Baghdad</mark>" in result
    cut = snippet("Mosul " + "word " * 200, frozenset({"mosul"}))
    assert cut.startswith("<mark>Mosul</mark>") and cut.endswith("…")
    assert len(result) < 400


def test_highlight_marks_the_whole_text(corpus: Corpus) -> None:
    marked = corpus.highlight("The liberation of Mosul <b>", "liberated")
    assert marked == "The <mark>liberation</mark> of Mosul &lt;b&gt;"


def test_filters_alone_browse_what_they_allow(corpus: Corpus) -> None:
    result = corpus.search("", author="Jacinto", sort="date")
    assert result.total == 23 and {hit.source for hit in result.hits} == {"France 24"}
    assert corpus.search("  ", source="INSS").total == 10


def test_snippet_of_text_without_spaces_stays_short_and_marked() -> None:
    text = "x" * 500 + " target " + "y" * 500
    result = snippet(text, frozenset({"target"}))
    assert "<mark>target</mark>" in result and len(result) < 400


def test_similar_counts_without_a_second_search(corpus: Corpus) -> None:
    first = corpus.search("Muqtada al-Sadr").hits[0]
    result = corpus.similar(first.id, limit=2)
    assert len(result.hits) == 2 and result.total >= 2
    assert first.id not in {hit.id for hit in result.hits}


def test_a_name_is_marked_with_its_particle_and_the_particle_never_alone(corpus: Corpus) -> None:
    assert "<mark>al-Sadr</mark>" in corpus.highlight("Muqtada al-Sadr spoke.", "al-Sadr")
    marked = corpus.highlight("Muqtada al-Sadr met Nuri al-Maliki.", "Sadr")
    assert marked == "Muqtada <mark>al-Sadr</mark> met Nuri al-Maliki."
    assert "<mark>" not in corpus.highlight("Nuri al-Maliki spoke.", "Muqtada al-Sadr")
    assert corpus.search("al-Sadr").total == corpus.search("Sadr").total


def test_a_part_of_an_ordinary_hyphenated_word_is_marked_alone(corpus: Corpus) -> None:
    assert corpus.highlight("a state-of-the-art lab", "state") == (
        "a <mark>state</mark>-of-the-art lab"
    )


def test_a_quoted_phrase_marks_only_its_occurrences(corpus: Corpus) -> None:
    text = "Breathing the air was like smoking. The air quality index passed 400."
    marked = corpus.highlight(text, '"air quality"')
    assert (
        marked
        == "Breathing the air was like smoking. The <mark>air quality</mark> index passed 400."
    )


def test_snippets_are_not_cut_inside_abbreviations() -> None:
    from corpusearch.engine.highlight import sentence_bounds

    text = "Mr. Smith met Gen. Allen in the U.S. Army base. Dr. Jones left."
    assert [text[s:e].strip() for s, e in sentence_bounds(text)] == [
        "Mr. Smith met Gen. Allen in the U.S. Army base.",
        "Dr. Jones left.",
    ]


def test_a_broad_query_stops_at_its_budget_and_says_so(corpus: Corpus) -> None:
    from corpusearch.engine import query

    original = query.QUERY_SECONDS
    query.QUERY_SECONDS = 0.0  # every part after the first is over budget
    try:
        result = corpus.search("a* OR m* OR s* OR i*")
    finally:
        query.QUERY_SECONDS = original
    assert any("too broad" in notice for notice in result.notices)
