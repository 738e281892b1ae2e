"""Finding and reading input files: formats, encodings, bad files, folders."""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import struct
import tempfile
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from corpusearch import UnreadableFileError, UnsupportedFileError
from corpusearch.extract.ingest import (
    MAX_LINES,
    MAX_TEXT_BYTES,
    MAX_VISIBLE_CHARS,
    discover,
    read_source,
)

NOBODY = 65534  # the unprivileged user and group of most Linux systems

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
    (tmp_path / "notes.docx").write_bytes(b"PK")
    found = discover([tmp_path / "missing", tmp_path / "notes.docx"])
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
        (b"Caf\x81 au lait in Mosul", "not UTF-8 or cp1252"),
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


# Bad inputs: each is made for real by the test, reported with a reason, and never fatal.


def _gzip_bomb(path: Path, mebibytes: int) -> None:
    """A valid gzip file of ``mebibytes`` MiB of zeros (4 GiB in about 4 MB), never inflated.

    After a full flush the compressor starts afresh, so every further MiB of zeros compresses
    to the same bytes: one block is computed and repeated.
    """
    zeros = bytes(2**20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip header and trailer
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final deflate block
    with path.open("wb") as file:
        file.write(first)
        for _ in range(mebibytes - 1):
            file.write(block)
        file.write(final)
        file.write(struct.pack("<II", crc, (mebibytes * 2**20) % 2**32))


def test_gzip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"  # 4 MB: within the budget of an HTML file's bytes
    _gzip_bomb(bomb, 4 * 1024)
    assert bomb.stat().st_size < MAX_TEXT_BYTES["html"]
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFileError, match="expands to more than 8 MiB"):
            read_source(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_TEXT_BYTES["html"]  # what is kept, plus a chunk and one copy


def test_a_gzipped_dump_is_held_to_the_dump_budgets(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    _gzip_bomb(bomb, 1024)  # 1 GiB in 1 MB
    with pytest.raises(UnreadableFileError, match="expands to more than 2 MiB"):
        read_source(bomb)
    _gzip_bomb(bomb, 4 * 1024)  # 4 GiB in 4 MB: refused from its size, unread
    with pytest.raises(UnreadableFileError, match="larger than 2 MiB"):
        read_source(bomb)


def test_the_bomb_construction_is_valid_gzip(tmp_path: Path) -> None:
    bomb = tmp_path / "small.txt.gz"
    _gzip_bomb(bomb, 3)  # the same construction, small enough to inflate: the file is sound
    with gzip.open(bomb) as archive:
        assert archive.read() == bytes(3 * 2**20)


def test_truncated_gzip_is_reported(tmp_path: Path) -> None:
    page = "<html><body>" + "<p>A paragraph about the liberation of Mosul.</p>" * 400 + "</body>"
    packed = gzip.compress(page.encode())
    path = tmp_path / "cut.html.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(UnreadableFileError, match="truncated gzip file"):
        read_source(path)


def test_files_over_the_size_budget_are_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(MAX_TEXT_BYTES["text"] + 1)  # sparse: no disk space used
    with pytest.raises(UnreadableFileError, match="larger than 2 MiB"):
        read_source(path)


def test_dumps_over_the_line_budget_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text("a line of a log file\n" * (MAX_LINES + 1))
    with pytest.raises(UnreadableFileError, match="lines, more than a page dump holds"):
        read_source(path)


def test_html_is_held_to_a_budget_of_text_not_of_markup(tmp_path: Path) -> None:
    paragraph = "<p>" + "A paragraph about the liberation of Mosul. " * 10 + "</p>\n"
    page = tmp_path / "long.html"
    page.write_text("<html><body>" + paragraph * (MAX_VISIBLE_CHARS // 300) + "</body></html>")
    with pytest.raises(UnreadableFileError, match="of text outside tags, more than a page holds"):
        read_source(page)
    scripted = tmp_path / "scripted.html"
    script = "<script>var data = [" + "1, " * (MAX_VISIBLE_CHARS // 2) + "];</script>"
    scripted.write_text(f"<html><head>{script}</head><body>{paragraph}</body></html>")
    assert "liberation of Mosul" in read_source(scripted).text


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: bytes(rng.randrange(1, 256) for _ in range(50_000)),  # random, no NUL
        lambda rng: bytes(rng.randrange(0x80, 0x100) for _ in range(50_000)),
        lambda rng: bytes(rng.randrange(0x20, 0x7F) for _ in range(50_000)),  # printable ASCII
        lambda rng: "".join(chr(rng.randrange(0x21, 0x2F)) for _ in range(50_000)).encode(),
        lambda rng: ("\x1b[0m" * 400 + "ok ").encode() * 20,
    ],
    ids=["random-bytes", "high-bytes", "printable-ascii", "punctuation", "escapes"],
)
def test_bytes_that_are_not_text_are_refused(
    tmp_path: Path, make: Callable[[random.Random], bytes]
) -> None:
    path = tmp_path / "noise.txt"
    raw = make(random.Random(7))
    assert b"\0" not in raw
    path.write_bytes(raw)
    with pytest.raises(UnreadableFileError, match="not text"):
        read_source(path)


@pytest.mark.parametrize(
    "text",
    [
        "Мосул освобождён. " * 200,
        "摩苏尔的解放是伊拉克战争的转折点。" * 200,  # no spaces at all
        "मोसुल की मुक्ति के बाद इराक़ में नई चुनौतियाँ। " * 200,  # vowel signs are marks
        "تحرير الموصل من تنظيم الدولة الإسلامية. " * 200,
        "See https://www.example.org/2017/07/06/the-day-after-the-liberation-of-mosul\n" * 50,
    ],
    ids=["russian", "chinese", "hindi", "arabic", "urls"],
)
def test_text_in_any_script_is_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    assert read_source(path).text == text


def _bad_name(folder: Path, name: bytes) -> bytes:
    return os.path.join(os.fsencode(folder), name)


def test_names_that_are_not_utf8_are_reported_and_the_rest_found(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE)
    Path(os.fsdecode(_bad_name(tmp_path, b"caf\xe9.txt"))).write_text(ARTICLE)
    os.mkdir(_bad_name(tmp_path, b"dossier-\xe9t\xe9"))
    Path(os.fsdecode(_bad_name(tmp_path, b"dossier-\xe9t\xe9/inside.txt"))).write_text(ARTICLE)
    found = discover([tmp_path])
    assert [path.name for path in found.files] == ["good.txt"]
    reported = {path.name: reason for path, reason in found.problems}
    assert reported == {
        "caf\\xe9.txt": "file name is not valid UTF-8; rename the file to index it",
        "dossier-\\xe9t\\xe9": "folder name is not valid UTF-8; rename it to index its files",
    }
    for path, reason in found.problems:  # printable and storable as they are
        f"{path}: {reason}".encode()
    given = discover([os.fsdecode(_bad_name(tmp_path, b"dossier-\xe9t\xe9"))])
    assert given.problems == (
        (
            tmp_path / "dossier-\\xe9t\\xe9",
            "folder name is not valid UTF-8; rename it to index its files",
        ),
    )


def test_reading_a_file_named_in_bytes_raises_a_printable_error(tmp_path: Path) -> None:
    path = Path(os.fsdecode(_bad_name(tmp_path, b"caf\xe9.txt")))
    path.write_text(ARTICLE)
    with pytest.raises(UnreadableFileError) as caught:
        read_source(path)
    assert "caf\\xe9.txt: file name is not valid UTF-8" in str(caught.value)
    str(caught.value).encode()
    assert discover([path]).problems[0][0].name == "caf\\xe9.txt"


def test_loops_dangling_links_and_fifos_are_reported(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.txt").write_text(ARTICLE)
    os.symlink(tmp_path, tmp_path / "dir" / "loop")
    os.symlink(tmp_path / "dir", tmp_path / "again")  # not a loop: the same files, found once
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    found = discover([tmp_path])
    assert [path.name for path in found.files] == ["a.txt"]
    reported = {path.name: reason for path, reason in found.problems}
    assert reported == {
        "loop": f"symbolic link loop (to {tmp_path.resolve()}), not followed",
        "dangling.txt": "symbolic link to a missing file (dangling link)",
        "pipe.txt": "not a regular file (a FIFO)",
    }
    given = discover([tmp_path / "pipe.txt", tmp_path / "dangling.txt"])
    assert given.files == ()
    assert len(given.problems) == 2


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening it to read would wait for a writer forever
    with pytest.raises(UnreadableFileError, match="not a regular file"):
        read_source(tmp_path / "pipe.txt")


def test_unreadable_folders_are_reported(tmp_path: Path) -> None:
    top = Path(tempfile.mkdtemp(prefix="corpusearch-unreadable-"))  # reachable by any user
    try:
        top.chmod(0o755)
        (top / "open.txt").write_text(ARTICLE)
        (top / "locked").mkdir()
        (top / "locked" / "a.txt").write_text(ARTICLE)
        (top / "locked").chmod(0)
        out = _discover_as_nobody(top) if os.geteuid() == 0 else _names_found(top)
        assert out == str((["open.txt"], [("locked", "cannot read folder (Permission denied)")]))
    finally:
        (top / "locked").chmod(0o755)
        shutil.rmtree(top)


def _names_found(top: Path) -> str:
    found = discover([top])
    return str(([p.name for p in found.files], [(p.name, r) for p, r in found.problems]))


def _discover_as_nobody(top: Path) -> str:
    """What an unprivileged user finds (root reads every folder): a forked child drops root."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os.write(write_end, _names_found(top).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        out = pipe.read().decode()
    os.waitpid(child, 0)
    return out


@pytest.mark.parametrize(
    ("sidecar", "field", "message"),
    [
        ('{"source": true}', "source", "should be text, not true/false"),
        ('{"title": {"en": "A"}}', "title", "should be text, not an object"),
        ('{"url": ["https://a.org"]}', "url", "should be text, not a list"),
        ('{"authors": [["Jacinto"]]}', "authors", "should be text or a list of text"),
        ('{"topics": [{"name": "Iraq"}]}', "topics", "should be text or a list of text"),
        ('{"date": 2017}', "date", "should be text \\(YYYY-MM-DD\\), not a number"),
    ],
)
def test_sidecar_values_of_the_wrong_type_name_the_file_and_field(
    tmp_path: Path, sidecar: str, field: str, message: str
) -> None:
    path = tmp_path / "page.txt"
    path.write_text(ARTICLE)
    (tmp_path / "page.meta.json").write_text(sidecar)
    with pytest.raises(UnreadableFileError, match=f"page.meta.json: field '{field}' {message}"):
        read_source(path)


def test_sidecar_values_of_the_right_types_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(ARTICLE)
    values = {
        "title": 1984,
        "source": None,
        "authors": "Leela Jacinto",
        "topics": ["Iraq", "Mosul"],
        "date": "2017-07-06",
        "scraper": {"anything": [True]},  # not a field corpusearch reads
    }
    (tmp_path / "page.meta.json").write_text(json.dumps(values))
    assert read_source(path).sidecar == values


def test_an_index_run_reports_every_bad_input_and_indexes_the_rest(tmp_path: Path) -> None:
    from corpusearch import Corpus

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.txt").write_text(ARTICLE * 3)
    _gzip_bomb(pages / "bomb.txt.gz", 1024)
    packed = gzip.compress(("<p>" + "A paragraph about Mosul. " * 40 + "</p>").encode() * 40)
    (pages / "cut.html.gz").write_bytes(packed[: len(packed) // 2])
    Path(os.fsdecode(_bad_name(pages, b"caf\xe9.txt"))).write_text(ARTICLE)
    rng = random.Random(1)
    (pages / "noise.txt").write_bytes(bytes(rng.randrange(1, 256) for _ in range(9000)))
    (pages / "symbols.txt").write_bytes(bytes(rng.randrange(0x20, 0x7F) for _ in range(9000)))
    os.symlink(pages, pages / "loop")
    os.symlink(pages / "missing.txt", pages / "dangling.txt")
    os.mkfifo(pages / "pipe.txt")
    (pages / "sidecar.txt").write_text(ARTICLE)
    (pages / "sidecar.meta.json").write_text('{"source": true}')
    report = Corpus(tmp_path / "index").index([pages])
    assert report.added == 1
    failed = {Path(path).name: reason for path, reason in report.failed}
    assert sorted(failed) == [
        "bomb.txt.gz",
        "caf\\xe9.txt",
        "cut.html.gz",
        "dangling.txt",
        "loop",
        "noise.txt",
        "pipe.txt",
        "sidecar.txt",
        "symbols.txt",
    ]
    assert "expands to more than" in failed["bomb.txt.gz"]
    assert "not text" in failed["noise.txt"]
    assert "not text" in failed["symbols.txt"]
    assert "field 'source' should be text" in failed["sidecar.txt"]
