"""Saved searches: stored beside the index, surviving re-indexing, reporting only what is new."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corpusearch import Corpus
from corpusearch.errors import QueryError
from corpusearch.records import Article, Paragraph
from corpusearch.saved import SAVED_FILE, SCHEMA_VERSION, SavedSearchError, SavedSearches

NEW_ARTICLE = """Kataib Hezbollah claims new drone strike | Example Wire
By Jane Analyst
March 3, 2024

Kataib Hezbollah said on Sunday that its fighters launched a drone at a base in eastern Syria, the third such claim by the group this month, according to a statement on its channels.

The Iraqi militia, which is backed by Iran, has stepped up its attacks since January, and officials in Baghdad said they were trying to restrain the group without confronting it openly.

Analysts said the strikes were meant to show that the militia could act on its own, while leaders in Tehran preferred to keep the pressure on without a wider war in the region.
"""


@pytest.fixture
def indexed(seeds_copy: Path, tmp_path: Path) -> tuple[Corpus, Path]:
    """A writable index of a copy of the seeds, and that copy's folder."""
    corpus = Corpus(tmp_path / "index")
    assert corpus.index([seeds_copy]).added == 2
    return corpus, seeds_copy


def test_add_list_get_remove(indexed: tuple[Corpus, Path]) -> None:
    corpus, _ = indexed
    saved = SavedSearches(corpus)
    added = saved.add("militias", "Kataib Hezbollah", since="2000", author=None)
    assert added.filters == (("since", "2000"),) and added.last_run is None
    assert saved.path == corpus.path / SAVED_FILE and saved.path.exists()
    assert [s.name for s in saved.list()] == ["militias"]
    assert saved.get("militias").query == "Kataib Hezbollah"
    with pytest.raises(SavedSearchError, match="exists"):
        saved.add("militias", "other")
    assert saved.add("militias", "other", replace=True).query == "other"
    saved.remove("militias")
    assert saved.list() == ()
    with pytest.raises(SavedSearchError, match="no saved search"):
        saved.remove("militias")


def test_bad_names_queries_and_filters_are_refused(indexed: tuple[Corpus, Path]) -> None:
    saved = SavedSearches(indexed[0])
    for name in ("", "../x", "a" * 65, "<b>"):
        with pytest.raises(SavedSearchError, match="name"):
            saved.add(name, "iraq")
    with pytest.raises(QueryError):
        saved.add("bad field", "nosuchfield:iraq")
    with pytest.raises(QueryError):
        saved.add("bad date", "iraq", since="yesterday")
    with pytest.raises(QueryError):
        saved.add("empty", "  ")
    with pytest.raises(SavedSearchError, match="unknown filter"):
        saved.add("odd", "iraq", colour="red")
    assert saved.list() == ()


def test_a_reindex_that_adds_an_article_makes_only_its_paragraphs_new(
    indexed: tuple[Corpus, Path],
) -> None:
    corpus, folder = indexed
    saved = SavedSearches(corpus)
    saved.add("kh", "Kataib Hezbollah militia")
    first = saved.run("kh")
    assert first.first_run and first.new == first.total == len(first.hits) > 0
    assert saved.get("kh").last_run is not None
    again = saved.run("kh")
    assert not again.first_run and again.new == 0 and again.hits == ()
    assert saved.run("kh", everything=True).total == first.total

    (folder / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    report = corpus.index([folder])
    assert report.added == 1 and report.unchanged == 2
    run = saved.run("kh")
    assert run.hits and {hit.article for hit in run.hits} == {run.hits[0].article}
    assert run.hits[0].title == "Kataib Hezbollah claims new drone strike"
    assert run.new == len(run.hits) and run.total == first.total + run.new
    assert saved.run("kh").new == 0  # the last run marked them as seen


def test_a_changed_article_is_new_again_and_peeking_does_not_mark(
    indexed: tuple[Corpus, Path],
) -> None:
    corpus, folder = indexed
    saved = SavedSearches(corpus)
    saved.add("mosul", "Mosul")
    everything = saved.run("mosul")
    inss = next(path for path in folder.iterdir() if path.name.startswith("000_"))
    inss.write_text(
        inss.read_text(encoding="utf-8").replace("Mosul", "Mosul city", 1), encoding="utf-8"
    )
    assert corpus.index([folder]).updated == 1
    peek = saved.run("mosul", mark=False)
    changed = {hit.article for hit in peek.hits}
    assert len(changed) == 1 and peek.new == len(peek.hits) < everything.total
    assert saved.run("mosul", mark=False).new == peek.new  # not marked by a peek
    assert saved.run("mosul").new == peek.new
    assert saved.run("mosul").new == 0


def test_articles_added_as_records_are_fingerprinted_by_content(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "index")

    def article(text: str) -> Article:
        return Article(
            id="rec", path="/x/rec.txt", title="Rec", paragraphs=(Paragraph(1, None, text),)
        )

    corpus.add([article("Sadr spoke in Najaf.")])
    saved = SavedSearches(corpus)
    saved.add("sadr", "Sadr")
    assert saved.run("sadr").new == 1
    corpus.add([article("Sadr spoke in Najaf.")])
    assert saved.run("sadr").new == 0
    corpus.add([article("Sadr spoke in Kufa.")])
    assert saved.run("sadr").new == 1


def test_the_database_has_a_schema_version_and_refuses_a_newer_one(
    indexed: tuple[Corpus, Path],
) -> None:
    corpus, _ = indexed
    saved = SavedSearches(corpus)
    saved.add("x", "iraq")
    with sqlite3.connect(saved.path) as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SavedSearchError, match="newer corpusearch"):
        saved.list()


def test_run_all_runs_every_saved_search(indexed: tuple[Corpus, Path]) -> None:
    saved = SavedSearches(indexed[0])
    saved.add("a", "Mosul")
    saved.add("b", "", author="Jacinto")
    runs = saved.run_all()
    assert [run.search.name for run in runs] == ["a", "b"]
    assert all(run.new == run.total > 0 for run in runs)
    assert runs[1].to_json()["search"]["filters"] == {"author": "Jacinto"}
