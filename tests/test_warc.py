"""Web archives through the WARC reader: real archives written by warcio in the tests."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from corpusearch.extract.formats import InputRecord, RecordProblem, records_of

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PAGE = (
    "<html lang='en'><head><title>Mosul after the battle</title>"
    "<meta name='author' content='Leela Jacinto'></head><body><article><h1>Mosul after the battle</h1>"
    "<p>The offensive to retake Mosul entered its final phase on Thursday, officials said.</p>"
    "<p>Muqtada al-Sadr threatened to boycott the elections.</p></article></body></html>"
)


def _response(
    writer: WARCWriter,
    url: str,
    status: str,
    content_type: str,
    body: bytes,
    date: str,
    *,
    record_type: str = "response",
) -> None:
    headers = [("Content-Type", content_type)]
    if status.startswith("3"):
        headers.append(("Location", "https://example.org/elsewhere"))
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        record_type,
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def _archive(path: Path) -> Path:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        old = PAGE.replace("final phase", "first phase").encode("utf-8")
        _response(
            writer, "https://example.org/mosul", "200 OK", "text/html", old, "2017-07-01T08:00:00Z"
        )
        _response(
            writer,
            "https://example.org/mosul",
            "200 OK",
            "text/html; charset=utf-8",
            PAGE.encode("utf-8"),
            "2017-07-09T08:00:00Z",
        )
        _response(
            writer,
            "https://example.org/old",
            "301 Moved Permanently",
            "text/html",
            b"",
            "2017-07-09T08:00:01Z",
        )
        _response(
            writer,
            "https://example.org/map.png",
            "200 OK",
            "image/png",
            b"\x89PNG\r\n",
            "2017-07-09T08:00:02Z",
        )
        _response(
            writer,
            "https://example.org/gone",
            "404 Not Found",
            "text/html",
            b"<p>no</p>",
            "2017-07-09T08:00:03Z",
        )
        french = "<html><body><p>Le café de la rédaction.</p></body></html>".encode("cp1252")
        _response(
            writer,
            "https://example.org/fr",
            "200 OK",
            "text/html; charset=windows-1252",
            french,
            "2017-07-09T08:00:04Z",
        )
    return path


@pytest.mark.parametrize("name", ["site.warc.gz", "site.warc"])
def test_html_pages_are_records_and_the_rest_is_counted(tmp_path: Path, name: str) -> None:
    path = _archive(tmp_path / name)
    stream = records_of(path)
    items = list(stream)
    assert all(isinstance(item, InputRecord) for item in items)
    records = [item for item in items if isinstance(item, InputRecord)]
    assert [r.url for r in records] == ["https://example.org/mosul", "https://example.org/fr"]
    mosul = records[0]
    assert mosul.kind == "html"
    assert mosul.key == mosul.url
    assert "final phase" in mosul.text  # the latest capture, not the first
    assert mosul.captured == "2017-07-09T08:00:00Z"
    assert mosul.date is None  # the publication date is the page's to say, not the archive's
    assert mosul.location.startswith(f"{path}@")
    assert "Le café de la rédaction." in records[1].text  # decoded by its declared charset
    assert stream.skipped == {
        "older capture": 1,
        "redirect": 1,
        "not html": 1,
        "error response": 1,
    }
    assert stream.summary() == "1 error response, 1 not html, 1 older capture, 1 redirect"


def test_a_new_capture_changes_only_its_own_record(tmp_path: Path) -> None:
    path = _archive(tmp_path / "site.warc.gz")
    before = {r.key: r.digest for r in records_of(path) if isinstance(r, InputRecord)}
    with path.open("ab") as stream:
        writer = WARCWriter(stream, gzip=True)
        _response(
            writer,
            "https://example.org/new",
            "200 OK",
            "text/html",
            PAGE.encode(),
            "2017-08-01T00:00:00Z",
        )
    after = {r.key: r.digest for r in records_of(path) if isinstance(r, InputRecord)}
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {"https://example.org/new"}


def test_a_file_that_is_no_archive_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("this is not a web archive\n", encoding="utf-8")
    items = list(records_of(path))
    assert len(items) == 1 and isinstance(items[0], RecordProblem)
    assert items[0].location.startswith(str(path))


def test_a_cut_archive_keeps_the_pages_before_the_cut(tmp_path: Path) -> None:
    path = _archive(tmp_path / "site.warc.gz")
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 40])
    items = list(records_of(cut))
    assert any(
        isinstance(item, InputRecord) and item.url == "https://example.org/mosul" for item in items
    )
    assert any(isinstance(item, RecordProblem) for item in items)
