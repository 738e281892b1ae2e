"""The exceptions corpusearch raises; every one of them is a :class:`CorpusearchError`."""

from __future__ import annotations


class CorpusearchError(Exception):
    """Base class of every error corpusearch reports to its users."""

    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class UnreadableFileError(CorpusearchError):
    """A file could not be read or decoded, or holds no article text."""


class UnsupportedFileError(UnreadableFileError):
    """A file's format is not one corpusearch reads."""


class IndexNotFoundError(CorpusearchError):
    """No index exists at the given location."""


class EmptyIndexError(IndexNotFoundError):
    """The index exists but holds no documents."""


class AliasFileError(CorpusearchError):
    """An alias file that cannot be read or is not in the expected form."""


class IndexLockedError(CorpusearchError):
    """Another process is writing to the index."""


class QueryError(CorpusearchError, ValueError):
    """A query or one of its filters cannot be understood."""


class UnknownFieldError(QueryError):
    """A query names a field the index does not have."""


class BadDateError(QueryError):
    """A date is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)."""


class ArticleNotFoundError(CorpusearchError, KeyError):
    """No article or paragraph has the given id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
