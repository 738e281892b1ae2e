"""The seeds end to end: every body paragraph indexed, no boilerplate, exact metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpusearch import Corpus
from seedpaths import FRANCE24, INSS

HEADINGS = {
    "What are some of the main challenges facing the post-conflict battle plan?",
    "Who are these Shiite groups ?",
    "What are the challenges they pose ?",
}


def body_lines(path: Path, first: str, last: str) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i, line in enumerate(lines) if line.startswith(last))
    return [line for line in lines[start : end + 1] if line and line not in HEADINGS]


@pytest.mark.parametrize(
    ("path", "first", "last", "count"),
    [
        (INSS, "Supported by the US-led coalition", "In conclusion, the liberation", 10),
        (FRANCE24, "Mosul, Iraq’s second-largest city", "But given all the diverse", 23),
    ],
)
def test_every_body_paragraph_is_indexed_in_order(
    corpus: Corpus, path: Path, first: str, last: str, count: int
) -> None:
    summary = next(a for a in corpus.articles() if a.path == str(path))
    article = corpus.article(summary.id)
    expected = body_lines(path, first, last)
    assert len(expected) == count
    assert [p.text for p in article.paragraphs] == expected
    assert [p.position for p in article.paragraphs] == list(range(1, count + 1))


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Cognitive Warfare",
        "Page not found",
        "bool",
        "Registration was successful",
        "Haim Levanon",
        "reCAPTCHA",
        "Shutterstock",
        "Ronen Topelberg",
        "Skip to main content",
        "opinions expressed",
        "Nuclear Talks",
        "Annual International Conference",
    ],
)
def test_boilerplate_is_not_searchable(corpus: Corpus, boilerplate: str) -> None:
    assert corpus.search(f'"{boilerplate}"').total == 0


def test_inss_metadata(corpus: Corpus) -> None:
    summary = next(a for a in corpus.articles() if a.path == str(INSS))
    assert summary.title == "Iraq on the Day after the Liberation of Mosul"
    assert summary.source == "INSS"
    assert summary.authors == ("Eldad Shavit", "Joshua Schwartz")
    assert summary.date == "2017-07-06"
    assert summary.series == "INSS Insight No. 949"
    assert summary.topics == (
        "Iran",
        "Iraq and the Iraqi Shiite Militias",
        "Islamic State",
        "Israel-United States Relations",
    )


def test_france24_metadata(corpus: Corpus) -> None:
    summary = next(a for a in corpus.articles() if a.path == str(FRANCE24))
    assert summary.title == "The difficulty of drafting a ‘day after’ plan for Iraq's Mosul"
    assert summary.source == "France 24"
    assert summary.authors == ("Leela Jacinto",)
    assert summary.date is None


def test_sections_are_headings_not_paragraphs(corpus: Corpus) -> None:
    summary = next(a for a in corpus.articles() if a.path == str(FRANCE24))
    article = corpus.article(summary.id)
    sections = {p.section for p in article.paragraphs}
    assert sections == {None, *HEADINGS}
    muqtada = next(p for p in article.paragraphs if p.text.startswith("One of the most"))
    assert muqtada.section == "Who are these Shiite groups ?"
