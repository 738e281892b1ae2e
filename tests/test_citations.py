"""Citations of hits and paragraphs, each format parsed back by a reader of that format."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import Any

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON

from corpusearch import Corpus
from corpusearch.citations import (
    FORMATS,
    Citable,
    UnknownFormatError,
    citation,
    cite_paragraphs,
    cite_search,
    render,
)
from corpusearch.errors import ArticleNotFoundError

AWKWARD = Citable(
    id="abc123-7",
    article="abc123",
    position=7,
    title="Braces {and} 100% & $cash_flow ~ #1 \\ back",
    authors=("Leela Jacinto", "Cher"),
    date="2017-07-06",
    source="Evil & Co",
    url="https://example.org/a_b?x=1&y=2",
    section="Who are they?",
    text='He said "no" — twice.\nThen left.',
    score=1.5,
)


@pytest.fixture(scope="module")
def hits(corpus: Corpus) -> tuple[Citable, ...]:
    records = cite_search(corpus, "Muqtada al-Sadr", limit=5)
    assert len(records) == 5
    return records


def test_a_search_gives_one_record_per_hit_in_rank_order(corpus: Corpus) -> None:
    result = corpus.search("Muqtada al-Sadr", limit=5)
    records = cite_search(corpus, "Muqtada al-Sadr", limit=5)
    assert [r.id for r in records] == [h.id for h in result.hits]
    assert render(result.hits, "json") == render(records, "json")  # hits are citable as they are


def test_a_paragraph_id_is_citable_with_its_article_metadata(corpus: Corpus) -> None:
    hit = corpus.search("Muqtada al-Sadr", limit=1).hits[0]
    (record,) = cite_paragraphs(corpus, [hit.id])
    assert record == replace(Citable.of(hit), score=None)
    with pytest.raises(ArticleNotFoundError):
        cite_paragraphs(corpus, [f"{hit.article}-999"])
    with pytest.raises(ArticleNotFoundError):
        cite_paragraphs(corpus, ["nonsense"])


def test_csv_parses_back_with_a_citation_per_row(hits: tuple[Citable, ...]) -> None:
    rows = list(csv.DictReader(io.StringIO(render(hits, "csv"))))
    assert [row["id"] for row in rows] == [h.id for h in hits]
    for row, hit in zip(rows, hits, strict=True):
        assert row["paragraph"] == str(hit.position) and row["text"] == hit.text
        assert row["citation"] == citation(hit)


def test_json_parses_back(hits: tuple[Citable, ...]) -> None:
    data = json.loads(render(hits, "json"))
    assert [d["id"] for d in data] == [h.id for h in hits]
    assert data[0]["text"] == hits[0].text and data[0]["paragraph"] == hits[0].position


def test_ris_parses_back_with_rispy(hits: tuple[Citable, ...]) -> None:
    entries = rispy.loads(render([*hits, AWKWARD], "ris"))
    assert len(entries) == len(hits) + 1
    for entry, hit in zip(entries, [*hits, AWKWARD], strict=True):
        assert entry["type_of_reference"] == "ELEC"
        assert entry["id"] == hit.id
        assert entry["title"] == hit.title
        assert len(entry.get("authors", [])) == len(hit.authors)
        assert " ".join(hit.text.split()) in entry["notes"][0]
        assert f"Paragraph {hit.position}" in entry["notes"][0]
        if hit.url:
            assert entry["urls"] == [hit.url]
    awkward = entries[-1]
    assert awkward["authors"] == ["Jacinto, Leela", "Cher"]
    assert awkward["year"] == "2017" and awkward["date"] == "2017/07/06/"
    assert awkward["secondary_title"] == "Evil & Co"


def _bibtex(text: str) -> Any:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    return library


def test_bibtex_parses_back_with_bibtexparser(hits: tuple[Citable, ...]) -> None:
    library = _bibtex(render([*hits, AWKWARD], "bibtex"))
    assert [entry.key for entry in library.entries] == [h.id for h in [*hits, AWKWARD]]
    for entry, hit in zip(library.entries, [*hits, AWKWARD], strict=True):
        assert entry.entry_type == "online"
        assert entry["title"].strip("{}") == hit.title
        assert " ".join(hit.text.split()) in entry["note"]
    awkward = library.entries[-1]
    assert awkward["author"] == "Jacinto, Leela and Cher"
    assert awkward["organization"] == "Evil & Co"
    assert awkward["url"] == AWKWARD.url
    assert awkward["date"] == "2017-07-06"


def test_csl_json_is_read_and_formatted_by_citeproc(hits: tuple[Citable, ...]) -> None:
    items = json.loads(render([*hits, AWKWARD], "csl-json"))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    assert any("Jacinto, L." in entry and "2017" in entry for entry in rendered)
    awkward = items[-1]
    assert awkward["author"] == [{"family": "Jacinto", "given": "Leela"}, {"literal": "Cher"}]
    assert awkward["issued"] == {"date-parts": [[2017, 7, 6]]}


def test_every_format_has_one_record_per_hit(hits: tuple[Citable, ...]) -> None:
    for fmt in FORMATS:
        text = render(hits, fmt)
        assert text.strip(), fmt
    assert render(hits, "ris").count("ER  - ") == len(hits)
    assert render(hits, "bibtex").count("@online{") == len(hits)


def test_an_unknown_format_is_a_library_error() -> None:
    with pytest.raises(UnknownFormatError, match="unknown citation format"):
        render([AWKWARD], "docx")
