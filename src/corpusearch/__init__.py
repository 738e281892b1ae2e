"""corpusearch: paragraph-level full-text search over collections of scraped articles.

Importing the package is cheap: the index, search and extraction machinery loads on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from corpusearch.article import Article, Paragraph, load_article
    from corpusearch.corpus import ArticleSummary, Corpus
    from corpusearch.errors import (
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
    from corpusearch.index import IndexReport
    from corpusearch.search import Hit, SearchResult

__all__ = [
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
    "Article": "article",
    "Paragraph": "article",
    "load_article": "article",
    "ArticleSummary": "corpus",
    "Corpus": "corpus",
    "IndexReport": "index",
    "Hit": "search",
    "SearchResult": "search",
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
