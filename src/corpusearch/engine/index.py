"""The Whoosh index: one document per paragraph, updated incrementally from files or Article records."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from corpusearch.engine.analysis import STEMS_FILE, name_analyzer, save_stems, text_analyzer
from corpusearch.errors import (
    CorpusearchError,
    IndexLockedError,
    IndexNotFoundError,
    UnreadableFileError,
)
from corpusearch.extract.ingest import discover, fingerprint, kind_of, read_source
from corpusearch.extract.pipeline import article_from
from corpusearch.extract.shared_lines import LineTable, PageLines
from corpusearch.records import Article
from corpusearch.stored import install_legacy_names

# Bump when cleaning or the schema changes, so the next run re-extracts every file.
PIPELINE_VERSION = "3"
INDEX_NAME = "paragraphs"
VERSION_FILE = "corpusearch-version"
CARRY_FILE = "corpusearch-carry.json"  # files an outdated index held, until its rebuild commits
LINES_FILE = "corpusearch-lines.sqlite"  # the lines of every indexed dump, see boilerplate.py
LOCK_WAIT = 5.0  # seconds to wait for another process's writer to finish

Progress = Callable[[int, int, Path], None]  # (done, total, file being read)


def make_schema() -> Schema:
    """The paragraph schema; ``meta`` keeps the article's metadata whole for display."""
    text = text_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        article=ID(stored=True),
        path=ID(stored=True),
        position=NUMERIC(int, stored=True, sortable=True),
        title=TEXT(analyzer=text),
        section=TEXT(analyzer=text, stored=True),
        text=TEXT(analyzer=text, stored=True),
        authors=TEXT(analyzer=names),
        topics=TEXT(analyzer=names),
        source=TEXT(analyzer=names),
        date=DATETIME(sortable=True),
        year=NUMERIC(int, sortable=True),
        # -YYYYMMDD, 0 when undated: an ascending sort puts the newest first and the undated last.
        recency=NUMERIC(int, sortable=True),
        words=TEXT(analyzer=names, phrase=False),  # unstemmed vocabulary for spelling suggestions
        meta=STORED(),
    )


@dataclass(frozen=True)
class IndexReport:
    """What an indexing run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    paragraphs: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def exists(directory: Path) -> bool:
    """Whether ``directory`` holds a corpusearch index."""
    if not directory.is_dir():
        return False
    try:
        return bool(whoosh_index.exists_in(str(directory), indexname=INDEX_NAME))
    except (
        Exception
    ):  # a damaged table of contents: there is an index, open_index says what is wrong
        return True


def open_index(directory: Path, *, any_version: bool = False) -> Any:
    """Open an existing index; raises :class:`IndexNotFoundError` with a hint when there is none."""
    if not exists(directory):
        raise IndexNotFoundError(
            f"no index at {directory}", hint="build one with: corpusearch index PATH..."
        )
    if not any_version and _version(directory) != PIPELINE_VERSION:
        raise IndexNotFoundError(
            f"the index at {directory} was built by another version of corpusearch",
            hint="update it with: corpusearch index, which reads its files again",
        )
    install_legacy_names()
    try:
        return whoosh_index.open_dir(str(directory), indexname=INDEX_NAME)
    except Exception as error:  # whoosh raises many kinds for a damaged index
        raise IndexNotFoundError(
            f"cannot open the index at {directory} ({type(error).__name__}: {error})",
            hint="delete the folder and build it again with: corpusearch index PATH...",
        ) from error


def create_or_open(directory: Path) -> tuple[Any, list[str]]:
    """The index at ``directory``, created if need be, and the files of an outdated one.

    An index built by another pipeline version is rebuilt empty with the current schema; the
    paths it held are returned so that the caller indexes them again and nothing is lost.
    """
    if exists(directory) and _version(directory) == PIPELINE_VERSION:
        return open_index(directory), []
    # The paths to carry over are written down before the old index is emptied, and the version
    # file only once the rebuild has committed (mark_current): an interrupted rebuild loses none.
    carry = directory / CARRY_FILE
    carried: set[str] = set()
    try:
        if carry.exists():
            carried.update(json.loads(carry.read_text(encoding="utf-8")))
        if exists(directory):
            old = open_index(directory, any_version=True)
            carried.update(meta["path"] for meta in indexed_articles(old).values())
        directory.mkdir(parents=True, exist_ok=True)
        carry.write_text(json.dumps(sorted(carried)), encoding="utf-8")
        (directory / LINES_FILE).unlink(missing_ok=True)
        ix = FileStorage(str(directory)).create_index(make_schema(), indexname=INDEX_NAME)
    except (OSError, ValueError) as error:
        raise IndexNotFoundError(f"cannot create an index at {directory} ({error})") from error
    return ix, sorted(carried)


def mark_current(directory: Path) -> None:
    """Record that the index holds this pipeline version's documents (after a commit)."""
    if _version(directory) != PIPELINE_VERSION:
        (directory / VERSION_FILE).write_text(PIPELINE_VERSION + "\n", encoding="utf-8")
    (directory / CARRY_FILE).unlink(missing_ok=True)


def _version(directory: Path) -> str | None:
    try:
        return (directory / VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def paragraph_documents(article: Article) -> Iterator[dict[str, Any]]:
    """The Whoosh documents of one article, one per paragraph."""
    meta = {**article.metadata_json(), "digest": article.digest, "count": len(article.paragraphs)}
    try:
        day = datetime.fromisoformat(article.date) if article.date else None
    except ValueError as error:
        raise UnreadableFileError(f"{article.path}: date {article.date!r} is not ISO") from error
    for paragraph in article.paragraphs:
        document: dict[str, Any] = {
            "id": f"{article.id}-{paragraph.position}",
            "article": article.id,
            "path": article.path,
            "position": paragraph.position,
            "title": article.title,
            "text": paragraph.text,
            "words": f"{article.title}\n{paragraph.text}",
            "authors": "\n".join(article.authors),
            "topics": "\n".join(article.topics),
            "meta": meta,
            "recency": -int(day.strftime("%Y%m%d")) if day else 0,
        }
        if paragraph.section:
            document["section"] = paragraph.section
        if article.source:
            document["source"] = article.source
        if day is not None:
            document["date"] = day
            document["year"] = day.year
        yield document


def indexed_articles(ix: Any) -> dict[str, dict[str, Any]]:
    """The metadata of every indexed article, by article id (read from its first paragraph)."""
    articles: dict[str, dict[str, Any]] = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            articles.setdefault(fields["article"], fields["meta"])
    return articles


def update_index(
    directory: Path,
    paths: Iterable[str | Path],
    *,
    prune: bool = False,
    progress: Progress | None = None,
) -> IndexReport:
    """Index the files under ``paths``: new and changed files are (re)extracted, unchanged ones skipped.

    Files that disappeared from a directory being indexed leave the index; with ``prune``, every
    article whose file no longer exists leaves it.
    """
    started = time.perf_counter()
    ix, carried = create_or_open(directory)
    roots = [Path(p) for p in paths]
    found = discover([*roots, *(p for p in carried if Path(p).exists())])
    failed = [(str(path), reason) for path, reason in found.problems]
    known = {meta["path"]: meta for meta in indexed_articles(ix).values()}
    todo: list[tuple[Path, str]] = []
    matched: set[Path] = set()
    for path in (p.resolve() for p in found.files):
        try:
            digest = _digest(path)
        except UnreadableFileError as error:
            failed.append((str(path), _reason(error, path)))
            continue
        previous = known.get(str(path))
        if previous is not None and previous.get("digest") == digest:
            matched.add(path)
        else:
            todo.append((path, digest))
    gone = [meta for meta in known.values() if _gone(Path(meta["path"]), roots, prune)]
    added = updated = paragraphs = 0
    try:
        with LineTable(directory / LINES_FILE) as table:
            listed = table.sources()
            # a dump indexed before its lines were recorded (the table was lost) is read again
            stale = [
                (path, meta["digest"])
                for name, meta in known.items()
                if name not in listed and kind_of(path := Path(name)) == "text" and path.exists()
            ]
            pending = {path for path, _ in todo}
            todo += [entry for entry in stale if entry[0] not in pending]
            pending.update(path for path, _ in stale)
            recleaned = _update_lines(table, todo, gone) - pending
            todo += [
                (path, known[str(path)]["digest"])
                for path in sorted(recleaned)
                if str(path) in known
            ]
            unchanged = len(matched - pending - recleaned)
            if todo or gone:
                root = directory.resolve().parent
                with _writer(ix) as writer:
                    for meta in gone:
                        writer.delete_by_term("path", meta["path"])
                    for done, (path, digest) in enumerate(todo):
                        if progress is not None:
                            progress(done, len(todo), path)
                        try:
                            source = read_source(path)
                            shared = table.shared_of(source)
                            article = article_from(source, root=root, shared=shared)
                        except UnreadableFileError as error:
                            failed.append((str(path), _reason(error, path)))
                            continue
                        article = replace(article, digest=digest)
                        writer.delete_by_term("article", article.id)
                        if str(path) in known:
                            writer.delete_by_term("path", str(path))
                            updated += 1
                        else:
                            added += 1
                        for document in paragraph_documents(article):
                            writer.add_document(**document)
                            paragraphs += 1
                save_stems(directory / STEMS_FILE)
            table.commit()  # only once the index has committed: a failed run re-reads its files
    except sqlite3.Error as error:  # a damaged or unwritable table beside the index
        raise CorpusearchError(
            f"cannot update {directory / LINES_FILE} ({error})",
            hint=f"delete {LINES_FILE}; the next corpusearch index run records the lines again",
        ) from error
    mark_current(directory)
    return IndexReport(
        added,
        updated,
        unchanged,
        len(gone),
        paragraphs,
        tuple(failed),
        time.perf_counter() - started,
    )


def add_articles(directory: Path, articles: Iterable[Article]) -> IndexReport:
    """Index Article records directly (replacing any with the same id)."""
    started = time.perf_counter()
    ix, _ = create_or_open(directory)
    added = paragraphs = 0
    with _writer(ix) as writer:
        for article in articles:
            writer.delete_by_term("article", article.id)
            for document in paragraph_documents(article):
                writer.add_document(**document)
                paragraphs += 1
            added += 1
    save_stems(directory / STEMS_FILE)
    mark_current(directory)
    return IndexReport(added=added, paragraphs=paragraphs, seconds=time.perf_counter() - started)


def _update_lines(
    table: LineTable,
    todo: list[tuple[Path, str]],
    gone: list[dict[str, Any]],
) -> set[Path]:
    """Record the lines of new and changed dumps; the unchanged files whose cleaning they change.

    A dump's furniture is the lines it shares with other pages (see boilerplate.py), so a new page
    can turn lines of an indexed one into furniture, and a removed page can turn them back.
    """
    pages: dict[str, PageLines] = {}
    for path, _ in todo:
        if kind_of(path) != "text":
            continue
        try:
            pages[str(path)] = PageLines.of(read_source(path).text)
        except UnreadableFileError:
            continue  # reported when it is read again to be indexed
    todo_names = {str(path) for path, _ in todo}
    removed = {meta["path"] for meta in gone}
    removed |= {
        name for name in table.sources() if name not in todo_names and not Path(name).exists()
    }
    removed |= todo_names - set(pages)  # a dump that became unreadable, or is not a dump
    return {Path(name) for name in table.update(pages, removed) if Path(name).exists()}


def _writer(ix: Any) -> Any:
    try:
        return ix.writer(timeout=LOCK_WAIT)
    except LockError as error:
        raise IndexLockedError(
            "the index is locked by another corpusearch process",
            hint="wait for it to finish; if none is running, delete the index's *_WRITELOCK file",
        ) from error


def _digest(path: Path) -> str:
    return f"{PIPELINE_VERSION}:{fingerprint(path)}"


def _gone(path: Path, roots: list[Path], prune: bool) -> bool:
    if path.exists():
        return False
    if prune:
        return True
    resolved = path.resolve()
    return any(root.is_dir() and resolved.is_relative_to(root.resolve()) for root in roots)


def _reason(error: CorpusearchError, path: Path) -> str:
    message = str(error)
    return message.removeprefix(f"{path}: ")
