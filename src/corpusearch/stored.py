"""Names that indexes on disk refer to: they must resolve in every later release.

Whoosh pickles an index's schema, analyzers included, into its table of contents, so a stored
index names Python objects by module path. Ours name only :func:`analysis_filter` and a
registered filter name ("term", "name"), so the analysis code can move without breaking indexes.
Indexes written by release 0.1 name ``corpusearch.analysis.TermFilter`` and ``NameFilter``
directly; :func:`install_legacy_names` makes those paths resolve before an index is opened.
Never rename this module or its functions.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

# Module paths that indexes of earlier releases pickled -> where those names live now.
LEGACY_MODULES = {"corpusearch.analysis": "corpusearch.engine.analysis"}


def analysis_filter(name: str) -> Any:
    """A new instance of the analysis filter registered as ``name``."""
    from corpusearch.engine.analysis import REGISTERED_FILTERS

    return REGISTERED_FILTERS[name]()


def install_legacy_names() -> None:
    """Make the module paths that older indexes pickled importable (once per process)."""
    for old, new in LEGACY_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
