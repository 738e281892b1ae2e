"""The analyzer chain: what words become index terms, the same at index and query time."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpusearch.engine.analysis import fold, name_analyzer, term, text_analyzer
from corpusearch.engine.british_american import americanize


def terms(text: str) -> list[str]:
    return [token.text for token in text_analyzer()(text)]


@pytest.mark.parametrize(
    "variant", ["Shi'ite", "Shi’ite", "Shi‘ite", "Shiʿite", "Shiʾite", "Shiite"]
)
def test_apostrophes_and_look_alikes_join_a_word(variant: str) -> None:
    assert terms(variant) == terms("Shiite")
    assert len(terms(variant)) == 1


def test_accents_fold() -> None:
    assert terms("Shī‘a") == terms("Shia") == terms("shia")
    assert terms("Ḥashd") == terms("Hashd")


def test_possessive_s_goes() -> None:
    assert terms("Iraq's army") == terms("Iraq army")


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("stabilisation", "stabilization"),
        ("stabilise", "stabilize"),
        ("programme", "program"),
        ("defence", "defense"),
        ("organisations", "organizations"),
        ("organised", "organized"),
        ("analysed", "analyzed"),
        ("behaviour", "behavior"),
        ("centre", "center"),
        ("modelling", "modeling"),
        ("signalling", "signaling"),
        ("haemorrhage", "hemorrhage"),
        ("oestrogen", "estrogen"),
        ("leukaemia", "leukemia"),
    ],
)
def test_british_and_american_spellings_meet(british: str, american: str) -> None:
    assert terms(british) == terms(american)


@pytest.mark.parametrize(
    "word", ["promise", "exercise", "otherwise", "advertise", "four", "journal", "does", "poet"]
)
def test_spelling_rules_leave_other_words_alone(word: str) -> None:
    assert americanize(word) == word


def test_hyphenated_names_split_into_parts() -> None:
    assert terms("al-Sadr") == ["al", "sadr"]


def test_capital_acronyms_are_not_stop_words() -> None:
    assert terms("IS") == ["IS"]
    assert terms("US") == ["US"]
    assert terms("U.S.") == ["US"]
    assert terms("is") == []
    assert terms("us") == []
    assert terms("Is it") == []


def test_other_acronyms_are_case_insensitive() -> None:
    assert terms("ISIL") == terms("Isil") == terms("isil")


def test_stemming_and_stop_words() -> None:
    assert terms("the liberation of cities") == terms("liberating city")
    assert term("the") is None


def test_positions_close_up_over_stop_words() -> None:
    analyzed = text_analyzer()("League of the Righteous", positions=True)
    assert [token.pos for token in analyzed] == [0, 1]


def test_names_are_folded_not_stemmed() -> None:
    assert [t.text for t in name_analyzer()("Shī‘a Militias")] == ["shia", "militias"]
    assert fold("Kata'ib") == "kataib"


def test_saved_stems_load_back(tmp_path: Path) -> None:
    from corpusearch.engine import analysis

    assert term("liberations") == "liber"
    path = tmp_path / analysis.STEMS_FILE
    analysis.save_stems(path)
    analysis._stems.clear()
    analysis.load_stems(path)
    assert analysis._stems["liberations"] == "liber"
    analysis.load_stems(tmp_path / "missing.json")  # ignored
