"""Incremental, idempotent indexing on a real on-disk Whoosh index."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpusearch import Corpus, IndexLockedError
from corpusearch.engine.index import update_index


def test_second_run_changes_nothing(tmp_path: Path, seeds_copy: Path) -> None:
    corpus = Corpus(tmp_path / "index")
    first = corpus.index([seeds_copy])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    files_before = sorted(p.name for p in (tmp_path / "index").iterdir())
    second = corpus.index([seeds_copy])
    assert (second.added, second.updated, second.unchanged, second.removed) == (0, 0, 2, 0)
    assert not second.changed
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == files_before


def test_changed_file_replaces_its_paragraphs(tmp_path: Path, seeds_copy: Path) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.index([seeds_copy])
    paragraphs = sum(a.paragraphs for a in corpus.articles())
    page = seeds_copy / "003_f505fbb7fe865b80.txt"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Peter Moore", "Peter Zanzibarian"), encoding="utf-8")
    report = corpus.index([seeds_copy])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert corpus.search("Zanzibarian").total == 1
    assert corpus.search('"Peter Moore"').total == 0
    assert sum(a.paragraphs for a in corpus.articles()) == paragraphs


def test_deleted_file_leaves_the_index(tmp_path: Path, seeds_copy: Path) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.index([seeds_copy])
    (seeds_copy / "003_f505fbb7fe865b80.txt").unlink()
    report = corpus.index([seeds_copy])
    assert report.removed == 1
    assert [a.source for a in corpus.articles()] == ["INSS"]


def test_prune_drops_vanished_files_outside_the_given_paths(
    tmp_path: Path, seeds_copy: Path
) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.index([seeds_copy])
    (seeds_copy / "000_8bf490cc8fc391d2.txt").unlink()
    other = tmp_path / "other"
    other.mkdir()
    assert corpus.index([other]).removed == 0
    assert corpus.index([other], prune=True).removed == 1


def test_bad_files_are_reported_and_skipped(tmp_path: Path, seeds_copy: Path) -> None:
    (seeds_copy / "empty.txt").write_text("")
    (seeds_copy / "binary.txt").write_bytes(b"\x00\x01\x02")
    (seeds_copy / "broken.html.gz").write_bytes(b"not gzip")
    report = Corpus(tmp_path / "index").index([seeds_copy, tmp_path / "missing"])
    assert report.added == 2
    failed = {Path(path).name: reason for path, reason in report.failed}
    assert set(failed) == {"empty.txt", "binary.txt", "broken.html.gz", "missing"}
    assert failed["empty.txt"] == "empty file"


def test_an_exception_mid_run_leaves_the_index_unlocked_and_intact(
    tmp_path: Path, seeds_copy: Path
) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.index([seeds_copy / "000_8bf490cc8fc391d2.txt"])

    def explode(done: int, total: int, path: Path) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        update_index(tmp_path / "index", [seeds_copy], progress=explode)
    assert len(corpus.articles()) == 1  # the cancelled run wrote nothing
    assert corpus.index([seeds_copy]).added == 1  # and the lock was released


def test_a_locked_index_gives_a_clear_error(
    tmp_path: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh import index as whoosh_index

    monkeypatch.setattr("corpusearch.engine.index.LOCK_WAIT", 0.1)
    corpus = Corpus(tmp_path / "index")
    corpus.index([seeds_copy / "000_8bf490cc8fc391d2.txt"])
    ix = whoosh_index.open_dir(str(tmp_path / "index"), indexname="paragraphs")
    writer = ix.writer()
    try:
        with pytest.raises(IndexLockedError):
            update_index(tmp_path / "index", [seeds_copy], progress=None)
    finally:
        writer.cancel()


def test_searcher_sees_a_reindexed_corpus_without_reopening(
    tmp_path: Path, seeds_copy: Path
) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.index([seeds_copy / "000_8bf490cc8fc391d2.txt"])
    assert corpus.search("Khazali").total == 0
    Corpus(tmp_path / "index").index([seeds_copy])
    assert corpus.search("Khazali").total > 0


def test_an_index_of_another_version_is_refused_then_rebuilt_with_all_its_files(
    tmp_path: Path, seeds_copy: Path
) -> None:
    from corpusearch import IndexNotFoundError
    from corpusearch.engine.index import VERSION_FILE

    index = tmp_path / "index"
    corpus = Corpus(index)
    corpus.index([seeds_copy / "000_8bf490cc8fc391d2.txt"])
    corpus.index([seeds_copy / "003_f505fbb7fe865b80.txt"])
    (index / VERSION_FILE).write_text("0\n")
    with pytest.raises(IndexNotFoundError, match="another version"):
        Corpus(index).search("Mosul")
    report = Corpus(index).index([seeds_copy / "003_f505fbb7fe865b80.txt"])
    assert report.added == 2  # the file given and the one the old index held
    assert len(Corpus(index).articles()) == 2


def test_indexing_saves_stems_so_searches_need_no_nltk(tmp_path: Path, seeds_copy: Path) -> None:
    import json

    from corpusearch.engine.analysis import STEMS_FILE

    Corpus(tmp_path / "index").index([seeds_copy])
    stems = json.loads((tmp_path / "index" / STEMS_FILE).read_text())
    assert stems["liberation"] == "liber"


def test_a_bad_sidecar_skips_its_file_only(tmp_path: Path, seeds_copy: Path) -> None:
    (seeds_copy / "000_8bf490cc8fc391d2.meta.json").write_text('{"authors": 5}')
    report = Corpus(tmp_path / "index").index([seeds_copy])
    assert report.added == 1
    [(path, reason)] = report.failed
    assert path.endswith("000_8bf490cc8fc391d2.txt") and "should be text" in reason


def test_the_same_files_through_a_symlink_are_not_indexed_twice(
    tmp_path: Path, seeds_copy: Path
) -> None:
    corpus = Corpus(tmp_path / "index")
    corpus.index([seeds_copy])
    (tmp_path / "link").symlink_to(seeds_copy)
    report = corpus.index([tmp_path / "link"])
    assert report.added == 0 and report.unchanged == 2
    assert sum(a.paragraphs for a in corpus.articles()) == corpus.search(
        "", source="INSS"
    ).total + (corpus.search("", source="France 24").total)


def test_an_interrupted_version_rebuild_loses_no_article(tmp_path: Path, seeds_copy: Path) -> None:
    from corpusearch.engine.index import VERSION_FILE

    index = tmp_path / "index"
    Corpus(index).index([seeds_copy])
    (index / VERSION_FILE).write_text("0\n")
    other = tmp_path / "other"
    other.mkdir()
    (other / "page.txt").write_text("A headline\n\n" + "A paragraph of real body text here. " * 5)

    def interrupt(done: int, total: int, path: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        update_index(index, [other], progress=interrupt)
    report = Corpus(index).index([other])
    assert report.added == 3  # the two seeds the old index held, and the new page
    assert len(Corpus(index).articles()) == 3


def test_add_rejects_a_non_iso_date_clearly(tmp_path: Path) -> None:
    from corpusearch import Article, Paragraph, UnreadableFileError

    article = Article("a1", "x", "Title", (Paragraph(1, None, "Text."),), date="July 2017")
    with pytest.raises(UnreadableFileError, match="not ISO"):
        Corpus(tmp_path / "index").add([article])
