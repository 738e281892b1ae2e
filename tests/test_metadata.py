"""Text metadata helpers: dates, bylines, title suffixes, topic lists."""

from __future__ import annotations

import pytest

from corpusearch.extract.metadata import (
    fold_caps,
    is_person_name,
    parse_byline,
    parse_date,
    parse_series,
    possessive_source,
    segment_topics,
    split_title,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 6, 2017", "2017-07-06"),
        ("6 July 2017", "2017-07-06"),
        ("2017-07-06", "2017-07-06"),
        ("Insight No. 949, July 6, 2017", "2017-07-06"),
        ("Published Tuesday, Nov. 19, 2019 7:05 am ET", "2019-11-19"),
        ("25 February, 2025", "2025-02-25"),
        ("Sept 3rd 2020", "2020-09-03"),
        ("posted 2019/11/18 by admin", "2019-11-18"),
        ("sexta-feira, 22 de outubro de 2010 às 20:13", "2010-10-22"),
        ("13. November 2019", "2019-11-13"),
        ("1er mars 2019", "2019-03-01"),
        ("13.11.2019, 23:06", "2019-11-13"),
        ("Published 2:16 AM EST Nov 20, 2019", "2019-11-20"),
        ("February 30, 2020", None),
        ("2 days ago", None),
        ("06/05/25", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_parse_series() -> None:
    assert parse_series("Insight No. 949, ") == "Insight No. 949"
    assert parse_series("Working Paper No 12") == "Working Paper No 12"
    assert parse_series("Tuesday, ") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By Jane Doe and John Smith", ("Jane Doe", "John Smith")),
        ("Jane Doe, John Smith and Ali al-Sistani", ("Jane Doe", "John Smith", "Ali al-Sistani")),
        ("by Sarah E. Needleman | Nov. 19, 2019", ("Sarah E. Needleman",)),
        ("By Jane Doe on March 3, 2021", ("Jane Doe",)),
        ("Written by: Jean de la Fontaine", ("Jean de la Fontaine",)),
        ("FRANCE 24’s Leela Jacinto examines some of them.", ("Leela Jacinto",)),
        ("By Admin", ()),
        ("By Staff Writer", ()),
        ("Print Edition", ()),
        ("Sign In", ()),
        ("The council voted on Tuesday.", ()),
        ("By Jane Doe , John Smith on Monday, November 18th, 2019", ("Jane Doe", "John Smith")),
        ("Jane Doe@janedoe", ("Jane Doe",)),
        ("By The Associated Press", ("Associated Press",)),
        ("Associated Press November 19, 2019, 9:02 AM", ("Associated Press",)),
        ("By Kevin Doe and Jane Roe USA TODAY", ("Kevin Doe", "Jane Roe")),
        ("By Elliot Doe Florida Today", ("Elliot Doe",)),
        ("Trevor J. Doe Sioux Falls Argus Leader", ("Trevor J. Doe",)),
        ("By Chris Doe, CNN Editor-at-large", ("Chris Doe",)),
        ("President Trump at the Economic Club of New York last week.", ()),
    ],
)
def test_parse_byline(text: str, expected: tuple[str, ...]) -> None:
    assert parse_byline(text) == expected


def test_person_names() -> None:
    assert is_person_name("Eldad Shavit")
    assert is_person_name("Mary Anastasia O'Grady")
    assert not is_person_name("Support Us")
    assert not is_person_name("Iraq")
    assert not is_person_name("NEWS DESK")


def test_possessive_source_and_case_folding() -> None:
    assert possessive_source("FRANCE 24's Jane Doe reports from Paris.") == "France 24"
    assert possessive_source("The council voted on Tuesday.") is None
    assert fold_caps("REUTERS") == "Reuters"
    assert fold_caps("BBC News") == "BBC News"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("River clean-up extended | Daily Gazette", ("River clean-up extended", "Daily Gazette")),
        ("River clean-up extended - Gazette", ("River clean-up extended", "Gazette")),
        ("A well-known headline", ("A well-known headline", None)),
    ],
)
def test_split_title(text: str, expected: tuple[str, str | None]) -> None:
    assert split_title(text) == expected


def test_segment_topics() -> None:
    labels = ["Iran", "Water Policy", "YouTube Channels"]
    assert segment_topics("IranWater PolicyIslamic State", labels) == (
        "Iran",
        "Water Policy",
        "Islamic State",
    )
    assert segment_topics("YouTube ChannelsFloods", labels) == ("YouTube Channels", "Floods")
    assert segment_topics("Floods, Water Policy | Iran") == ("Floods", "Water Policy", "Iran")
    assert segment_topics("") == ()
