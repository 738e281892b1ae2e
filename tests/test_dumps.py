"""Cleaning text dumps: the seeds' exact body and metadata, and one synthetic page per rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpusearch.extract.dumps import extract_dump
from corpusearch.extract.dumps_lines import (
    _IMAGE_CAPTION,
    DISCLAIMER,
    capitalised,
    count_digits,
    is_caption_text,
    is_comments_header,
    is_disclaimer,
    is_glued_teaser,
    is_prose,
    parse_lines,
    words_of,
)
from corpusearch.extract.dumps_model import model_lines, smooth
from corpusearch.extract.extraction import Extraction

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
INSS = SEEDS / "000_8bf490cc8fc391d2.txt"
FRANCE24 = SEEDS / "003_f505fbb7fe865b80.txt"

JUNK_IN_SEEDS = [
    "Cognitive Warfare",
    "Page not found",
    "does not exist",
    "bool(false)",
    "Shutterstock",
    "Related Publications",
    "Stay up to date",
    "The opinions expressed",
    "Members of Iraq's elite",
    "Regis Duvignau",
    "Skip to main content",
    "Publication Series",
    "Nuclear Talks",
    "Photo:",
]


def _extract(path: Path) -> Extraction:
    return extract_dump(path.read_text(encoding="utf-8"))


def _paragraph(body: str, words: int = 40) -> str:
    return " ".join([body] * (words // len(body.split()) + 1)) + "."


def test_inss_seed_body_boundaries() -> None:
    extraction = _extract(INSS)
    texts = [block.text for block in extraction.blocks]
    assert texts[0].startswith("Supported by the US-led coalition, Iraqi security forces")
    assert texts[1].startswith("After eight months of fighting by US-backed Iraqi forces")
    assert texts[-1].startswith("In conclusion, the liberation of Mosul")
    assert texts[-1].endswith("Islamic State activity in Iraq and its surrounding regions.")
    assert len(texts) == 10
    assert not any(block.heading for block in extraction.blocks)


def test_france24_seed_body_boundaries_and_headings() -> None:
    extraction = _extract(FRANCE24)
    texts = [block.text for block in extraction.blocks]
    assert texts[0].startswith("Mosul, Iraq’s second-largest city, could fall")
    assert texts[0].endswith("examines some of them.")
    assert texts[1].startswith("The battle for Mosul is in its early stages")
    assert texts[-1].endswith("it’s never too early to chalk up a day-after plan.")
    headings = [block.text for block in extraction.blocks if block.heading]
    assert "Who are these Shiite groups ?" in headings
    assert "What are the challenges they pose ?" in headings
    assert all(len(heading.split()) <= 15 for heading in headings)
    assert len(texts) - len(headings) == 23


@pytest.mark.parametrize("path", [INSS, FRANCE24], ids=["inss", "france24"])
def test_seed_body_has_no_junk(path: Path) -> None:
    body = _extract(path).body
    for junk in JUNK_IN_SEEDS:
        assert junk not in body


def test_inss_seed_metadata() -> None:
    extraction = _extract(INSS)
    assert extraction.title == "Iraq on the Day after the Liberation of Mosul"
    assert extraction.source == "INSS"
    assert extraction.authors == ("Eldad Shavit", "Joshua Schwartz")
    assert extraction.date == "2017-07-06"
    assert extraction.series == "INSS Insight No. 949"
    assert extraction.topics == (
        "Iran",
        "Iraq and the Iraqi Shiite Militias",
        "Islamic State",
        "Israel-United States Relations",
    )
    assert extraction.language == "en"


def test_france24_seed_metadata() -> None:
    extraction = _extract(FRANCE24)
    assert extraction.title == "The difficulty of drafting a ‘day after’ plan for Iraq's Mosul"
    assert extraction.authors == ("Leela Jacinto",)
    assert extraction.source == "France 24"
    assert extraction.date is None
    assert extraction.series is None


def _page(*parts: str) -> str:
    return "\n\n".join(parts) + "\n"


MENU = "  • Home\n  • World\n  • Business\n  • Sport\n  • Contact"
P1 = _paragraph("The council voted on Tuesday to extend the river clean-up programme for a year")
P2 = _paragraph("Residents said the water had become noticeably clearer since the work began")
P3 = _paragraph("Officials expect the final report to be published before the end of winter")


def test_menus_before_and_after_the_body_are_dropped() -> None:
    text = _page(MENU, "River clean-up extended | Daily Gazette", P1, P2, P3, MENU)
    extraction = extract_dump(text)
    assert [block.text for block in extraction.blocks] == [P1, P2, P3]


def test_teasers_after_a_related_marker_are_dropped() -> None:
    teaser = _paragraph("A different story about a new bridge opening downtown next spring")
    text = _page("Headline here | Site", P1, P2, "Related Articles", teaser, teaser)
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2]


def test_comment_section_is_dropped() -> None:
    comment = _paragraph("I completely disagree with this decision and the council should know it")
    text = _page("Headline", P1, P2, "3 Comments", "Jane Reader says:", comment, "Reply")
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2]


def test_a_comment_thread_longer_than_the_article_is_dropped() -> None:
    comments = [
        _paragraph(f"Reader number {i} wonders whether the plan covers the eastern districts too")
        for i in range(6)
    ]
    thread = [line for i, c in enumerate(comments) for line in (f"Reader {i} says:", c)]
    text = _page("Headline", P1, "Comments", *thread)
    assert [block.text for block in extract_dump(text).blocks] == [P1]


def test_table_rows_in_the_body_are_paragraphs_not_headings() -> None:
    rows = ["Pos Driver Points Wins", "1 Jane Driver 5040 5", "2 John Racer 5035 7"]
    text = _page("Standings | Site", P1, P2, *rows, P3, MENU)
    blocks = extract_dump(text).blocks
    table = [block for block in blocks if block.text in rows[1:]]
    assert table and not any(block.heading for block in table)


def test_headline_over_the_byline_is_the_title_not_a_section() -> None:
    text = _page(MENU, "Council backs the river plan", "By Jane Doe and John Smith", P1, P2, P3)
    extraction = extract_dump(text)
    assert extraction.title == "Council backs the river plan"
    assert extraction.authors == ("Jane Doe", "John Smith")
    assert [block.text for block in extraction.blocks] == [P1, P2, P3]


def test_glued_teaser_lines_are_recognised() -> None:
    assert is_glued_teaser("Customers Leave Without Paying The BillA party of six left early.")
    assert not is_glued_teaser("The new iPhone sold out in a day, shops said on Monday.")


def test_error_tail_is_dropped() -> None:
    text = _page(P1, P2, "Page not found", "The content you requested does not exist anymore.")
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2]


@pytest.mark.parametrize(
    "caption",
    [
        "Photo: Jane Doe",
        "Jane Doe, AFP | Workers clean the river bank on the east side of the city on Monday.",
        "Workers clean the river bank on Monday. (Photo by Jane Doe/Getty Images)",
        "Shutterstock",
        "Image copyright Getty Images Image caption Workers clean the river bank on Monday",
    ],
)
def test_captions_and_credits_are_not_body(caption: str) -> None:
    text = _page("Headline", caption, P1, caption, P2, P3)
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2, P3]


def test_short_lines_inside_the_body_become_headings() -> None:
    text = _page("Headline", P1, "What happens next?", P2, "The road ahead", P3)
    blocks = extract_dump(text).blocks
    assert [(block.text, block.heading) for block in blocks] == [
        (P1, False),
        ("What happens next?", True),
        (P2, False),
        ("The road ahead", True),
        (P3, False),
    ]


def test_share_and_advertisement_lines_are_dropped() -> None:
    text = _page("Headline", P1, "Advertisement", P2, "Share", P3)
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2, P3]


@pytest.mark.parametrize(
    "furniture",
    [
        "Sponsored links",
        "スポンサードリンク",
        "Also on example.com Mayor opens a new bridge over the river downtown",
        "Tell us what you think...",
        "Like this story? Share it with a friend!",
        "See more: Mayor opens a new bridge over the river downtown",
        '&lt;span data-mce-type="bookmark" style="display: inline-block;"&gt;&lt;/span&gt;',
    ],
)
def test_teasers_and_invitations_inside_the_body_are_dropped(furniture: str) -> None:
    text = _page("Headline", P1, P2, furniture, P3)
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2, P3]


def test_japanese_tags_line_gives_topics() -> None:
    text = _page("Headline", P1, P2, P3, "タグ: ソフトウェア")
    extraction = extract_dump(text)
    assert [block.text for block in extraction.blocks] == [P1, P2, P3]
    assert extraction.topics == ("ソフトウェア",)


def test_byline_and_date_lines_give_metadata() -> None:
    text = _page(
        MENU,
        "River clean-up extended for another year",
        "By Jane Doe and John Smith",
        "March 3, 2021",
        P1,
        P2,
    )
    extraction = extract_dump(text)
    assert extraction.title == "River clean-up extended for another year"
    assert extraction.authors == ("Jane Doe", "John Smith")
    assert extraction.date == "2021-03-03"
    assert [block.text for block in extraction.blocks] == [P1, P2]


def test_title_suffix_gives_the_source() -> None:
    extraction = extract_dump(_page("River clean-up extended | Daily Gazette", P1, P2))
    assert extraction.title == "River clean-up extended"
    assert extraction.source == "Daily Gazette"


def test_dates_in_captions_and_body_are_not_the_publication_date() -> None:
    caption = "Jane Doe, AFP | The mayor speaks in the city hall on October 20, 2016."
    body = _paragraph("The first phase was completed on May 5, 2015 after long delays")
    extraction = extract_dump(_page("Headline of the story", caption, body, P1))
    assert extraction.date is None


def test_topics_line_is_split_against_menu_labels() -> None:
    menu = "  • Water Policy\n  • Local Government\n  • YouTube Channels"
    text = _page(menu, "Headline | Site", P1, P2, "TopicsWater PolicyYouTube ChannelsFloods")
    assert extract_dump(text).topics == ("Water Policy", "YouTube Channels", "Floods")


def test_empty_dump_gives_no_blocks() -> None:
    assert extract_dump("").blocks == ()
    assert extract_dump("\n\n  • Home\n").blocks == ()


def test_benchmark_metric_on_a_toy_example() -> None:
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "bench" / "eval_cleaning.py"
    spec = importlib.util.spec_from_file_location("eval_cleaning", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_cleaning", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    true = "one two three four five"  # shingles: (1 2 3 4), (2 3 4 5)
    assert module.page_counts(true, true) == (2, 0, 0)
    assert module.page_counts(true, "one two three four six") == (1, 1, 1)
    assert module.page_counts(true, "") == (0, 0, 2)
    precision, recall, f1 = module.mean_scores([(2, 0, 0), (1, 1, 1), (0, 0, 2)])
    assert precision == pytest.approx(0.75)  # the empty prediction has no precision
    assert recall == pytest.approx(0.5)
    assert f1 == pytest.approx(0.6)


def test_smoothing_keeps_a_body_run_whole_and_drops_a_stray_line() -> None:
    body = [0.9, 0.95, 0.45, 0.9, 0.92]  # a short list line inside the body scores just under 0.5
    stray = [0.05, 0.02, 0.55, 0.03, 0.01]  # one footer line the model half-believes
    assert smooth(body) == [0, 1, 2, 3, 4]
    assert smooth(stray) == []
    assert smooth([]) == []


def test_menu_items_far_from_prose_are_left_out_of_the_model() -> None:
    lines = parse_lines(_page(MENU, "Headline", P1, P2, MENU, "Footer text here", MENU))
    kept = {lines[index].text for index in model_lines(lines)}
    assert {"Headline", P1, P2, "Footer text here"} <= kept
    assert "Home" in kept  # a menu item just after the body is near prose: scored
    assert len(model_lines(lines)) <= len(lines) - 8  # the first and last menus are skipped


def test_headline_above_a_standfirst_and_a_bare_by_line() -> None:
    standfirst = "Officials say the work will take another year to finish, and cost more."
    text = _page(MENU, "Council backs the river plan", standfirst, "By", "Jane Doe", P1, P2, P3)
    assert extract_dump(text).title == "Council backs the river plan"


def test_a_date_list_item_under_the_headline_is_the_date() -> None:
    text = _page(MENU, "Council backs the river plan", "  • 19 November 2019", P1, P2, P3)
    assert extract_dump(text).date == "2019-11-19"


def test_an_article_goes_on_after_an_inline_teaser_box_that_speaks_of_it() -> None:
    from corpusearch.extract.dumps import _continues

    teasers = [f"Unrelated headline number {n} about celebrities" for n in range(6)]
    more = (
        "The river clean-up volunteers will return to the northern banks next spring, the council"
        " said, and the clean-up budget for the river will be extended again."
    )
    other = (
        "Celebrities gathered downtown for the premiere of a new film about dragons and wizards."
    )
    lines = parse_lines(_page(P1, P2, "Most Read", *teasers, more, "Related", other))
    marker = next(i for i, line in enumerate(lines) if line.text == "Most Read")
    continued = next(i for i, line in enumerate(lines) if line.text == more)
    assert _continues(lines, [0, 1, continued], marker)
    related = next(i for i, line in enumerate(lines) if line.text == "Related")
    assert not _continues(lines, [0, 1, related + 1], related)


@pytest.mark.parametrize(
    "image",
    [
        ["Volunteers on the north bank of the river", "Volunteers on the north bank of the river"],
        ["Volunteers on the north bankVolunteers on the north bank"],
    ],
)
def test_image_alt_text_and_caption_are_not_body(image: list[str]) -> None:
    text = _page("River clean-up extended | Daily Gazette", P1, *image, P2, P3)
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2, P3]


def test_lines_known_as_boilerplate_are_never_body() -> None:
    footer = "Daily Gazette is published by a local cooperative of reporters and friends."
    cleaned = extract_dump(_page("Story", P3, footer), boilerplate=frozenset({footer}))
    assert [block.text for block in cleaned.blocks] == [P3]


@pytest.mark.parametrize(
    "text",
    [
        "ALL RİGHTS RESERVED",
        "The views expreſſed here are the author's",
        "This does NOT necessarily reflect our policy",
        "© 2020 Daily Gazette",
        "Copyright 2020",
        "A right to reserve judgement",
    ],
)
def test_disclaimer_pre_check_keeps_the_case_blind_pattern(text: str) -> None:
    assert is_disclaimer(text) == (DISCLAIMER.search(text) is not None)


@pytest.mark.parametrize(
    "text", ["İMAGE CAPTİON Volunteers at work", "ımage copyright AFP", "Imagery of the river"]
)
def test_caption_pre_check_keeps_the_case_blind_pattern(text: str) -> None:
    expected = _IMAGE_CAPTION.search(text) is not None
    assert is_caption_text(text, text.lower()) == expected


def test_a_list_that_closes_the_article_is_kept() -> None:
    teams = ["England", "Spain", "France", "Italy"]
    items = [f"  • {team} (Group {n}): {n + 3}th appearance" for n, team in enumerate(teams)]
    teaser = _paragraph("A different story about a new bridge opening downtown next spring")
    text = _page("Headline", P1, P2, P3, "Qualified teams", "\n".join(items), "Related", teaser)
    blocks = extract_dump(text).blocks
    assert [block.text for block in blocks][3:] == ["Qualified teams"] + [
        item.removeprefix("  • ") for item in items
    ]
    assert blocks[3].heading


@pytest.mark.parametrize(
    "items",
    [
        [
            "Mayor opens a new bridge over the river downtown",
            "Local bakery wins a national award for its sourdough",
            "Storm warning issued for the coast this weekend",
        ],
        ["Share on Facebook", "Share on Twitter", "Share on Reddit"],
        ["Results for England", "Results for Spain"],
    ],
)
def test_teasers_share_buttons_and_short_lists_do_not_close_the_article(items: list[str]) -> None:
    from corpusearch.extract.dumps import _closing_list

    lines = parse_lines(_page(P1, "\n".join(f"  • {item}" for item in items)))
    assert _closing_list(lines, 0, frozenset()) == []


def test_a_blog_comment_header_ends_the_article() -> None:
    comment = _paragraph("I completely disagree with this decision and the council should know it")
    header = "12 thoughts on “The council extends the river clean-up programme for another year”"
    text = _page("Headline", P1, P2, header, "Jane Reader", "August 8, 2018 at 3:17 pm", comment)
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2]


def test_a_paragraph_printed_twice_is_body_once() -> None:
    text = _page("Headline", P1, P2, P3, "Close", P1)
    assert [block.text for block in extract_dump(text).blocks] == [P1, P2, P3]


def test_a_run_of_prose_is_cut_by_a_teaser_excerpt() -> None:
    from corpusearch.extract.dumps import _prose_runs

    excerpt = "Two people in the city were diagnosed with a rare illness this week,..."
    lines = parse_lines(_page(P1, P2, excerpt, P3, MENU, P1))
    prose = [is_prose(line) for line in lines]
    assert [list(run) for run in _prose_runs(lines, prose, frozenset())] == [[0, 1], [3], [9]]


WHITESPACE_LINES = [
    "Plain words, single spaces.",
    "  Leading and trailing spaces  ",
    "Two  spaces\tand a tab",
    "Em\u2003space and ideographic\u3000space",
    "No-break\u00a0space and a narrow\u202fone",
    "  • A bullet  item",
    "•",
    "- dash item",
    "Curly “quotes” and accents: café",
    "東京で大きな地震がありました 今日",
    "\u000bvertical\u000ctab and\u001cfile separator",
]


@pytest.mark.parametrize("raw", WHITESPACE_LINES)
def test_parse_lines_folds_any_whitespace_as_str_split_does(raw: str) -> None:
    lines = parse_lines(f"Title\n\n{raw}\n")
    words = raw.replace("\u00a0", " ").split()
    bullet = words[0][0] in "•*·▪◦‣-"
    words = [kept for word in words if (kept := word.lstrip("•*·▪◦‣-") if bullet else word)]
    if not words:
        assert len(lines) == 1  # a bare bullet is no line
        return
    assert (lines[1].text, lines[1].bullet, lines[1].first_in_group) == (
        " ".join(words),
        bullet,
        True,
    )
    assert lines[1].words == len(words) or not lines[1].text.isascii()


FAST_PATH_TEXTS = [
    "Plain ASCII: The U.S. and E.U. met in 2017, at 10:30 (GMT+3).",
    "snake_case and CamelCase words_2 A",
    " Leading space, Tab\tAfter and\x0bVertical\x01Control",
    "Curly “Quotes” in Café de Paris, ١٢٣ Arabic-Indic digits",
    "İstanbul ve Ankara: ÇOK önemli",
    "東京 2020 オリンピック",
    "",
]


@pytest.mark.parametrize("text", FAST_PATH_TEXTS)
def test_ascii_fast_paths_agree_with_their_definitions(text: str) -> None:
    assert words_of(text) == re.findall(r"\w+", text)
    assert words_of(text.lower()) == re.findall(r"\w+", text.lower())
    assert capitalised(text) == sum(word[0].isupper() for word in text.split())
    assert count_digits(text) == sum(char.isdecimal() for char in text)


@pytest.mark.parametrize(
    "text",
    [
        "12 thoughts on “Title”",
        "One response to “Title”",
        "no comments on Title",
        "١٢ replies to X",
    ],
)
def test_blog_comment_headers_pass_the_quick_check(text: str) -> None:
    [line] = parse_lines(text)
    assert is_comments_header(line)


def test_a_lone_comments_line_before_the_article_does_not_end_it() -> None:
    lead = "The council met on Tuesday evening at the town hall to vote on the plan."
    article = [P1, P2, P3, _paragraph("The mayor thanked the volunteers who cleaned the banks")]
    text = _page("Headline | Site", lead, "Share  Tweet  Comments", *article, MENU)
    assert [block.text for block in extract_dump(text).blocks][-4:] == article


def test_a_numbered_list_after_the_article_is_kept() -> None:
    items = [
        "1) Lego Star Wars bomber",
        "http://amzn.to/abc1",
        "2) Electric racing track",
        "http://amzn.to/abc2",
        "3) Director's box set (Blu-ray)",
        "http://amzn.to/abc3",
        "4) Thriller (vinyl)",
    ]
    text = _page("Headline | Site", P1, P2, *items, MENU)
    kept = [block.text for block in extract_dump(text).blocks]
    assert kept[:2] == [P1, P2]
    assert [text for text in kept if text[:2] in {"1)", "2)", "3)", "4)"}] == items[::2]


def test_numbers_out_of_order_are_no_list() -> None:
    from corpusearch.extract.dumps import _numbered_items

    lines = parse_lines(_page(P1, "1. One thing", "3. Another", "2. A third", "7. And more"))
    assert _numbered_items(lines, [0], frozenset()) == []


def test_a_line_of_zero_width_characters_is_blank() -> None:
    lines = parse_lines(f"{P1}\n\u200b\n{P2}\n\ufeff\u200b\n")
    assert [line.text for line in lines] == [P1, P2]
    assert lines[1].group == 1


def test_short_sentences_do_not_split_a_run_of_prose() -> None:
    from corpusearch.extract.dumps import _prose_runs

    lines = parse_lines(_page(P1, "Nowadays, it is easily treated.", P2))
    sentences = [is_prose(line) or line.words >= 5 for line in lines]
    assert [list(run) for run in _prose_runs(lines, sentences, frozenset())] == [[0, 1, 2]]


def test_the_safety_net_merges_the_densest_prose_span_back() -> None:
    from corpusearch.extract.dumps import _blocks, _safety_net

    lines = parse_lines(_page("Headline", "Short label", P1, P2, P3))
    chosen = [1]
    kept = _blocks(lines, chosen, frozenset())
    merged, blocks = _safety_net(lines, chosen, kept, frozenset())
    assert [block.text for _, block in blocks][-3:] == [P1, P2, P3]
    assert merged[-3:] == [2, 3, 4]
    # a body with most of the span's words is left as it is
    full = _blocks(lines, [2, 3, 4], frozenset())
    assert _safety_net(lines, [2, 3, 4], full, frozenset()) == ([2, 3, 4], full)


def test_knobs_are_overridden_inside_tuned_only() -> None:
    from corpusearch.extract.tuning import KNOBS, knob, tuned

    name = "dump_stray_distance"
    with tuned({name: 7.0}):
        assert knob(name) == 7.0
    assert knob(name) == KNOBS[name].default
    with pytest.raises(KeyError), tuned({"no_such_knob": 1.0}):
        pass


def test_the_lead_before_an_inline_teaser_box_is_kept_when_it_speaks_of_the_article() -> None:
    from corpusearch.extract.dumps import _lead_before_teasers

    lead = "The council voted on Tuesday to extend the river clean-up programme for a year, and "
    lead += "residents said the water had become clearer."
    teasers = ["More from UK", "Storm warning issued for the coast", "Bakery wins an award"]
    lines = parse_lines(_page("Headline", lead, *teasers, P1, P2))
    article = [index for index, line in enumerate(lines) if line.text in (P1, P2)]
    assert _lead_before_teasers(lines, article, frozenset()) == [1]
    other = "A storm is expected on the coast this weekend, forecasters said on Monday."
    lines = parse_lines(_page("Headline", other, *teasers, P1, P2))
    assert _lead_before_teasers(lines, article, frozenset()) == []
