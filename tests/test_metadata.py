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
        ("06/05/25", "2025-06-05"),  # month first, a two-digit year
        ("11/19/19", "2019-11-19"),
        ("Posted 20/11/2019 10:43", "2019-11-20"),  # a day above 12 comes first
        ("31/12/99", "1999-12-31"),
        ("Tuesday 10:43 AM", None),  # a relative date is never guessed
        ("Nov 19", None),  # nor a date without its year
        ("1/2/3", None),
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


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Doe, Gannett Staff Writer", ("Jane Doe",)),
        ("Jane Doe, Agency Staff Writer", ("Jane Doe",)),  # a role is no second author
        ("By Michael HiltzikBusiness Columnist", ("Michael Hiltzik",)),
        ("By Jose AltoverosView", ("Jose Altoveros",)),
        ("By Jane Doe Opinion Columnist", ("Jane Doe",)),
        ("Von Max Mustermann", ("Max Mustermann",)),
        ("Por Ana Souza e Pedro Lima", ("Ana Souza", "Pedro Lima")),
        ("By PTI", ("PTI",)),
        ("AFP", ("AFP",)),
        ("By AP", ("AP",)),
        ("Opinion Columnist", ()),
    ],
)
def test_bylines_lose_roles_and_glue_and_keep_agencies(byline: str, names: tuple[str, ...]) -> None:
    from corpusearch.extract.metadata import parse_byline

    assert parse_byline(byline) == names


def test_topics_lose_tickers_identifiers_and_cms_codes_and_fold_case() -> None:
    from corpusearch.extract.metadata import clean_topics

    topics = ["China", "china", "6758.TO", "autoplay_video", "NYSE: IBM", "2019", "COVID-19"]
    topics += ["6-keys: media/spln/nfl/reg/free/stories", "U.S. Politics", "AT&T"]
    assert clean_topics(topics) == ("China", "COVID-19", "U.S. Politics", "AT&T")


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("France 24", True),
        ("The New York Times", True),
        ("Hosted", False),
        ("6-keys: media/spln/nfl/reg/free/stories", False),
        ("https://example.com", False),
        (None, False),
    ],
)
def test_a_source_is_a_name_never_a_path_code(name: str | None, ok: bool) -> None:
    from corpusearch.extract.metadata import is_source_name

    assert is_source_name(name) is ok


@pytest.mark.parametrize(
    ("title", "ok"),
    [
        ("Iraq on the Day after the Liberation of Mosul", True),
        ("“We will not back down,” she said.", True),  # a quote with its speaker is a headline
        ("8bf490cc8fc391d2", False),  # a file hash
        ("“We will not back down.”", False),  # a pull quote
        ("Image caption Who is Muqtada al-Sadr?", False),
        ("Smoke rises over the city (Photo: Reuters)", False),
        ("", False),
    ],
)
def test_a_title_is_never_a_hash_a_caption_or_a_pull_quote(title: str, ok: bool) -> None:
    from corpusearch.extract.metadata import is_title_like

    assert is_title_like(title) is ok


def test_a_pull_quote_over_the_body_is_not_the_html_title() -> None:
    from corpusearch.extract.html import extract_html

    paragraph = "<p>" + "The river clean-up programme was extended for another year. " * 6 + "</p>"
    html = (
        "<html><head><title>River clean-up extended | Gazette</title></head><body><article>"
        f"<h1>“We will not back down.”</h1>{paragraph * 4}</article></body></html>"
    )
    assert extract_html(html).title == "River clean-up extended"
