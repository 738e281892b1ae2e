"""Start-up: importing corpusearch and running a search load only what they need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("bs4", "trafilatura", "htmldate", "lxml", "flask", "waitress", "readability")


def loaded_after(code: str) -> set[str]:
    script = (
        f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return set(output.split()[-1000:])


def test_importing_the_package_loads_no_engine() -> None:
    loaded = loaded_after("import corpusearch")
    assert not loaded & {"whoosh", "nltk", "click", *HEAVY}


def test_a_search_loads_no_extraction_or_web_machinery(seed_index: Path) -> None:
    loaded = loaded_after(
        "from corpusearch.cli import cli\n"
        f"cli.main(['--index', {str(seed_index)!r}, 'search', 'Sadr'], standalone_mode=False)"
    )
    assert "whoosh" in loaded
    assert not loaded & set(HEAVY)


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "corpusearch", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("corpusearch, version")


def test_a_search_with_known_words_does_not_import_nltk(seed_index: Path) -> None:
    loaded = loaded_after(
        "from corpusearch import Corpus\n"
        f"Corpus({str(seed_index)!r}).search('liberation of Mosul by militias')"
    )
    assert "nltk" not in loaded
