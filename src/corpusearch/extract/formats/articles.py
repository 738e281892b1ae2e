"""From an :class:`InputRecord` to an :class:`Article`, through the cleaning every page goes through.

An ``"html"`` record is cleaned like an ``.html`` file and a ``"page-text"`` record like a text
dump (with the lines it shares with other pages as furniture); a ``"body"`` record's paragraphs
are taken as they are. What the record states (URL, title, authors, date, source, topics) wins
over what cleaning finds, as a sidecar does for a file. The article's id is a hash of its file's
id and the record's key, so that it stays the same when the file grows.

What :class:`Article` has no field for yet comes beside it in :class:`RecordArticle`: the
language, the capture time of a web archive, and each paragraph's page in a PDF.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpusearch.errors import UnreadableFileError
from corpusearch.extract.extraction import Block, Extraction, PageMetadata
from corpusearch.extract.formats import InputRecord
from corpusearch.extract.ingest import Source
from corpusearch.records import Article

__all__ = [
    "RecordArticle",
    "article_from_record",
    "body_extraction",
    "record_article_id",
    "record_source",
]

_BLANK_LINE = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class RecordArticle:
    """An article read from a record, with what :class:`Article` cannot carry yet."""

    article: Article
    language: str | None  # ISO 639-1: stated by the record, else detected, else the page's lang
    captured: str | None  # when a web archive fetched the page
    pages: tuple[int | None, ...]  # the page of each paragraph, by position; () when no pages


def record_article_id(path: Path, key: str, root: Path | None = None) -> str:
    """A short id that stays the same across runs: its file's id (see ``article_id``) and its key."""
    from corpusearch.extract.pipeline import article_id

    return hashlib.sha1(f"{article_id(path, root)}\n{key}".encode()).hexdigest()[:12]


def record_source(record: InputRecord) -> Source:
    """The record as a :class:`Source` whose sidecar holds what the record states."""
    stated: dict[str, Any] = {
        "url": record.url,
        "title": record.title,
        "authors": list(record.authors) or None,
        "date": record.date,
        "source": record.source,
        "topics": list(record.topics) or None,
    }
    sidecar = {name: value for name, value in stated.items() if value is not None}
    kind = "html" if record.kind == "html" else "text"
    return Source(record.path, kind, record.text, record.digest, sidecar)


def body_extraction(record: InputRecord) -> Extraction:
    """A ``"body"`` record's paragraphs as blocks: its PDF pages' paragraphs, else its text split
    at blank lines (at line breaks when it has no blank line, as trafilatura writes)."""
    if record.pages:
        texts = [text for _, text in record.pages]
    elif _BLANK_LINE.search(record.text):
        texts = _BLANK_LINE.split(record.text)
    else:
        texts = record.text.split("\n")
    return Extraction.of((Block(text) for text in texts if text.strip()), PageMetadata())


def article_from_record(
    record: InputRecord, *, root: Path | None = None, shared: frozenset[str] = frozenset()
) -> RecordArticle:
    """Clean one record; raises :class:`UnreadableFileError` located at the record."""
    from corpusearch.extract.pipeline import build_article, extract

    source = record_source(record)
    try:
        extraction = body_extraction(record) if record.kind == "body" else extract(source, shared)
        identifier = record_article_id(record.path, record.key, root)
        article = build_article(source, extraction, identifier)
    except UnreadableFileError as error:
        reason = str(error).removeprefix(f"{record.path}: ")
        raise UnreadableFileError(f"{record.location}: {reason}") from error
    return RecordArticle(
        article=article,
        language=_language(record, article, extraction),
        captured=record.captured,
        pages=_pages(record, article),
    )


def _language(record: InputRecord, article: Article, extraction: Extraction) -> str | None:
    if record.language:
        return record.language
    from corpusearch.extract.language import detect_language

    return detect_language(article.body_text()) or extraction.language


def _pages(record: InputRecord, article: Article) -> tuple[int | None, ...]:
    """Each paragraph's page: paragraphs are the record's in order, less repeats and blanks."""
    if not record.pages:
        return ()
    pages: list[int | None] = []
    remaining = iter(record.pages)
    for paragraph in article.paragraphs:
        page = next((p for p, text in remaining if " ".join(text.split()) == paragraph.text), None)
        pages.append(page)
    return tuple(pages)
