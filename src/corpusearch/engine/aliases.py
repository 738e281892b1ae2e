"""Equivalent names (aliases) read from TOML: the shipped list, a user file, one beside the index.

A file holds ``[[group]]`` tables, each with ``names = [...]``; see ``data/aliases.toml``. Names
are compared as index terms (the text analyzer's output), so spelling details do not matter.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from corpusearch.engine.analysis import text_analyzer
from corpusearch.errors import AliasFileError

SHIPPED = Path(__file__).parent / "data" / "aliases.toml"
FILE_NAME = "aliases.toml"

Key = tuple[str, ...]


def terms_of(name: str) -> Key:
    """A name's index terms, e.g. "Islamic State" -> ("islam", "state")."""
    return tuple(token.text for token in text_analyzer()(name))


@dataclass(frozen=True)
class Aliases:
    """Groups of equivalent names, and for each name's terms the group it belongs to."""

    groups: tuple[tuple[str, ...], ...] = ()
    sources: tuple[str, ...] = ()
    _index: dict[Key, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_groups(cls, groups: list[list[str]], sources: tuple[str, ...] = ()) -> Aliases:
        """Merge groups that share a name (as terms) and index every name."""
        merged: list[list[str]] = []
        where: dict[Key, int] = {}
        for names in groups:
            keys = [terms_of(name) for name in names]
            targets = sorted({where[key] for key in keys if key in where})
            if targets:
                slot = targets[0]
                for other in targets[1:]:
                    merged[slot].extend(merged[other])
                    merged[other] = []
            else:
                slot = len(merged)
                merged.append([])
            merged[slot].extend(names)
            for name in merged[slot]:
                key = terms_of(name)
                if key:
                    where[key] = slot
        kept = [tuple(dict.fromkeys(group)) for group in merged if group]
        index = {terms_of(name): i for i, group in enumerate(kept) for name in group}
        index.pop((), None)
        return cls(tuple(kept), sources, index)

    @property
    def longest(self) -> int:
        """The most terms any name has."""
        return max((len(key) for key in self._index), default=0)

    def group_of(self, key: Key) -> tuple[str, ...] | None:
        """The names equivalent to a name with these terms, or None."""
        slot = self._index.get(key)
        return None if slot is None else self.groups[slot]

    def alternatives(self, key: Key) -> list[Key]:
        """The other names of the group, as terms (distinct, without ``key`` itself)."""
        group = self.group_of(key)
        if group is None:
            return []
        found = dict.fromkeys(terms_of(name) for name in group)
        found.pop(key, None)
        found.pop((), None)
        return list(found)


def read_groups(path: Path) -> list[list[str]]:
    """The ``[[group]]`` name lists of one TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise AliasFileError(f"cannot read the alias file {path} ({error})") from error
    except tomllib.TOMLDecodeError as error:
        raise AliasFileError(f"{path} is not valid TOML ({error})") from error
    groups = data.get("group", [])
    if not isinstance(groups, list):
        raise AliasFileError(f"{path}: expected [[group]] tables with names = [...]")
    result: list[list[str]] = []
    for number, group in enumerate(groups, 1):
        names = group.get("names") if isinstance(group, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise AliasFileError(f'{path}: group {number} needs names = ["...", ...]')
        result.append([n.strip() for n in names if n.strip()])
    return result


@cache
def shipped() -> Aliases:
    """The aliases that come with corpusearch."""
    return Aliases.from_groups(read_groups(SHIPPED), (str(SHIPPED),))


def load_aliases(path: Path | None = None, index_dir: Path | None = None) -> Aliases:
    """The shipped aliases, plus ``path`` and an ``aliases.toml`` beside or inside ``index_dir``."""
    extra: list[Path] = []
    if index_dir is not None:
        for candidate in (index_dir.parent / FILE_NAME, index_dir / FILE_NAME):
            if candidate.is_file() and candidate not in extra:
                extra.append(candidate)
    if path is not None:
        if not path.is_file():
            raise AliasFileError(f"no alias file at {path}")
        extra.append(path)
    if not extra:
        return shipped()
    groups = read_groups(SHIPPED)
    for file in extra:
        groups.extend(read_groups(file))
    return Aliases.from_groups(groups, (str(SHIPPED), *(str(f) for f in extra)))
