"""From a file to an Article: paragraphs, sections, ids, sidecar metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpusearch import UnreadableFileError, load_article
from corpusearch.extract.extraction import Block, Extraction
from corpusearch.extract.pipeline import article_id, split_paragraphs
from seedpaths import INSS


def test_blocks_become_numbered_paragraphs_under_their_headings() -> None:
    extraction = Extraction(
        blocks=(
            Block("Intro paragraph."),
            Block("A heading", heading=True),
            Block("First   under\nheading."),
            Block("First under heading."),  # repeated block, dropped
            Block("   "),
            Block("Second under heading."),
        )
    )
    paragraphs = split_paragraphs(extraction)
    assert [(p.position, p.section, p.text) for p in paragraphs] == [
        (1, None, "Intro paragraph."),
        (2, "A heading", "First under heading."),
        (3, "A heading", "Second under heading."),
    ]


def test_a_run_of_short_lines_is_a_list_of_paragraphs_not_lost_headings() -> None:
    dates = [Block(f"June {day} – The Arena, City {day}", heading=True) for day in range(1, 5)]
    extraction = Extraction(
        blocks=(
            Block("The band announced the tour."),
            Block("Tour dates", heading=True),
            *dates,
            Block("Tickets go on sale on Friday."),
        )
    )
    paragraphs = split_paragraphs(extraction)
    assert [(p.section, p.text) for p in paragraphs] == [
        (None, "The band announced the tour."),
        (None, "Tour dates"),
        *[(None, block.text) for block in dates[:-1]],
        ("June 4 – The Arena, City 4", "Tickets go on sale on Friday."),
    ]


def test_article_ids_are_stable_and_relative_to_the_root(tmp_path: Path) -> None:
    first = load_article(INSS, root=INSS.parent.parent)
    again = load_article(INSS, root=INSS.parent.parent)
    assert first.id == again.id == article_id(Path("seeds") / INSS.name, Path.cwd())
    assert len(first.id) == 12


def test_body_text_has_headings_and_paragraphs(tmp_path: Path) -> None:
    article = load_article(INSS)
    assert article.body_text().startswith("Supported by the US-led coalition")
    assert "\n\nAfter eight months of fighting" in article.body_text()


def test_sidecar_completes_and_overrides_metadata(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(INSS.read_text(encoding="utf-8"), encoding="utf-8")
    sidecar = {
        "url": "https://www.inss.org.il/publication/iraq-mosul/",
        "date": "2017-07-06T09:00:00Z",
        "authors": ["E. Shavit"],
        "topics": "Iraq",
    }
    (tmp_path / "page.meta.json").write_text(json.dumps(sidecar))
    article = load_article(page)
    assert article.url == sidecar["url"]
    assert article.date == "2017-07-06"
    assert article.authors == ("E. Shavit",)
    assert article.topics == ("Iraq",)
    assert article.title == "Iraq on the Day after the Liberation of Mosul"  # kept from the page


def test_source_falls_back_to_the_url_host(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Some headline\n\n" + "A long enough body paragraph sentence. " * 5)
    (tmp_path / "page.meta.json").write_text('{"url": "https://www.example.org/x"}')
    assert load_article(page).source == "example.org"


def test_bad_sidecar_date_is_reported(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(INSS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "page.meta.json").write_text('{"date": "last Tuesday"}')
    with pytest.raises(UnreadableFileError, match="not an ISO date"):
        load_article(page)


def test_article_json_shape() -> None:
    data = load_article(INSS).to_json()
    assert set(data) >= {"id", "title", "authors", "date", "topics", "source", "path", "paragraphs"}
    assert set(data["paragraphs"][0]) == {"position", "section", "text"}


def test_a_hash_file_name_is_never_a_title(tmp_path: Path) -> None:
    from corpusearch.extract.pipeline import load_article

    page = tmp_path / "000_8bf490cc8fc391d2.html"
    page.write_text(
        "<html><body><p>"
        + "Plain words of a body without any title at all. " * 6
        + "</p></body></html>",
        encoding="utf-8",
    )
    article = load_article(page)
    assert article.title != "000 8bf490cc8fc391d2"
    assert article.to_json()["title_source"] in {"page", "heading", "file name"}
