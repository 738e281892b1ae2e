"""Scraper exports (JSON Lines, CSV) through the record readers: real files written by the tests."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corpusearch.errors import UnreadableFileError, UnsupportedFileError
from corpusearch.extract.formats import (
    InputRecord,
    RecordProblem,
    format_of,
    is_multi_record,
    records_of,
)
from corpusearch.extract.formats.exports import looks_like_page
from seedpaths import SEEDS

BODY = (
    "The offensive to retake Mosul entered its final phase on Thursday, officials said.\n\n"
    "Muqtada al-Sadr threatened to boycott the elections if the electoral law is not changed."
)

OTHER_BODY = (
    "The electoral law was amended by the parliament in Baghdad after weeks of debate.\n"
    "Several parties announced that they would take part in the vote."
)


def _jsonl(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def _split(
    items: list[InputRecord | RecordProblem],
) -> tuple[list[InputRecord], list[RecordProblem]]:
    records = [item for item in items if isinstance(item, InputRecord)]
    problems = [item for item in items if isinstance(item, RecordProblem)]
    return records, problems


def test_jsonl_with_a_broken_line_reports_it_and_reads_the_rest(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "export.jsonl",
        [
            {
                "url": "https://example.org/mosul",
                "title": "Mosul offensive",
                "maintext": BODY,
                "date_publish": "2017-07-06 10:00:00",
                "authors": ["Leela Jacinto"],
                "source_domain": "france24.com",
                "language": "en",
            },
            '{"url": "https://example.org/broken", "title": ',
            "",
            {"title": "a record with no text"},
            {"link": "https://example.org/html", "raw_html": "<html><body><p>Hi</p></body></html>"},
        ],
    )
    records, problems = _split(list(records_of(path)))
    assert [problem.location for problem in problems] == [f"{path}:2", f"{path}:4"]
    assert "not valid JSON" in problems[0].reason
    assert "no text or html field (fields: title)" in problems[1].reason
    first, second = records
    assert first.key == "https://example.org/mosul"
    assert first.kind == "body"
    assert first.text == BODY
    assert (first.title, first.authors, first.date, first.source, first.language) == (
        "Mosul offensive",
        ("Leela Jacinto",),
        "2017-07-06",
        "france24.com",
        "en",
    )
    assert first.location == f"{path}:1"
    assert second.kind == "html"
    assert second.url == "https://example.org/html"


def test_gzipped_jsonl_reads_the_same_records(tmp_path: Path) -> None:
    rows: list[dict[str, Any] | str] = [{"url": "https://example.org/a", "text": BODY}]
    plain = list(records_of(_jsonl(tmp_path / "a.jsonl", rows)))
    zipped = list(records_of(_jsonl(tmp_path / "a.jsonl.gz", rows)))
    assert [r.digest for r in plain if isinstance(r, InputRecord)] == [
        r.digest for r in zipped if isinstance(r, InputRecord)
    ]


def test_csv_with_a_bom_and_a_multiline_cell(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    text = (
        "url,headline,content,published,author\r\n"
        f'https://example.org/1,"Mosul, the day after","{BODY}",2017-07-06,"Eldad Shavit; Joshua Schwartz"\r\n'
        "https://example.org/2,Second,A body.,July 7 2017,\r\n"
        "https://example.org/3,Third,Another body.,someday,\r\n"
        "https://example.org/4,Too many,cells,2017-01-01,x,y\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    stream = records_of(path)
    records, problems = _split(list(stream))
    assert [r.url for r in records] == [
        "https://example.org/1",
        "https://example.org/2",
        "https://example.org/3",
    ]
    first = records[0]
    assert first.title == "Mosul, the day after"
    assert first.text.replace("\r\n", "\n") == BODY
    assert first.authors == ("Eldad Shavit", "Joshua Schwartz")
    assert first.date == "2017-07-06"
    # the first record spans lines 2-4 (its text holds a blank line): the next ones start after
    assert [r.location for r in records] == [f"{path}:2", f"{path}:5", f"{path}:6"]
    assert records[1].date == "2017-07-07"
    assert records[2].date is None  # kept, undated, and counted
    assert stream.skipped == {"date not understood (kept, undated)": 1}
    assert [p.location for p in problems] == [f"{path}:7"]


def test_a_sidecar_maps_fields_and_says_what_the_text_is(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "custom.jsonl",
        [{"story": BODY, "meta": {"published": "2019-03-01"}, "permalink": "https://x.org/s"}],
    )
    sidecar = {
        "fields": {"text": "story", "date": "meta.published", "url": "permalink"},
        "text_is": "page",
        "source": "Example Times",
    }
    (tmp_path / "custom.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    (record,) = list(records_of(path))
    assert isinstance(record, InputRecord)
    assert (record.kind, record.date, record.url, record.source) == (
        "page-text",
        "2019-03-01",
        "https://x.org/s",
        "Example Times",
    )
    # an option given by the caller wins over the sidecar
    (again,) = list(records_of(path, fields={"url": "nope"}))
    assert isinstance(again, InputRecord) and again.url is None and again.key == "line:1"


def test_a_bad_sidecar_is_one_problem(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "x.jsonl", [{"text": BODY}])
    (tmp_path / "x.meta.json").write_text('{"fields": {"body": "story"}}', encoding="utf-8")
    (problem,) = list(records_of(path))
    assert isinstance(problem, RecordProblem)
    assert "unknown field 'body'" in problem.reason


def test_a_grown_export_keeps_the_keys_and_digests_of_its_old_records(tmp_path: Path) -> None:
    rows: list[dict[str, Any] | str] = [{"text": f"Body number {i}. " * 5} for i in range(3)]
    path = _jsonl(tmp_path / "grow.jsonl", rows)
    before = {r.key: r.digest for r in records_of(path) if isinstance(r, InputRecord)}
    _jsonl(path, [*rows, {"url": "https://example.org/new", "text": BODY}])
    after = {r.key: r.digest for r in records_of(path) if isinstance(r, InputRecord)}
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {"https://example.org/new"}


def test_trafilatura_json_output_is_read_as_an_extracted_body(tmp_path: Path) -> None:
    import trafilatura

    html = (Path(__file__).parent / "fixtures" / "html" / "article.html").read_text(
        encoding="utf-8"
    )
    exported = trafilatura.extract(html, output_format="json", with_metadata=True)
    path = tmp_path / "trafilatura.jsonl"
    path.write_text(exported.replace("\n", " ").strip() + "\n", encoding="utf-8")
    (record,) = list(records_of(path))
    assert isinstance(record, InputRecord)
    row = json.loads(exported)
    assert record.kind == "body"
    assert record.text == row["text"]
    assert record.url == row["source"]  # trafilatura's "source" is the page's URL
    assert record.source == row["source-hostname"]
    assert record.authors == tuple(row["author"].split("; "))
    assert record.topics == tuple(row["tags"].split(";"))
    assert record.date == row["date"]


def test_a_url_exported_twice_keeps_its_later_record(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "rescraped.jsonl",
        [
            {"url": "https://example.org/a", "text": "First version."},
            {"url": "https://example.org/b", "text": BODY},
            {"url": "https://example.org/a", "text": "Second version."},
        ],
    )
    stream = records_of(path)
    records = [item for item in stream if isinstance(item, InputRecord)]
    assert [(r.key, r.text, r.location) for r in records] == [
        ("https://example.org/b", BODY, f"{path}:2"),
        ("https://example.org/a", "Second version.", f"{path}:3"),
    ]
    assert stream.skipped == {"earlier record of a repeated URL": 1}


def test_text_that_is_markup_is_taken_as_html(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "scrapy.jsonl", [{"url": "u", "body": "<!DOCTYPE html><html></html>"}])
    (record,) = list(records_of(path))
    assert isinstance(record, InputRecord) and record.kind == "html"


def test_a_whole_page_dump_is_told_from_an_extracted_body() -> None:
    page = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    assert looks_like_page(page)
    assert not looks_like_page(BODY)


def test_the_registry_names_the_formats(tmp_path: Path) -> None:
    assert format_of(Path("a/b.JSONL.gz")) == ".jsonl.gz"
    assert format_of(Path("x.warc.gz")) == ".warc.gz"
    assert is_multi_record(Path("r.pdf"))
    assert not is_multi_record(Path("page.html"))
    with pytest.raises(UnsupportedFileError):
        records_of(tmp_path / "page.txt")


def test_reading_a_missing_export_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (problem,) = list(records_of(tmp_path / "gone.jsonl"))
    assert isinstance(problem, RecordProblem)
    assert problem.location.startswith(str(tmp_path / "gone.jsonl"))


def test_importing_corpusearch_loads_no_format_library() -> None:
    code = (
        "import sys, corpusearch, corpusearch.extract.formats, corpusearch.extract.language;"
        "print(sorted(m for m in ('warcio', 'pypdf', 'py3langid', 'numpy', 'reportlab')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_format_becomes_searchable_articles(tmp_path: Path) -> None:
    """A folder with an export, a web archive and a PDF report: every record is an article with
    its metadata, in a real index, found by a search (today's English analysis)."""
    pytest.importorskip("reportlab")
    pytest.importorskip("warcio")
    pytest.importorskip("py3langid")
    pytest.importorskip("pypdf")
    from corpusearch import Corpus
    from corpusearch.extract.formats.articles import article_from_record
    from test_pdf import _report
    from test_warc import _archive

    folder = tmp_path / "inputs"
    folder.mkdir()
    _jsonl(
        folder / "news.jsonl",
        [
            {
                "url": "https://example.org/a",
                "title": "Electoral law",
                "text": OTHER_BODY,
                "date": "2017-07-06",
            },
            "{broken",
        ],
    )
    _archive(folder / "site.warc.gz")
    pdf = _report(folder / "report.pdf")
    articles = {}
    problems = []
    for path in sorted(folder.iterdir()):
        for item in records_of(path):
            if isinstance(item, RecordProblem):
                problems.append(str(item))
                continue
            try:
                read = article_from_record(item, root=tmp_path)
            except UnreadableFileError as error:
                problems.append(str(error))
                continue
            articles[read.article.url or read.article.path] = read
    broken, short = problems
    assert broken.startswith(f"{folder / 'news.jsonl'}:2: not valid JSON")
    assert short.startswith(f"{folder / 'site.warc.gz'}@")  # the one-line French page
    assert short.endswith(": no article text found")
    assert set(articles) == {
        "https://example.org/a",
        "https://example.org/mosul",
        str(pdf),
    }
    mosul = articles["https://example.org/mosul"]
    assert mosul.captured == "2017-07-09T08:00:00Z"
    assert mosul.article.title == "Mosul after the battle"
    assert mosul.language == "en"
    report = articles[str(pdf)]
    assert report.pages == (1, 1, 1, 1, 2)
    assert report.article.date == "2017-07-06"
    assert articles["https://example.org/a"].article.paragraphs[1].text.startswith("Several")
    corpus = Corpus(tmp_path / "index")
    corpus.add(read.article for read in articles.values())
    found = {hit.article for hit in corpus.search("reconstruction", limit=5).hits}
    assert found == {report.article.id}
    # each record by a word only it has
    assert {hit.url for hit in corpus.search("parliament", limit=5).hits} == {
        "https://example.org/a"
    }
    assert {hit.url for hit in corpus.search("Thursday", limit=5).hits} == {
        "https://example.org/mosul"
    }
