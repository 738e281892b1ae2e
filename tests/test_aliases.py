"""Alias files: the shipped list, user files, one beside the index, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpusearch.engine.aliases import Aliases, AliasFileError, load_aliases, shipped, terms_of


def test_shipped_file_groups_the_domain_names() -> None:
    aliases = shipped()
    group = aliases.group_of(terms_of("ISIL"))
    assert group is not None
    assert {"Islamic State", "IS", "ISIS", "Daesh"} <= set(group)
    assert aliases.group_of(terms_of("Qasem Suleimani")) == aliases.group_of(
        terms_of("Qassem Soleimani")
    )
    assert aliases.group_of(terms_of("KRG")) is not None


def test_names_are_compared_after_analysis() -> None:
    aliases = shipped()
    assert aliases.group_of(terms_of("shi’ite")) == aliases.group_of(terms_of("Shia"))
    assert aliases.group_of(terms_of("is")) is None  # the verb is no acronym


def test_alternatives_leave_out_the_name_itself() -> None:
    alternatives = shipped().alternatives(terms_of("KRG"))
    assert terms_of("Kurdistan Regional Government") in alternatives
    assert terms_of("KRG") not in alternatives


def test_user_file_and_index_side_file_are_merged(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[[group]]\nnames = ["Nineveh", "Ninawa"]\n', encoding="utf-8")
    index = tmp_path / "index"
    index.mkdir()
    (tmp_path / "aliases.toml").write_text(
        '[[group]]\nnames = ["Daesh", "Tanzim"]\n', encoding="utf-8"
    )
    aliases = load_aliases(user, index)
    assert aliases.group_of(terms_of("Ninawa")) == ("Nineveh", "Ninawa")
    group = aliases.group_of(terms_of("Tanzim"))
    assert group is not None and "Islamic State" in group  # joined the shipped group


def test_without_extra_files_the_shipped_list_is_used(tmp_path: Path) -> None:
    assert load_aliases(None, tmp_path / "index") is shipped()


@pytest.mark.parametrize(
    "content", ["[[group]\nnames = 1", "[[group]]\nnames = 'IS'\n", "group = 3\n"]
)
def test_bad_files_raise_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AliasFileError):
        load_aliases(path, None)


def test_missing_user_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AliasFileError, match="no alias file"):
        load_aliases(tmp_path / "nope.toml", None)


def test_groups_sharing_a_name_merge() -> None:
    aliases = Aliases.from_groups([["A1 name", "B2"], ["C3", "D4"], ["B2", "C3"]])
    assert len(aliases.groups) == 1
