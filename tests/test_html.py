"""HTML extraction: only the article body survives, with the metadata the page shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpusearch.extraction import Block, Extraction
from corpusearch.html import extract_html

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
    assert page.date == "2020-06-15"
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
