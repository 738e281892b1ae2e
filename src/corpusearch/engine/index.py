"""The Whoosh index: one document per article and one per paragraph, updated incrementally.

An article's title, vocabulary and metadata are stored once, on its article document; its
paragraphs carry their own text and section plus the few fields filters need. A run first plans
(which files are new, changed, gone, or must be cleaned again because the lines they share with
other pages changed), reading each new or changed file once, then writes the plan in one commit.

The line table beside the index (see :mod:`corpusearch.extract.shared_lines`) records the index
generation it matches. It commits only after the Whoosh commit; a crash between the two leaves
it a generation behind, and the next run, seeing that, empties it and cleans every dump again.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.reading import SegmentReader
from whoosh.writing import OPTIMIZE

from corpusearch.engine.aliases import shipped
from corpusearch.engine.analysis import STEMS_FILE, name_analyzer, save_stems, text_analyzer
from corpusearch.engine.article_table import TABLE_FILE, build_table, load_table, save_table
from corpusearch.engine.copies import signature
from corpusearch.engine.storage import durable_storage, write_durably
from corpusearch.errors import (
    CorpusearchError,
    IndexLockedError,
    IndexNotFoundError,
    UnreadableFileError,
)
from corpusearch.extract.ingest import Source, discover, kind_of, read_source, sidecar_path
from corpusearch.extract.pipeline import LEFT_OUT, clean_sources, record_articles
from corpusearch.extract.shared_lines import LineTable, PageLines
from corpusearch.records import Article, ArticleMeta
from corpusearch.stored import install_legacy_names

__all__ = [
    "ARTICLE",
    "PARAGRAPH",
    "PIPELINE_VERSION",
    "IndexReport",
    "Progress",
    "add_articles",
    "create_or_open",
    "exists",
    "incomplete",
    "indexed_articles",
    "make_schema",
    "open_index",
    "update_index",
]

# Bump when cleaning or the schema changes, so the next run re-extracts every file.
PIPELINE_VERSION = "5"
INDEX_NAME = "paragraphs"
VERSION_FILE = "corpusearch-version"
CARRY_FILE = "corpusearch-carry.json"  # files an outdated index held, until its rebuild commits
LINES_FILE = "corpusearch-lines.sqlite"  # the lines of every indexed dump, see shared_lines.py
# Present while a run is writing: a run that died leaves it, and searches say the index is partial.
RUNNING_FILE = "corpusearch-running"
HOLDER_FILE = "corpusearch-writer"  # which process is updating the index, while it does
LOCK_WAIT = 5.0  # seconds to wait for another process's writer to finish
# Values of the "kind" field: an article's own document, or one of its paragraphs.
ARTICLE = "article"
PARAGRAPH = "paragraph"
# A segment with more than this share of deleted documents is rewritten at the next commit, so
# repeated updates of the same files do not leave the index carrying their old versions.
MAX_DELETED_SHARE = 0.1
# Segments smaller than this share of the largest are merged at each commit: every segment costs
# each search a pass, and small ones are cheap to rewrite (at most this share of the index).
SMALL_SEGMENT_SHARE = 0.1
# Cleaning runs in worker processes only for this many files or more: starting a worker and
# importing the extractors there costs about as much as cleaning a few dozen pages.
PARALLEL_MIN_FILES = 48
# Memory Whoosh may use for sorting postings before it spills a run to disk (its default is 128).
WRITER_LIMIT_MB = 256
_WORD = re.compile(r"\w+(?:['’]\w+)*")

Progress = Callable[[int, int, Path], None]  # (done, total, file being read)


def make_schema() -> Schema:
    """Article documents hold title, vocabulary, metadata and the fields filters read; paragraph
    documents their text, section and position, and the article they belong to.

    Filters and metadata field queries select article documents and reach their paragraphs
    through the article (engine.scoring.ArticleLevel), so a paragraph carries no copy of them.
    """
    text = text_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID,
        article=ID(stored=True, sortable=True),
        path=ID,
        position=STORED,
        title=TEXT(analyzer=text),
        language=ID,  # ISO 639-1 code of the article's language, for --language
        page=STORED,  # the PDF page a paragraph starts on
        section=TEXT(analyzer=text, stored=True),
        text=TEXT(analyzer=text, stored=True),
        authors=TEXT(analyzer=names),
        topics=TEXT(analyzer=names),
        source=TEXT(analyzer=names),
        date=DATETIME,
        year=NUMERIC(int),
        # -YYYYMMDD, 0 when undated, on every paragraph: an ascending sort puts the newest first
        # and the undated last. A column only, no postings.
        recency=COLUMN(NumericColumn("i")),
        # The article's distinct words, unstemmed, once per article: typos and wildcards.
        words=TEXT(analyzer=names, phrase=False),
        meta=STORED(),
        minhash=STORED(),  # the article's MinHash signature, to find its copies (copies.py)
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
    # What the user should know that is not a failure: "site.warc.gz: left out 2 redirects".
    notices: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def exists(directory: Path) -> bool:
    """Whether ``directory`` holds a corpusearch index."""
    if not directory.is_dir():
        return False
    try:
        return bool(whoosh_index.exists_in(str(directory), indexname=INDEX_NAME))
    except Exception:  # a damaged table of contents: there is an index, open_index says what  # noqa: BLE001  # whoosh raises many kinds for a damaged TOC
        return True


def incomplete(directory: Path) -> bool:
    """Whether the last indexing run into ``directory`` stopped before it finished."""
    return (directory / RUNNING_FILE).exists()


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
        return durable_storage(directory).open_index(indexname=INDEX_NAME)
    except Exception as error:  # whoosh raises many kinds for a damaged index
        raise IndexNotFoundError(
            f"cannot open the index at {directory} ({type(error).__name__}: {error})",
            hint="delete the folder and build it again with: corpusearch index PATH...",
        ) from error


def create_or_open(directory: Path) -> tuple[Any, list[str]]:
    """The index at ``directory``, created if need be, and the files of an outdated one.

    A new index is marked with this version at once: a first build that is killed leaves an
    index of the current version, which the next run completes. An index built by another
    pipeline version is rebuilt empty with the current schema, under its write lock; the paths
    it held are returned so that the caller indexes them again and nothing is lost.
    """
    if exists(directory) and _version(directory) == PIPELINE_VERSION:
        return open_index(directory), []
    if not exists(directory):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ix = durable_storage(directory).create_index(make_schema(), indexname=INDEX_NAME)
            write_durably(directory / VERSION_FILE, (PIPELINE_VERSION + "\n").encode("utf-8"))
        except (OSError, ValueError) as error:
            raise IndexNotFoundError(f"cannot create an index at {directory} ({error})") from error
        return ix, []
    # The paths to carry over are written down before the old index is emptied, and the version
    # file only once the rebuild has committed (mark_current): an interrupted rebuild loses none.
    carry = directory / CARRY_FILE
    carried: set[str] = set()
    old = open_index(directory, any_version=True)
    lock = old.lock("WRITELOCK")
    if not lock.acquire(False):
        raise IndexLockedError(
            f"the index is locked by {_holder(directory)}",
            hint="wait for it to finish; if none is running, delete the index's *_WRITELOCK file",
        )
    try:
        if carry.exists():
            carried.update(json.loads(carry.read_text(encoding="utf-8")))
        carried.update(meta.path for meta in indexed_articles(old).values())
        write_durably(carry, json.dumps(sorted(carried)).encode("utf-8"))
        (directory / LINES_FILE).unlink(missing_ok=True)
        (directory / TABLE_FILE).unlink(missing_ok=True)  # generations start again
        ix = durable_storage(directory).create_index(make_schema(), indexname=INDEX_NAME)
    except (OSError, ValueError) as error:
        raise IndexNotFoundError(f"cannot create an index at {directory} ({error})") from error
    finally:
        lock.release()
    return ix, sorted(carried)


def mark_current(directory: Path) -> None:
    """Record that the index holds this pipeline version's documents (after a commit)."""
    if _version(directory) != PIPELINE_VERSION:
        write_durably(directory / VERSION_FILE, (PIPELINE_VERSION + "\n").encode("utf-8"))
    (directory / CARRY_FILE).unlink(missing_ok=True)


def _version(directory: Path) -> str | None:
    try:
        return (directory / VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def documents_of(article: Article, *, stamp: str = "") -> Iterator[dict[str, Any]]:
    """The Whoosh documents of one article: its article document, then one per paragraph."""
    try:
        day = datetime.fromisoformat(article.date) if article.date else None
    except ValueError as error:
        raise UnreadableFileError(f"{article.path}: date {article.date!r} is not ISO") from error
    recency = -int(day.strftime("%Y%m%d")) if day else 0
    filters: dict[str, Any] = {
        "authors": "\n".join(article.authors),
        "topics": "\n".join(article.topics),
    }
    if article.source:
        filters["source"] = article.source
    if article.language:
        filters["language"] = article.language
    if day is not None:
        filters["date"] = day
        filters["year"] = day.year
    words = dict.fromkeys(_WORD.findall(article.title))
    for paragraph in article.paragraphs:
        words.update(dict.fromkeys(_WORD.findall(paragraph.text)))
    meta = ArticleMeta.of(article, stamp=stamp)
    yield {
        **filters,
        "id": article.id,
        "article": article.id,
        "recency": recency,
        "kind": ARTICLE,
        "path": article.path,
        "title": article.title,
        "words": " ".join(words),
        "meta": meta.to_stored(),
        "minhash": signature(paragraph.text for paragraph in article.paragraphs),
    }
    for paragraph in article.paragraphs:
        document: dict[str, Any] = {
            "article": article.id,
            "recency": recency,
            "id": f"{article.id}-{paragraph.position}",
            "kind": PARAGRAPH,
            "position": paragraph.position,
            "text": paragraph.text,
        }
        if paragraph.section:
            document["section"] = paragraph.section
        if paragraph.page is not None:
            document["page"] = paragraph.page
        yield document


def indexed_articles(ix: Any) -> dict[str, ArticleMeta]:
    """The metadata of every indexed article, by article id (read from the article documents)."""
    articles: dict[str, ArticleMeta] = {}
    with ix.searcher() as searcher:
        if "kind" not in ix.schema:  # an index of release 0.1: metadata on every paragraph
            for fields in searcher.all_stored_fields():
                if fields["article"] not in articles:
                    articles[fields["article"]] = ArticleMeta.from_stored(fields["meta"])
            return articles
        for fields in searcher.documents(kind=ARTICLE):
            meta = ArticleMeta.from_stored(fields["meta"])
            articles[meta.id] = meta
    return articles


@dataclass
class IndexPlan:
    """What a run will do: files to clean (read once, here) and articles to remove."""

    sources: list[Source] = field(default_factory=list)  # new and changed files
    record_files: list[Path] = field(default_factory=list)  # new and changed files of records
    recleaned: list[Source] = field(default_factory=list)  # unchanged, but their furniture moved
    gone: list[ArticleMeta] = field(default_factory=list)
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    stamps: dict[str, str] = field(default_factory=dict)  # path -> file_stamp()

    @property
    def empty(self) -> bool:
        return not (self.sources or self.recleaned or self.gone or self.record_files)


def plan_update(
    known: dict[str, ArticleMeta],
    records_known: dict[str, dict[str, ArticleMeta]],
    table: LineTable,
    roots: list[Path],
    carried: list[str],
    *,
    prune: bool,
) -> IndexPlan:
    """Decide what to (re)index; each new or changed file is read here, and only here.

    A file whose size and modification time match what was indexed is unchanged without being
    read; one whose bytes still hash to the indexed digest is unchanged too.
    """
    plan = IndexPlan()
    if not roots:  # no paths given: check every indexed file again
        roots = [Path(name) for name in [*known, *records_known] if Path(name).is_file()]
    found = discover([*roots, *(Path(p) for p in carried if Path(p).exists())])
    plan.failed.extend((str(path), reason) for path, reason in found.problems)
    listed = table.sources()
    matched: set[str] = set()
    for path in (p.resolve() for p in found.files):
        name = str(path)
        previous = known.get(name)
        try:
            plan.stamps[name] = file_stamp(path)
        except OSError as error:
            plan.failed.append((name, f"cannot read ({error.strerror or error})"))
            continue
        kind = kind_of(path)
        if kind == "records":  # its records are compared one by one when it is written
            stamps = {meta.stamp for meta in records_known.get(name, {}).values()}
            if plan.stamps[name] in stamps:
                matched.add(name)
            else:
                plan.record_files.append(path)
            continue
        lines_missing = kind == "text" and name not in listed
        if previous is not None and previous.stamp == plan.stamps[name] and not lines_missing:
            matched.add(name)
            continue
        try:
            source = read_source(path)
        except UnreadableFileError as error:
            plan.failed.append((name, _reason(error, path)))
            if previous is not None:  # it had an article; it yields none now
                plan.gone.append(previous)
            continue
        source = replace(source, digest=_digest(source.digest))
        if previous is not None and previous.digest == source.digest and not lines_missing:
            matched.add(name)
        else:
            plan.sources.append(source)
    every = [*known.values(), *(m for group in records_known.values() for m in group.values())]
    plan.gone.extend(meta for meta in every if _gone(Path(meta.path), roots, prune))
    pending = {str(source.path) for source in plan.sources}
    recleaned = _update_lines(table, plan.sources, plan.gone) - pending
    for name in sorted(recleaned):
        try:
            plan.recleaned.append(read_source(Path(name)))
        except UnreadableFileError:
            continue  # it is reported when it is read as changed on the next run
    plan.unchanged = len(matched - pending - recleaned)
    return plan


def update_index(
    directory: Path,
    paths: Iterable[str | Path],
    *,
    prune: bool = False,
    progress: Progress | None = None,
    optimize: bool = False,
) -> IndexReport:
    """Index the files under ``paths``: new and changed files are (re)extracted, unchanged ones skipped.

    Files that disappeared from a directory being indexed leave the index; with ``prune``, every
    article whose file no longer exists leaves it. ``optimize`` merges the index into one segment.
    """
    started = time.perf_counter()
    ix, carried = create_or_open(directory)
    roots = [Path(p) for p in paths]
    try:
        with _holding(directory), LineTable(directory / LINES_FILE) as table:
            generation = ix.latest_generation()
            if table.generation() != generation:
                table.clear()  # a crash between the two commits: every dump is cleaned again
            known: dict[str, ArticleMeta] = {}
            records_known: dict[str, dict[str, ArticleMeta]] = {}
            for meta in indexed_articles(ix).values():
                if kind_of(Path(meta.path)) == "records":
                    records_known.setdefault(meta.path, {})[meta.id] = meta
                else:
                    known[meta.path] = meta
            plan = plan_update(known, records_known, table, roots, carried, prune=prune)
            report = _write(directory, ix, table, plan, known, progress, optimize)
            report = _write_records(directory, ix, plan, records_known, report)
            crash_point("whoosh-commit")
            table.set_generation(ix.latest_generation())
            crash_point("lines-write")
            table.commit()  # only once the index has committed
        crash_point("after-commit")
        _save_article_table(directory, ix)
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise _table_error(directory, error) from error
        raise IndexLockedError(
            f"the index at {directory} is being updated by {_holder(directory)}",
            hint="wait for it to finish; if no corpusearch index is running, run it again",
        ) from error
    except sqlite3.Error as error:  # a damaged or unwritable table beside the index
        raise _table_error(directory, error) from error
    mark_current(directory)
    return replace(report, seconds=time.perf_counter() - started)


def _table_error(directory: Path, error: sqlite3.Error) -> CorpusearchError:
    return CorpusearchError(
        f"cannot update {directory / LINES_FILE} ({error})",
        hint="run corpusearch index again; if this repeats, check the disk and permissions",
    )


@contextmanager
def _holding(directory: Path) -> Iterator[None]:
    """Say who is updating the index while a run lasts (for the message a second writer gets);
    the run that wrote the note removes it."""
    note = directory / HOLDER_FILE
    mine = f"process {os.getpid()} (started {datetime.now().isoformat(timespec='seconds')})"
    if not note.exists():
        with suppress(OSError):
            note.write_text(mine, encoding="utf-8")
    try:
        yield
    finally:
        with suppress(OSError):
            if note.read_text(encoding="utf-8") == mine:
                note.unlink()


def _holder(directory: Path) -> str:
    try:
        return (directory / HOLDER_FILE).read_text(encoding="utf-8").strip() or "another process"
    except OSError:
        return "another corpusearch process"


def _write(
    directory: Path,
    ix: Any,
    table: LineTable,
    plan: IndexPlan,
    known: dict[str, ArticleMeta],
    progress: Progress | None,
    optimize: bool,
) -> IndexReport:
    """Write a plan in one commit; the report of what was written."""
    failed = list(plan.failed)
    added = updated = paragraphs = 0
    if plan.empty and not optimize:
        return IndexReport(unchanged=plan.unchanged, failed=tuple(failed))
    todo = [*plan.sources, *plan.recleaned]
    root = directory.resolve().parent
    (directory / RUNNING_FILE).touch()
    with _writing(ix, optimize=optimize) as writer:
        for meta in plan.gone:
            writer.delete_by_term("article", meta.id)
        cleaned = clean_sources(
            [(source, table.shared_of(source)) for source in todo],
            root=root,
            processes=(os.cpu_count() or 1) if len(todo) >= PARALLEL_MIN_FILES else 1,
        )
        for done, (source, article) in enumerate(cleaned):
            if progress is not None:
                progress(done, len(todo), source.path)
            if done:
                crash_point("extract")
            name = str(source.path)
            if isinstance(article, UnreadableFileError):
                failed.append((name, _reason(article, source.path)))
                if name in known:  # it no longer yields an article: its old one leaves
                    writer.delete_by_term("article", known[name].id)
                continue
            stamp = plan.stamps.get(name, "")
            if name in known:
                writer.delete_by_term("article", known[name].id)
                updated += 1
            else:
                added += 1
            writer.delete_by_term("article", article.id)
            for document in documents_of(article, stamp=stamp):
                writer.add_document(**document)
            paragraphs += len(article.paragraphs)
    _save_stems(directory)
    (directory / RUNNING_FILE).unlink(missing_ok=True)
    return IndexReport(added, updated, plan.unchanged, len(plan.gone), paragraphs, tuple(failed))


def _write_records(
    directory: Path,
    ix: Any,
    plan: IndexPlan,
    records_known: dict[str, dict[str, ArticleMeta]],
    report: IndexReport,
) -> IndexReport:
    """Write the new and changed records of the plan's record files (exports, archives, PDFs)
    in one commit: an unchanged record is not cleaned again, a vanished one leaves."""
    if not plan.record_files:
        return report
    added = updated = unchanged = removed = paragraphs = 0
    failed = list(report.failed)
    notices: list[str] = []
    root = directory.resolve().parent
    (directory / RUNNING_FILE).touch()
    with _writing(ix) as writer:
        for path in plan.record_files:
            name = str(path)
            previous = records_known.get(name, {})
            stamp = plan.stamps.get(name, "")

            def same(
                identifier: str, digest: str, previous: dict[str, ArticleMeta] = previous
            ) -> bool:
                old = previous.get(identifier)
                return old is not None and old.digest == _digest(digest)

            seen: set[str] = set()
            for identifier, digest, article in record_articles(path, root=root, unchanged=same):
                if identifier:
                    seen.add(identifier)
                if article is None:
                    unchanged += 1
                elif digest == LEFT_OUT:
                    notices.append(str(article))
                elif isinstance(article, UnreadableFileError):
                    location, _, reason = str(article).partition(": ")
                    failed.append((location, reason) if reason else (name, str(article)))
                else:
                    writer.delete_by_term("article", article.id)
                    if article.id in previous:
                        updated += 1
                    else:
                        added += 1
                    article = replace(article, digest=_digest(digest))
                    for document in documents_of(article, stamp=stamp):
                        writer.add_document(**document)
                    paragraphs += len(article.paragraphs)
            for identifier in previous.keys() - seen:
                writer.delete_by_term("article", identifier)
                removed += 1
    _save_stems(directory)
    (directory / RUNNING_FILE).unlink(missing_ok=True)
    return IndexReport(
        report.added + added,
        report.updated + updated,
        report.unchanged + unchanged,
        report.removed + removed,
        report.paragraphs + paragraphs,
        tuple(failed),
        notices=(*report.notices, *notices),
    )


def lean_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Keep few segments and few deleted documents: a segment whose documents are all deleted is
    dropped; one with more than MAX_DELETED_SHARE deleted, or smaller than SMALL_SEGMENT_SHARE
    of the largest, is merged into the segment this commit writes. The index then stays close
    to the size and speed of a fresh build however often it is updated."""
    largest = max((segment.doc_count_all() for segment in segments), default=0)
    kept = []
    for segment in segments:
        total = segment.doc_count_all()
        deleted = segment.deleted_count()
        if total and deleted >= total:
            continue  # every document deleted: leaving it out of the TOC deletes it
        if deleted > MAX_DELETED_SHARE * total or total < SMALL_SEGMENT_SHARE * largest:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
            continue
        kept.append(segment)
    return kept


def add_articles(directory: Path, articles: Iterable[Article]) -> IndexReport:
    """Index Article records directly (replacing any with the same id)."""
    started = time.perf_counter()
    ix, _ = create_or_open(directory)
    added = paragraphs = 0
    with _writing(ix) as writer:
        for article in articles:
            writer.delete_by_term("article", article.id)
            for document in documents_of(article):
                writer.add_document(**document)
            paragraphs += len(article.paragraphs)
            added += 1
    _save_stems(directory)
    _save_article_table(directory, ix)
    mark_current(directory)
    return IndexReport(added=added, paragraphs=paragraphs, seconds=time.perf_counter() - started)


def _save_article_table(directory: Path, ix: Any) -> None:
    """Write the article table of the committed version, unless it is written already; a failure
    (a full disk) costs searches time, not results (see engine/article_table.py)."""
    generation = ix.latest_generation()
    if load_table(directory, generation) is not None:
        return
    with ix.searcher() as searcher, suppress(OSError):
        articles = searcher.document_numbers(kind=ARTICLE)
        save_table(directory, generation, build_table(searcher, articles))


def crash_point(phase: str) -> None:
    """Exit at once, as a kill -9 would, when CORPUSEARCH_CRASH_AT names this phase of a run.

    Fault injection for the crash tests (tests/test_crash.py, bench/crash_test.py): a kill at a
    named phase does not depend on timing. Phases: extract, whoosh-commit, lines-write,
    after-commit.
    """
    if os.environ.get(CRASH_VARIABLE) == phase:
        os._exit(CRASH_STATUS)


CRASH_VARIABLE = "CORPUSEARCH_CRASH_AT"
CRASH_STATUS = 137  # what a shell reports for a process killed by SIGKILL


def _save_stems(directory: Path) -> None:
    """The stem cache helps start-up only: failing to write it (a full disk) loses nothing.

    The shipped aliases are analysed first, so that searches expanding them need no stemmer.
    """
    shipped()
    with suppress(OSError):
        save_stems(directory / STEMS_FILE)


def file_stamp(path: Path) -> str:
    """Sizes and modification times of a file and its sidecar: equal stamps, unchanged files."""
    stat = path.stat()
    parts = [stat.st_size, stat.st_mtime_ns]
    sidecar = sidecar_path(path)
    if sidecar is not None:
        side = sidecar.stat()
        parts += [side.st_size, side.st_mtime_ns]
    return ":".join(map(str, parts))


def _update_lines(table: LineTable, sources: list[Source], gone: list[ArticleMeta]) -> set[str]:
    """Record the lines of new and changed dumps; the unchanged files whose cleaning they change.

    A dump's furniture is the lines it shares with other pages (see shared_lines.py), so a new
    page can turn lines of an indexed one into furniture, and a removed page can turn them back.
    """
    pages = {str(s.path): PageLines.of(s.text) for s in sources if s.kind == "text"}
    names = {str(source.path) for source in sources}
    removed = {meta.path for meta in gone}
    removed |= {name for name in table.sources() if name not in names and not Path(name).exists()}
    removed |= names - set(pages)  # a file that is no longer a dump
    return {name for name in table.update(pages, removed) if Path(name).exists()}


@contextmanager
def _writing(ix: Any, *, optimize: bool = False) -> Iterator[Any]:
    """A writer that commits with the lean merge policy (or merges everything), or cancels."""
    writer = _writer(ix)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=OPTIMIZE if optimize else lean_merge)


def _writer(ix: Any) -> Any:
    try:
        return ix.writer(timeout=LOCK_WAIT, limitmb=WRITER_LIMIT_MB)
    except LockError as error:
        raise IndexLockedError(
            f"the index is locked by {_holder(Path(ix.storage.folder))}",
            hint="wait for it to finish; if none is running, delete the index's *_WRITELOCK file",
        ) from error


def _digest(content: str) -> str:
    return f"{PIPELINE_VERSION}:{content}"


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
