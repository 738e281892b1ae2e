"""Shared fixtures: a real Whoosh index of the seeds, the web app over it, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from corpusearch import Corpus
from seedpaths import SEEDS


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of the seeds; treat it as read-only."""
    path = tmp_path_factory.mktemp("seed-index") / "index"
    report = Corpus(path).index([SEEDS])
    assert report.added == 2 and not report.failed
    return path


@pytest.fixture(scope="session")
def corpus(seed_index: Path) -> Corpus:
    return Corpus(seed_index)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed folder."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def app(seed_index: Path) -> Iterator[Any]:
    from corpusearch.web.app import create_app

    yield create_app({"INDEX": str(seed_index), "TESTING": True})


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
