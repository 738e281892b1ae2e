"""Headline, byline and date of a text dump, given where its body starts."""

from __future__ import annotations

import pytest

from corpusearch.extract.dumps_lines import TOPICS_FIRST, TOPICS_LINE, parse_lines
from corpusearch.extract.dumps_meta import dump_metadata
from corpusearch.extract.extraction import Block, PageMetadata

BODY = [
    "The council voted on Tuesday to extend the river clean-up programme for another year, "
    "after residents said the water had become clearer since the work began last spring.",
    "Officials expect the final report on the river clean-up to be published before the end of "
    "winter, and the council will then decide on the next phase of the programme.",
]


def _meta(*header: str, body: list[str] = BODY, lead: int = 0) -> PageMetadata:
    """Metadata of a page whose body is ``body`` after ``header``; ``lead`` body lines unkept."""
    lines = parse_lines("\n\n".join([*header, *body]) + "\n")
    first = len(header) + lead
    kept = [(i, Block(lines[i].text)) for i in range(first, len(lines))]
    return dump_metadata(lines, kept)


def test_headline_above_standfirst_and_byline_block() -> None:
    meta = _meta(
        "Menu",
        "River clean-up extended for another year",
        "Residents and officials agree the work has made the water much clearer than before.",
        "By",
        "Jane Doe",
        "Jane.Doe@example.com",
        "Nov. 19, 2019 8:03 am ET",
    )
    assert meta.title == "River clean-up extended for another year"
    assert meta.authors == ("Jane Doe",)
    assert meta.date == "2019-11-19"


def test_headline_wins_over_its_deck_and_glued_byline() -> None:
    meta = _meta(
        "River Clean-Up Extended for Another Year After a Vote of the Council",
        "Residents Say the Water Is Clearer",
        "Jane DoeBy Jane Doe, Gazette Staff",
        "Updated: 18 Nov 2019 9:38 pm",
        "Posted: 17 Nov 2019 8:11 pm",
    )
    assert meta.title == "River Clean-Up Extended for Another Year After a Vote of the Council"
    assert meta.authors == ("Jane Doe",)
    assert meta.date == "2019-11-17"  # the publication day, not the update


def test_first_line_with_several_suffixes_names_the_headline() -> None:
    meta = _meta(
        "River clean-up | Local | News | Daily Gazette",
        "• Home",
        "River clean-up",
        "sexta-feira, 22 de outubro de 2010 às 20:13",
    )
    assert meta.title == "River clean-up"
    assert meta.date == "2010-10-22"


def test_byline_among_the_first_kept_lines_moves_the_header() -> None:
    meta = _meta(
        "Menu",
        body=[
            '"The river is cleaner than it has been for decades."',
            "What has the river clean-up achieved?",
            "By Jane Doe , John Smith on Monday, November 18th, 2019 at 11:08 a.m.",
            *BODY,
        ],
    )
    assert meta.title == "What has the river clean-up achieved?"
    assert meta.authors == ("Jane Doe", "John Smith")
    assert meta.date == "2019-11-18"


def test_date_line_under_a_short_label_is_not_a_caption() -> None:
    meta = _meta(
        "River clean-up extended for another year",
        "By Jane Doe",
        "Submit",
        "November 19, 2019 | 4:20am | Updated November 19, 2019 | 9:32pm",
    )
    assert meta.date == "2019-11-19"


def test_bare_credits_beside_the_date() -> None:
    agency = _meta(
        "River clean-up extended for another year",
        "Local",
        "The Associated Press",
        "Published Monday, November 18, 2019 8:22AM EST",
    )
    assert agency.authors == ("Associated Press",)
    listed = _meta(
        "River clean-up extended for another year",
        "Daily Gazette",
        "• Jane Doe, Daily Gazette",
        "• 13.11.2019, 23:06",
    )
    assert listed.authors == ("Jane Doe",)
    assert listed.date == "2019-11-13"


def test_name_with_handle_at_the_body_start_is_the_author() -> None:
    meta = _meta("River clean-up extended for another year", body=[BODY[0], "Jane Doe @janedoe"])
    assert meta.authors == ("Jane Doe",)


def test_relative_date_gives_no_day() -> None:
    meta = _meta("River clean-up extended for another year", "Jane Doe @janedoe / 2 days ago")
    assert meta.authors == ("Jane Doe",)
    assert meta.date is None


@pytest.mark.parametrize(
    "text",
    [
        "Tags: Iraq, Mosul",
        "TopicsIranIraq",
        "KEYWORDS: oil",
        "\u212aeywords: oil",
        "filed under: x",
    ],
)
def test_topics_pre_check_admits_every_topics_line(text: str) -> None:
    assert TOPICS_LINE.match(text) is not None
    assert text[:1].lower() in TOPICS_FIRST
