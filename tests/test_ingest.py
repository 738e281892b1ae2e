"""Finding and reading input files: formats, encodings, bad files, folders."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from corpusearch import UnreadableFileError, UnsupportedFileError
from corpusearch.extract.ingest import discover, read_source

ARTICLE = "A title\n\nA first paragraph of the article, long enough to be body text.\n"


def test_discover_recurses_skips_hidden_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>x</p>")
    (tmp_path / "sub" / "c.HTM").write_text("<p>x</p>")
    (tmp_path / "sub" / "d.txt.gz").write_bytes(gzip.compress(ARTICLE.encode()))
    (tmp_path / ".hidden.txt").write_text(ARTICLE)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "e.txt").write_text(ARTICLE)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "a.meta.json").write_text("{}")
    found = discover([tmp_path])
    names = sorted(path.name for path in found.files)
    assert names == ["a.txt", "b.html", "c.HTM", "d.txt.gz"]
    assert found.problems == ()


def test_discover_survives_symlink_loops_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.txt").write_text(ARTICLE)
    os.symlink(tmp_path, tmp_path / "dir" / "loop")
    found = discover([tmp_path, tmp_path / "dir", tmp_path / "dir" / "a.txt"])
    assert [path.name for path in found.files] == ["a.txt"]


def test_discover_reports_missing_and_unsupported_paths(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    found = discover([tmp_path / "missing", tmp_path / "notes.pdf"])
    assert found.files == ()
    assert [reason for _, reason in found.problems] == [
        "no such file or directory",
        "unsupported file type (expected .txt, .html or .htm)",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Café in Mosul".encode(), "Café in Mosul"),
        (b"\xef\xbb\xbfCaf\xc3\xa9", "Café"),
        ("Café “quoted”".encode("cp1252"), "Café “quoted”"),
        (b"line one\r\nline two\r", "line one\nline two\n"),
    ],
)
def test_decoding_utf8_bom_and_cp1252(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(raw)
    assert read_source(path).text == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"\x81\x8d\x8f\x90\x9d", "not UTF-8 or cp1252"),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(raw)
    with pytest.raises(UnreadableFileError, match=message):
        read_source(path)


def test_corrupt_gzip_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "bad.txt.gz").write_bytes(b"not gzip at all")
    with pytest.raises(UnreadableFileError, match="cannot read"):
        read_source(tmp_path / "bad.txt.gz")
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(UnsupportedFileError):
        read_source(tmp_path / "x.docx")


def test_sidecar_is_read_and_changes_the_digest(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(ARTICLE)
    before = read_source(path).digest
    (tmp_path / "page.meta.json").write_text('{"url": "https://example.org/a"}')
    source = read_source(path)
    assert source.sidecar == {"url": "https://example.org/a"}
    assert source.digest != before


def test_bad_sidecar_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(ARTICLE)
    (tmp_path / "page.txt.meta.json").write_text("{not json")
    with pytest.raises(UnreadableFileError, match="not a valid JSON sidecar"):
        read_source(path)
