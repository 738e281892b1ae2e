"""The index's structure and its incremental life: article documents, plans, generations, merges."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from corpusearch import Corpus
from corpusearch.engine.index import LINES_FILE, RUNNING_FILE, open_index
from corpusearch.records import Article, Paragraph


def article(identifier: str, title: str, *texts: str, date: str | None = None) -> Article:
    return Article(
        id=identifier,
        path=f"made/{identifier}",
        title=title,
        paragraphs=tuple(Paragraph(n, None, text) for n, text in enumerate(texts, 1)),
        date=date,
        authors=("Ann Writer",),
    )


BODY = [f"Paragraph {n} talks about harvest logistics and the weather in spring." for n in range(6)]


def test_a_title_word_alone_returns_one_paragraph_per_article(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    other = [text.replace("harvest", "fishing") for text in BODY]
    corpus.add([article("a1", "Macbook Pro review", *BODY), article("a2", "Other news", *other)])
    result = corpus.search("macbook")
    assert [hit.id for hit in result.hits] == ["a1-1"]  # the lead represents the article
    assert result.total == 1


def test_the_title_raises_paragraphs_that_match_on_their_own(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    texts = ["The weather was mild.", "Sadr spoke about the militias at length today."]
    corpus.add(
        [
            article("a1", "Sadr and the elections", *texts),
            article("a2", "Unrelated", "Sadr spoke about the militias at length today."),
        ]
    )
    hits = corpus.search("Sadr militias").hits
    assert hits[0].id == "a1-2"  # same words, but its article's title names Sadr
    assert "a1-1" not in [hit.id for hit in hits]  # it matches through the title only


def test_and_means_paragraphs_about_both(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    corpus.add([article("a1", "Sadr profile", "Iran backed the militias.", "Sadr met Iran.")])
    assert [hit.id for hit in corpus.search("Sadr AND Iran").hits] == ["a1-2"]


def test_facets_count_articles(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    corpus.add([article("a1", "Harvest", *BODY, date="2020-05-01")])
    result = corpus.search("harvest logistics")
    assert result.total == 6
    assert result.facets["authors"] == (("Ann Writer", 1),)
    assert result.facets["year"] == (("2020", 1),)


def test_index_without_paths_checks_the_indexed_files(tmp_path: Path, seeds_copy: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    corpus.index(str(seeds_copy))  # one path as a str
    first = sorted(seeds_copy.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nA new closing line.\n", "utf-8")
    report = corpus.index([])
    assert (report.updated, report.unchanged, report.added) == (1, 1, 0)
    first.unlink()
    assert corpus.index([], prune=True).removed == 1


def test_unchanged_files_are_not_read_again(tmp_path: Path, seeds_copy: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    corpus.index([seeds_copy])
    for path in seeds_copy.iterdir():
        path.chmod(0)  # unreadable: a run that read it would report it
    try:
        report = corpus.index([seeds_copy])
    finally:
        for path in seeds_copy.iterdir():
            path.chmod(0o644)
    assert report.unchanged == 2 and not report.failed


def test_a_line_table_behind_the_index_is_rebuilt(tmp_path: Path, seeds_copy: Path) -> None:
    """A crash between the Whoosh commit and the line table's leaves the table a generation
    behind; the next run notices and records every dump's lines again."""
    index = tmp_path / "ix"
    corpus = Corpus(index)
    corpus.index([seeds_copy])
    before = corpus.search("Muqtada al-Sadr").total
    with sqlite3.connect(index / LINES_FILE) as db:
        db.execute("UPDATE stamp SET generation = generation - 1")
        db.execute("DELETE FROM lines")
    report = corpus.index([seeds_copy])
    assert report.updated == 2
    assert corpus.search("Muqtada al-Sadr").total == before


def test_an_interrupted_run_is_reported_until_a_run_completes(
    tmp_path: Path, seeds_copy: Path
) -> None:
    index = tmp_path / "ix"
    corpus = Corpus(index)
    corpus.index([seeds_copy])
    (index / RUNNING_FILE).touch()
    assert any("stopped before it finished" in n for n in corpus.search("Sadr").notices)
    corpus.index([seeds_copy], optimize=True)
    assert not any("stopped" in n for n in corpus.search("Sadr").notices)


def test_repeated_updates_keep_the_index_lean(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    corpus = Corpus(index)
    for round_ in range(12):
        corpus.add([article(f"a{n}", f"Title {n}", f"Round {round_} text {n}.") for n in range(20)])
    ix = open_index(index)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert reader.doc_count() == 40
        assert reader.doc_count_all() <= 40 * 2  # deleted versions are purged by merges
    assert len(list(index.glob("*.seg"))) <= 3


def test_a_changed_sidecar_alone_updates_its_article(tmp_path: Path, seeds_copy: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    corpus.index([seeds_copy])
    first = sorted(seeds_copy.glob("*.txt"))[0]
    first.with_suffix(".meta.json").write_text('{"source": "Sidecar Press"}', encoding="utf-8")
    report = corpus.index([seeds_copy])
    assert (report.updated, report.unchanged) == (1, 1)
    assert "Sidecar Press" in {a.source for a in corpus.articles()}


STORY = [
    "The council voted on Tuesday to close the old bridge over the river for repairs.",
    "Engineers found cracks in two of the supporting pillars during an inspection last month.",
    "Traffic will be diverted through the northern ring road until the work is finished.",
    "The mayor said the closure was regrettable but that safety had to come first.",
]


def test_copies_show_once_with_merged_metadata(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    html = replace(
        article("c1", "Bridge closed", *STORY), path="site/bridge.html", source="Gazette"
    )
    dump = replace(article("c2", "Bridge closed", *STORY[:3]), path="dumps/bridge.txt")
    dump = replace(dump, date="2021-03-02", authors=("Bo Reporter",), source=None)
    corpus.add([html, dump, article("c3", "Elsewhere", *BODY)])
    result = corpus.search("bridge pillars inspection")
    assert {hit.article for hit in result.hits} == {"c1"}  # never its dump copy c2
    hit = result.hits[0]
    assert hit.copies == 1 and hit.source == "Gazette" and hit.date == "2021-03-02"
    assert result.facets["source"] == (("Gazette", 1),)
    grouped = corpus.search("bridge OR harvest", group=True)
    assert sorted(hit.article for hit in grouped.hits) == ["c1", "c3"]


def test_facet_values_fold_case_and_spacing(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    made = [
        replace(
            article(f"f{n}", f"Title {n}", f"Trade talks round {n} with partners."), topics=(topic,)
        )
        for n, topic in enumerate(["China", "China", "china ", "Trade"])
    ]
    corpus.add(made)
    topics = dict(corpus.search("trade talks").facets["topics"])
    assert topics == {"China": 3, "Trade": 1}


def export_line(n: int) -> str:
    import json

    places = ["Alderney", "Brixham", "Cromarty", "Dunmore"]
    goods = ["timber", "grain", "coal", "wool"]
    body = (
        f"The river port of {places[n]} reopened after the floods receded this week. "
        f"Dock workers in {places[n]} said {goods[n]} shipments would return within a month."
    )
    return json.dumps(
        {
            "url": f"https://example.org/{n}",
            "title": f"Port {n} reopens",
            "text": body,
            "date": f"2020-02-0{n % 9 + 1}",
            "author": "Ann Writer",
            "language": "en",
        }
    )


def test_a_jsonl_export_indexes_each_record_and_grows_incrementally(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    export = folder / "scrape.jsonl"
    export.write_text("\n".join([export_line(1), "{broken", export_line(2)]) + "\n", "utf-8")
    corpus = Corpus(tmp_path / "ix")
    report = corpus.index(folder)
    assert report.added == 2
    assert any(
        "scrape.jsonl:2" in reason or "scrape.jsonl" in path for path, reason in report.failed
    )
    hit = corpus.search("Cromarty grain").hits[0]
    assert hit.url == "https://example.org/2" and hit.title == "Port 2 reopens"
    assert hit.language == "en"
    export.write_text(export.read_text("utf-8") + export_line(3) + "\n", "utf-8")
    grown = corpus.index(folder)
    assert (grown.added, grown.updated, grown.unchanged) == (1, 0, 2)
    assert corpus.search("Dunmore wool", language="en").total >= 1
    assert corpus.search("Dunmore wool", language="fr").total == 0


def test_each_file_is_read_once_per_run(
    tmp_path: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads are counted where every file's bytes come in (extract.ingest._read)."""
    from collections import Counter

    from corpusearch.extract import ingest

    reads: Counter[str] = Counter()
    real = ingest._read

    def counting(path: Path, limit: int) -> bytes:
        reads[path.name] += 1
        return real(path, limit)

    monkeypatch.setattr(ingest, "_read", counting)
    corpus = Corpus(tmp_path / "ix")
    corpus.index([seeds_copy])
    assert sorted(reads.values()) == [1, 1]
    reads.clear()
    corpus.index([seeds_copy])
    assert not reads  # unchanged: recognised by size and time, not read
    first = sorted(seeds_copy.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    corpus.index([seeds_copy])
    assert reads == {first.name: 1}


def test_a_first_build_killed_before_its_commit_is_searchable_and_completed(
    tmp_path: Path, seeds_copy: Path
) -> None:
    from corpusearch.engine.index import RUNNING_FILE, create_or_open

    index = tmp_path / "ix"
    create_or_open(index)  # what a first build has made when it is killed while cleaning
    (index / RUNNING_FILE).touch()
    result = Corpus(index).search("Sadr")
    assert result.total == 0 and any("stopped before it finished" in n for n in result.notices)
    assert Corpus(index).index([seeds_copy]).added == 2
    assert Corpus(index).search("Sadr").total > 0


def test_a_one_line_fragment_does_not_outrank_the_paragraph_that_answers(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "ix")
    filler = (
        "The harbour authority published its annual report on shipping volumes, staff numbers, "
        "dredging contracts and the new ferry timetable for the islands this spring, "
        "with figures for every quarter and a note on the weather's effect on crossings. "
    )
    corpus.add(
        [
            article(f"f{n}", f"Harbour report {n}", *(f"{filler} Section {m}." for m in range(5)))
            for n in range(6)
        ]
        + [
            article(
                "k1",
                "Council budget",
                "Councillor Haddad declined to comment.",
                "Councillor Haddad said the budget would cut library hours by a third, and that "
                "the savings would pay for road repairs promised before the election.",
            )
        ]
    )
    assert corpus.search("Councillor Haddad").hits[0].id == "k1-2"
