"""The timeline: counting dates into months or years, its text block, JSON and inline SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from corpusearch import Corpus
from corpusearch.timeline import Bin, timeline_for, timeline_of

SVG = "{http://www.w3.org/2000/svg}"


def test_months_are_contiguous_and_undated_are_counted_apart() -> None:
    timeline = timeline_of(["2017-07-06", "2017-07-30", "2017-04", None, "n.d.", "2017"])
    assert timeline.unit == "month"
    assert [(b.period, b.count) for b in timeline.bins] == [
        ("2017-04", 1),
        ("2017-05", 0),
        ("2017-06", 0),
        ("2017-07", 2),
    ]
    assert timeline.undated == 3  # None, unreadable, and a year without its month
    assert timeline.dated == 3
    assert timeline.to_json()["bins"][-1] == {"period": "2017-07", "count": 2}


def test_a_long_span_is_counted_by_year() -> None:
    timeline = timeline_of(["2001-01-01", "2010-05-05", "2010", "2004-02"])
    assert timeline.unit == "year"
    assert len(timeline.bins) == 10
    assert timeline.bins[0] == Bin("2001", 1) and timeline.bins[-1] == Bin("2010", 2)
    assert timeline_of(["2017-01"], unit="year").bins == (Bin("2017", 1),)
    with pytest.raises(ValueError):
        timeline_of([], unit="week")


def test_text_block_rows_and_sparkline() -> None:
    rows = timeline_of(["2017-05-01", "2017-07-01", "2017-07-02"]).text()
    assert rows.splitlines()[0] == "Timeline by month: 3 dated articles"
    assert rows.splitlines()[-1].startswith("  2017-07 ") and rows.endswith(" 2")
    spark = timeline_of([f"{year}-03" for year in range(1990, 2021)], unit="month").text()
    assert "1990-03 █" in spark and "peak 1990-03 (1)" in spark
    assert timeline_of([None]).text() == "Timeline: no dated articles (1 undated)"


def test_svg_is_well_formed_has_no_script_and_links_each_non_empty_period() -> None:
    timeline = timeline_of(["2017-05-01", "2017-07-01", "2017-07-02"])
    svg = timeline.svg(lambda b: f"/?q=a&since={b.since}&until={b.until}", label='"<x>"')
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("aria-label") == '"<x>"'
    links = root.findall(f"{SVG}a")
    assert [a.get("href") for a in links] == [
        "/?q=a&since=2017-05&until=2017-05",
        "/?q=a&since=2017-07&until=2017-07",
    ]
    assert links[1].findtext(f"{SVG}title") == "2017-07: 2 articles"
    assert "script" not in svg.lower() and " on" not in svg
    assert timeline_of([]).svg() == ""


def test_timeline_for_a_search_counts_articles_not_paragraphs(corpus: Corpus) -> None:
    timeline = timeline_for(corpus, "Mosul")
    articles = corpus.search("Mosul", group=True).total
    assert timeline.dated + timeline.undated == articles
    assert timeline.dated >= 1
