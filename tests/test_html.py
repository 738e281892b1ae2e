"""HTML extraction: only the article body survives, with the metadata the page shows."""

from __future__ import annotations

from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import pytest

from corpusearch.extract.extraction import Block, Extraction
from corpusearch.extract.html import (
    _prefer_readability,
    _recover_headings,
    _trim_edges,
    extract_html,
)

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def extract(name: str, url: str | None = None) -> Extraction:
    return extract_html((FIXTURES / name).read_text(encoding="utf-8"), url=url)


@pytest.fixture(scope="module")
def article() -> Extraction:
    return extract("article.html", url="https://review.example.org/rivers?utm_source=feed")


def test_only_the_body_survives(article: Extraction) -> None:
    body = article.body
    assert body.startswith("For decades the small rivers")
    assert body.endswith("green space near their homes.")
    for junk in ("Subscribe", "Ten bridges", "Related articles", "says:", "Comments", "Copyright"):
        assert junk not in body
    assert "Privacy policy" not in body


def test_one_block_per_paragraph_and_headings_flagged(article: Extraction) -> None:
    assert [b.heading for b in article.blocks] == [False, False, True, False, False, True, False]
    assert article.blocks[2] == Block("How the work began", heading=True)
    assert article.blocks[1].text.startswith("Now a group of engineers")
    # line breaks inside a paragraph are folded into single spaces
    assert "\n" not in article.blocks[0].text and "  " not in article.blocks[0].text


def test_title_is_the_headline_not_the_title_tag(article: Extraction) -> None:
    assert article.title == "Rivers Return to the Valley Towns"
    assert all(b.text != article.title for b in article.blocks)


def test_authors_from_visible_byline_not_meta_admin(article: Extraction) -> None:
    assert article.authors == ("Jane Q. Doe", "Tomás Ferreira")


def test_date_source_topics_url_language(article: Extraction) -> None:
    assert article.date == "2021-03-03"
    assert article.source == "The Example Review"
    assert article.topics == ("Water", "Urban planning")
    assert article.url == "https://review.example.org/2021/rivers-return"  # og:url wins
    assert article.language == "en"


def test_title_tag_loses_its_site_suffix_and_keywords_split() -> None:
    page = extract("title_only_tag.html")
    assert page.title == "Night Trains Are Back in Fashion"
    assert page.source == "Rail Weekly"
    assert page.topics == ("rail", "travel", "night trains")
    assert page.date is None  # only in a <meta>: the page shows no date
    assert page.authors == ()
    assert len(page.blocks) == 3


def test_og_title_used_when_no_h1_matches() -> None:
    html = """<html><head><title>Home | Site</title>
    <meta property="og:title" content="Lighthouses Keep Their Keepers | Coast Journal">
    <meta property="og:site_name" content="Coast Journal"></head>
    <body><h1>Coast Journal</h1><article>
    <p>The last lighthouse keepers on the coast are not leaving, even though the lamps have run
    by themselves for years and the supply boats come only twice a month in good weather.</p>
    <p>They stay to keep the buildings in repair, to count birds for the survey and to watch for
    boats in trouble, which still happens more often than most people on the mainland imagine.</p>
    </article></body></html>"""
    page = extract_html(html)
    assert page.title == "Lighthouses Keep Their Keepers"
    assert page.source == "Coast Journal"


def test_meta_author_kept_when_shown_but_not_a_role_or_handle() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of a plain article that has enough words in it to be kept by the "
        "extractor as body text rather than thrown away as boilerplate of the page.</p>"
        for i in range(4)
    )
    template = "<html><head><meta name='author' content='{}'><title>Plain</title></head>"
    template += "<body><article><h1>Plain</h1>" + paragraphs + "</article>"
    template += (
        "<footer>Maria Lopez and the Editorial Team write about cities.</footer></body></html>"
    )
    assert extract_html(template.format("Maria Lopez")).authors == ("Maria Lopez",)
    assert extract_html(template.format("admin")).authors == ()
    assert extract_html(template.format("Editorial Team")).authors == ()
    # an account name the page never shows is no byline
    assert extract_html(template.format("maria_l")).authors == ()


@pytest.mark.parametrize("html", ["", "   ", "<html></html>"])
def test_empty_input_gives_no_blocks(html: str) -> None:
    page = extract_html(html, url="https://example.org/x")
    assert page.blocks == ()


def test_page_without_article_text_gives_no_blocks() -> None:
    page = extract("empty.html")
    assert page.blocks == ()
    assert page.body == ""


def test_malformed_html_still_extracts() -> None:
    page = extract("malformed.html")
    assert page.title == "Broken markup survives"
    assert len(page.blocks) == 3
    assert "with bold text that never ends" in page.blocks[2].text


def test_non_ascii_text_and_byline() -> None:
    page = extract("nonascii.html")
    assert page.title == "Über die Brücken der Stadt"
    assert page.authors == ("Jürgen Weiß",)
    assert page.language == "de"
    assert page.blocks[1].text.startswith("Straßenbahnen fahren seit 1896")
    assert page.blocks[2].text.startswith("日本語の段落もあります")


def test_article_split_by_an_advert_is_kept_whole_with_byline_and_date() -> None:
    page = extract("split_body.html")
    assert len(page.blocks) == 9
    assert page.blocks[-1].text.startswith("The director said the next report")
    assert "Advertisement" not in page.body and "newsletter" not in page.body
    assert page.authors == ("Ana Pereira",)  # degrees after the name are not authors
    assert page.date == "2020-02-04"


def test_readability_recovers_what_trafilatura_cut_short() -> None:
    html = (FIXTURES / "split_body.html").read_text(encoding="utf-8")
    first_part = extract_html(html).blocks[:3]
    recovered = _prefer_readability(list(first_part), html)
    assert len(recovered) == 9
    assert recovered[:3] == list(first_part)
    # when readability's text does not hold trafilatura's, trafilatura's stays
    other = [Block("A paragraph readability never saw, about something else entirely. " * 9)]
    assert _prefer_readability(other, html) == other


def test_dropped_subheadings_are_put_back_between_kept_paragraphs() -> None:
    tree = lxml.html.fromstring(
        "<div><p>First paragraph.</p><h2>A section</h2><p>Second paragraph.</p>"
        "<h3>Related links</h3><ul><li>Elsewhere</li><li>Other</li></ul>"
        "<p>Third paragraph.</p></div>"
    )
    blocks = [Block("First paragraph."), Block("Second paragraph."), Block("Third paragraph.")]
    assert _recover_headings(blocks, tree) == [
        Block("First paragraph."),
        Block("A section", heading=True),
        Block("Second paragraph."),
        Block("Third paragraph."),
    ]


@pytest.mark.parametrize(
    ("byline", "authors", "date"),
    [
        (
            "By Lena Fischer and Omar Haddad | March 9, 2022",
            ("Lena Fischer", "Omar Haddad"),
            "2022-03-09",
        ),
        ("By Eric Sato , Example Staff Updated: 18 Nov 2019 9:38 pm", ("Eric Sato",), "2019-11-18"),
        ("By Mia Wong 2019-11-18T20:51:19Z Science", ("Mia Wong",), "2019-11-18"),
        (
            "Posted by Carl Jensen on Monday, June 1st, 2020 at 11:08 a.m.",
            ("Carl Jensen",),
            "2020-06-01",
        ),
        (
            "By Kim Lee | Updated March 3, 2021 | Published March 1, 2021",
            ("Kim Lee",),
            "2021-03-01",
        ),
        (
            "Analysis by Kim Lee, Example Daily columnist. Updated May 2, 2021",
            ("Kim Lee",),
            "2021-05-02",
        ),
    ],
)
def test_bylines_and_dates_under_the_headline(
    byline: str, authors: tuple[str, ...], date: str
) -> None:
    body = "".join(
        f"<p>Sentence {i} of a body long enough to be the article, with words enough to count "
        "as prose rather than as a link or a menu item of the page.</p>"
        for i in range(4)
    )
    html = (
        "<html><head><title>Budget talks stall | Daily Example</title>"
        "<meta property='og:site_name' content='Daily Example'></head><body>"
        "<p>In this file photo of June 3, 2004, a caption stands above the headline.</p>"
        f"<h1>Budget talks stall</h1><div>{byline}</div><article>{body}</article></body></html>"
    )
    page = extract_html(html)
    assert page.title == "Budget talks stall"
    assert page.authors == authors
    assert page.date == date


def test_headline_that_differs_from_og_title_is_the_visible_one() -> None:
    body = "".join(
        f"<p>Paragraph {i} tells the story of the seed bank in the mountains, where thousands "
        "of varieties are kept cold and dry for the farmers of the future.</p>"
        for i in range(4)
    )
    html = (
        "<html><head><meta property='og:title' content='Why a vault of seeds matters'>"
        "<title>Seed vault opens its doors - Example Post</title></head><body>"
        "<header><h1>Example Post</h1></header>"
        f"<main><h1>Inside the Mountain Where Seeds Sleep</h1>{body}</main></body></html>"
    )
    assert extract_html(html).title == "Inside the Mountain Where Seeds Sleep"


def test_furniture_at_the_edges_of_the_body_is_trimmed() -> None:
    body = [Block("The council met on Monday and agreed to open the river path next spring.")]
    blocks = [
        Block("Reading time: 3 minutes"),
        Block("Updated 10:01 pm PST, Tuesday"),
        *body,
        Block("Comments", heading=True),
        Block("comments"),
    ]
    assert _trim_edges(blocks) == body
    # short sentences and sub-headings inside the body stay
    inside = [body[0], Block("What next", heading=True), Block("Nobody knows."), body[0]]
    assert _trim_edges(inside) == inside


def test_the_safety_net_takes_the_recall_extraction_when_little_was_kept() -> None:
    from corpusearch.extract.html import _safety_net

    html = (FIXTURES / "split_body.html").read_text(encoding="utf-8")
    recovered = _safety_net([], html, None)
    assert len(recovered) >= 9
    assert any(block.text.startswith("The director said the next report") for block in recovered)
    # a body of its own size is left as it is
    kept = extract_html(html).blocks
    assert _safety_net(list(kept), html, None) == list(kept)


def _dated_page(visible: str) -> str:
    paragraph = "<p>" + "The river clean-up programme was extended for another year. " * 6 + "</p>"
    return (
        "<html><head><title>River | Gazette</title>"
        '<meta property="article:published_time" content="2019-11-18T10:00:00Z">'
        f"</head><body><article><h1>River clean-up extended</h1>{visible}"
        f"{paragraph * 4}</article></body></html>"
    )


def test_a_markup_date_counts_only_when_the_page_shows_that_day() -> None:
    assert extract_html(_dated_page("<p>Posted 18/11/2019</p>")).date == "2019-11-18"
    assert extract_html(_dated_page("<p>2019年11月18日</p>")).date == "2019-11-18"
    assert extract_html(_dated_page("")).date is None  # a date is never invented
