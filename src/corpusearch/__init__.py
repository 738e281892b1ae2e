"""corpusearch: paragraph-level full-text search over collections of scraped articles.

Importing the package is cheap: the index, search and extraction machinery loads on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from corpusearch.corpus import ArticleSummary, Corpus
    from corpusearch.engine.index import IndexReport
    from corpusearch.engine.search import Hit, SearchResult
    from corpusearch.errors import (
        AliasFileError,
        ArticleNotFoundError,
        BadDateError,
        CorpusearchError,
        EmptyIndexError,
        IndexLockedError,
        IndexNotFoundError,
        QueryError,
        UnknownFieldError,
        UnreadableFileError,
        UnsupportedFileError,
    )
    from corpusearch.extract.pipeline import load_article
    from corpusearch.records import Article, Paragraph

__all__ = [
    "AliasFileError",
    "Article",
    "ArticleNotFoundError",
    "ArticleSummary",
    "BadDateError",
    "Corpus",
    "CorpusearchError",
    "EmptyIndexError",
    "Hit",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexReport",
    "Paragraph",
    "QueryError",
    "SearchResult",
    "UnknownFieldError",
    "UnreadableFileError",
    "UnsupportedFileError",
    "__version__",
    "load_article",
]

_HOMES = {
    "Article": "records",
    "Paragraph": "records",
    "load_article": "extract.pipeline",
    "ArticleSummary": "corpus",
    "Corpus": "corpus",
    "IndexReport": "engine.index",
    "Hit": "engine.search",
    "SearchResult": "engine.search",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        module = importlib.import_module(f"corpusearch.{_HOMES[name]}")
    elif name in __all__:
        module = importlib.import_module("corpusearch.errors")
    else:
        raise AttributeError(f"module 'corpusearch' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value
