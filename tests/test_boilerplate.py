"""Lines shared across a corpus's dumps are furniture: in `clean`, in the index, incrementally."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from corpusearch import Corpus
from corpusearch.cli import cli
from corpusearch.extract.shared_lines import LineTable, PageLines, shared_lines

ABOUT = (
    "The Institute for Regional Studies is an independent research centre founded in 1990 "
    "that publishes analysis of politics and security in the Middle East and North Africa."
)
MENU = "  • Home\n  • Research Programs\n  • Publications\n  • Events and Conferences\n"


def dump(topic: str, words: list[str]) -> str:
    """A page in the seed format: menu, headline, byline, four paragraphs, an about note, footer."""
    paragraphs = [
        f"The {topic} question was discussed by {a} officials, who said that the {b} talks "
        f"would continue next month in the capital despite the {c} objections of several parties."
        for a, b, c in zip(words, words[1:], words[2:], strict=False)
    ][:4]
    return (
        f"{topic.title()} after the talks | Institute for Regional Studies\n\n{MENU}\n"
        f"{topic.title()} after the talks\n\nBy Jane Analyst\n\nMarch 3, 2020\n\n"
        + "\n\n".join(paragraphs)
        + f"\n\n{ABOUT}\n\n  • Contact us\n  • Privacy policy\n"
    )


PAGE_A = dump("water", ["regional", "bilateral", "technical", "strong", "formal", "public"])
PAGE_B = dump("border", ["northern", "delayed", "political", "quiet", "open", "local"])


def test_lines_on_two_pages_are_shared_and_bodies_are_not() -> None:
    shared = dict(shared_lines([("a", PAGE_A), ("b", PAGE_B)]))
    assert ABOUT in shared["a"] and ABOUT in shared["b"]
    assert "Research Programs" in shared["a"] and "By Jane Analyst" in shared["a"]
    assert not any("water question" in line for line in shared["a"])
    assert "Home" not in shared["a"]  # one word: too common to say anything


def test_a_copy_of_a_page_does_not_erase_its_body() -> None:
    shared = dict(shared_lines([("a", PAGE_A), ("a-again", PAGE_A), ("b", PAGE_B)]))
    assert not any("water question" in line for line in shared["a"])
    assert ABOUT in shared["a"]  # still furniture: page b has it too


def test_table_update_names_the_pages_whose_shared_lines_changed() -> None:
    with LineTable() as table:
        assert table.update({"a": PageLines.of(PAGE_A)}, ()) == set()
        assert ABOUT not in table.shared("a", PAGE_A)
        assert table.update({"b": PageLines.of(PAGE_B)}, ()) == {"a"}
        assert ABOUT in table.shared("a", PAGE_A)
        assert table.update({}, ["b"]) == {"a"}
        assert table.sources() == {"a"}


def test_clean_drops_what_files_cleaned_together_share(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PAGE_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PAGE_B, encoding="utf-8")
    runner = CliRunner()
    index = str(tmp_path / "index")
    alone = runner.invoke(cli, ["--index", index, "clean", str(tmp_path / "a.txt")])
    together = runner.invoke(cli, ["--index", index, "clean", str(tmp_path), "--format", "json"])
    assert alone.exit_code == 0 and together.exit_code == 0
    assert "Institute for Regional Studies is an independent" in alone.output
    articles = [json.loads(line) for line in together.output.splitlines()]
    texts = [" ".join(p["text"] for p in article["paragraphs"]) for article in articles]
    assert len(texts) == 2 and all("water question" in t or "border question" in t for t in texts)
    assert not any("independent research centre" in text for text in texts)


def test_index_recleans_a_page_when_a_new_one_shares_its_lines(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(PAGE_A, encoding="utf-8")
    corpus = Corpus(tmp_path / "index")
    corpus.index([pages])
    assert corpus.search('"independent research centre"').total == 1
    (pages / "b.txt").write_text(PAGE_B, encoding="utf-8")
    report = corpus.index([pages])
    assert (report.added, report.updated, report.unchanged) == (1, 1, 0)
    assert corpus.search('"independent research centre"').total == 0
    assert corpus.search('"water question"').total == 4
    again = corpus.index([pages])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    (pages / "b.txt").unlink()
    report = corpus.index([pages])
    assert (report.removed, report.updated) == (1, 1)
    assert corpus.search('"independent research centre"').total == 1


def test_a_lost_line_table_is_rebuilt(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(PAGE_A, encoding="utf-8")
    (pages / "b.txt").write_text(PAGE_B, encoding="utf-8")
    corpus = Corpus(tmp_path / "index")
    corpus.index([pages])
    (tmp_path / "index" / "corpusearch-lines.sqlite").unlink()
    report = corpus.index([pages])
    assert report.unchanged == 0  # both read again to record their lines
    assert corpus.search('"independent research centre"').total == 0
    assert corpus.index([pages]).unchanged == 2
