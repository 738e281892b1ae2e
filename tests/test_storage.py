"""Durable commits: every file a commit publishes, and its folder, are fsynced by the storage."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from whoosh.qparser import QueryParser

from corpusearch.engine.index import INDEX_NAME, make_schema
from corpusearch.engine.storage import durable_storage, write_durably

Fsync = Callable[[int], None]

# /proc/self/fd names the file behind each synced descriptor
pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The paths os.fsync is called on (the real fsync still runs: this observes, it replaces nothing)."""
    seen: Counter[str] = Counter()
    real: Fsync = os.fsync

    def counting(descriptor: int) -> None:
        seen[os.readlink(f"/proc/self/fd/{descriptor}")] += 1
        real(descriptor)

    monkeypatch.setattr(os, "fsync", counting)
    return seen


def _write(folder: Path, start: int, count: int) -> None:
    ix = durable_storage(folder).open_index(INDEX_NAME)
    with ix.writer() as writer:
        for number in range(start, start + count):
            writer.add_document(
                id=f"a-{number}",
                article="a",
                path="a.txt",
                position=number,
                text=f"paragraph number {number} about Mosul",
                meta={},
            )


def test_commit_fsyncs_segments_toc_and_folder(tmp_path: Path, fsynced: Counter[str]) -> None:
    folder = tmp_path / "index"
    folder.mkdir()
    durable_storage(folder).create_index(make_schema(), indexname=INDEX_NAME)
    _write(folder, 0, 20)
    _write(folder, 20, 5)
    published = sorted(name for name in os.listdir(folder) if name.endswith((".seg", ".toc")))
    assert any(name.endswith(".seg") for name in published)
    assert any(name.endswith(".toc") for name in published)
    synced_names = {Path(path).name for path in fsynced}
    for name in published:
        # a TOC is synced under its temporary name, before the rename publishes it
        assert name in synced_names or any(s.startswith(name + ".") for s in synced_names), name
    assert fsynced[str(folder.resolve())] >= 3  # after each TOC rename: create and two commits
    # the component files copied into a compound .seg file, then deleted, are not synced
    files = [Path(path).name for path in fsynced if path != str(folder.resolve())]
    assert all(name.endswith(".seg") or ".toc." in name for name in files), files

    ix = durable_storage(folder).open_index(INDEX_NAME)
    with ix.searcher() as searcher:
        query = QueryParser("text", ix.schema).parse("mosul")
        assert len(searcher.search(query, limit=None)) == 25


def test_temporary_pools_are_not_synced(tmp_path: Path, fsynced: Counter[str]) -> None:
    folder = tmp_path / "index"
    folder.mkdir()
    durable_storage(folder).create_index(make_schema(), indexname=INDEX_NAME)
    _write(folder, 0, 5)
    assert all(".tmp" not in Path(path).parent.name for path in fsynced)


def test_write_durably_replaces_and_syncs(tmp_path: Path, fsynced: Counter[str]) -> None:
    target = tmp_path / "corpusearch-version"
    target.write_text("3\n")
    write_durably(target, b"4\n")
    assert target.read_text() == "4\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["corpusearch-version"]
    assert fsynced[str(tmp_path.resolve())] == 1  # the folder, after the rename
    assert sum(fsynced.values()) == 2  # and the new file, before it
