"""Turn one file into an :class:`Article`: cleaned body paragraphs, each under its section, with metadata."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date as Date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from corpusearch.errors import UnreadableFileError
from corpusearch.extract.extraction import Block, Extraction
from corpusearch.extract.ingest import Source, read_source
from corpusearch.records import Article, Paragraph

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def article_id(path: Path, root: Path | None = None) -> str:
    """A short id that stays the same across runs: a hash of the path, relative to ``root`` when under it."""
    resolved = path.resolve()
    base = (root or Path.cwd()).resolve()
    key = (
        resolved.relative_to(base).as_posix()
        if resolved.is_relative_to(base)
        else resolved.as_posix()
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def load_article(
    path: Path, *, root: Path | None = None, shared: frozenset[str] = frozenset()
) -> Article:
    """Read, clean and split one file; raises :class:`UnreadableFileError` for a file with no article.

    ``shared`` holds the lines a text dump shares with other pages of its corpus (see
    :mod:`corpusearch.extract.shared_lines`): they are never body.
    """
    return article_from(read_source(path), root=root, shared=shared)


def article_from(
    source: Source, *, root: Path | None = None, shared: frozenset[str] = frozenset()
) -> Article:
    """:func:`load_article` for a source already read."""
    return build_article(source, extract(source, shared), article_id(source.path, root))


def clean_files(
    paths: Sequence[Path], *, root: Path | None = None
) -> Iterator[tuple[Path, Article | UnreadableFileError]]:
    """Clean files together: the lines text dumps share with each other are left out as furniture.

    Each file is read once. Yields each path with its article, or the error that says why it has
    none, in the order given.
    """
    from corpusearch.extract.shared_lines import LineTable, PageLines

    read: list[tuple[Path, Source | UnreadableFileError]] = []
    for path in paths:
        try:
            read.append((path, read_source(path)))
        except UnreadableFileError as error:
            read.append((path, error))
    with LineTable() as table:
        for _, source in read:
            if isinstance(source, Source) and source.kind == "text":
                table.replace(str(source.path), PageLines.of(source.text))
        jobs = [(s, table.shared_of(s)) for _, s in read if isinstance(s, Source)]
    cleaned = iter(clean_sources(jobs, root=root))
    for path, source in read:
        if isinstance(source, UnreadableFileError):
            yield path, source
        else:
            yield path, next(cleaned)[1]


def clean_sources(
    jobs: Sequence[tuple[Source, frozenset[str]]],
    *,
    root: Path | None = None,
    processes: int = 1,
) -> Iterator[tuple[Source, Article | UnreadableFileError]]:
    """Clean sources already read, each with its shared lines, in order; in ``processes`` worker
    processes when more than one (cleaning is CPU-bound pure Python: threads would not help)."""
    if processes <= 1 or len(jobs) < 2:
        for source, shared in jobs:
            yield source, _clean_one(source, shared, root)
        return
    import multiprocessing

    # fork: the workers start with the extractors this process has imported, in milliseconds.
    # multiprocessing.Pool forks all its workers before it starts its own threads (unlike
    # concurrent.futures, which may fork while its feeder thread holds a lock: a hung run).
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(CLEAN_CHUNK, len(jobs) // (processes * 4)))
    with context.Pool(processes, initializer=_quiet_worker) as pool:
        results = pool.imap(
            _clean_job, [(source, shared, root) for source, shared in jobs], chunksize=chunk
        )
        for (source, _), article in zip(jobs, results, strict=True):
            yield source, article


def _quiet_worker() -> None:
    """A cleaning worker leaves Ctrl-C to the run that started it, and says nothing if that run
    dies (its failures reach the run as results; only a result it cannot deliver is lost)."""
    import os
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115  # for the worker's whole life


# Files sent to a worker at a time: large enough to amortise the pickling, small enough to balance.
CLEAN_CHUNK = 16


def _clean_job(
    job: tuple[Source, frozenset[str], Path | None],
) -> Article | UnreadableFileError:
    return _clean_one(*job)


def _clean_one(
    source: Source, shared: frozenset[str], root: Path | None
) -> Article | UnreadableFileError:
    try:
        return article_from(source, root=root, shared=shared)
    except UnreadableFileError as error:
        return error


def extract(source: Source, shared: frozenset[str] = frozenset()) -> Extraction:
    """The extractor for the source's kind; HTML machinery is imported only when an HTML page comes."""
    if source.kind == "html":
        from corpusearch.extract.html import extract_html

        return extract_html(source.text, url=_text(source.sidecar.get("url")))
    from corpusearch.extract.dumps import extract_dump

    return extract_dump(source.text, boilerplate=shared)


def build_article(source: Source, extraction: Extraction, identifier: str) -> Article:
    """Merge extraction and sidecar (the sidecar wins) and split the blocks into paragraphs."""
    paragraphs = split_paragraphs(extraction)
    if not paragraphs:
        raise UnreadableFileError(f"{source.path}: no article text found")
    try:
        meta = _merge(extraction, source.sidecar, source.path)
    except UnreadableFileError as error:
        raise UnreadableFileError(f"{source.path}: {error}") from error
    article = Article(
        id=identifier,
        path=str(source.path),
        paragraphs=paragraphs,
        digest=source.digest,
        **meta,
    )
    return replace(article, language=_language(source, extraction, article))


def _language(source: Source, extraction: Extraction, article: Article) -> str | None:
    """The language a sidecar states, else the one the text is in, else the page's declared one."""
    stated = source.sidecar.get("language")
    if isinstance(stated, str) and stated.strip():
        return stated.strip().lower()
    from corpusearch.extract.language import detect_language

    return detect_language(article.body_text()) or extraction.language


# The digest of the last item of record_articles when it says what a file left out on purpose.
LEFT_OUT = "left out"


def record_articles(
    path: Path,
    *,
    root: Path | None = None,
    unchanged: Callable[[str, str], bool] | None = None,
) -> Iterator[tuple[str, str, Article | UnreadableFileError | None]]:
    """The articles of a file of many records (JSONL/CSV export, WARC, PDF): for each record, its
    article id, its digest and its article, the error located at it (file:line or file@offset),
    or None when ``unchanged(article_id, digest)`` says it need not be cleaned again. A last item
    with no id says what was left out on purpose (redirects, images, older captures)."""
    from corpusearch.extract.formats import RecordProblem, records_of
    from corpusearch.extract.formats.articles import article_from_record, record_article_id

    try:
        records = records_of(path)
        for item in records:
            if isinstance(item, RecordProblem):
                yield "", "", UnreadableFileError(str(item))
                continue
            identifier = record_article_id(item.path, item.key, root)
            if unchanged is not None and unchanged(identifier, item.digest):
                yield identifier, item.digest, None
                continue
            try:
                read = article_from_record(item, root=root)
            except UnreadableFileError as error:
                yield identifier, item.digest, error
                continue
            article = replace(read.article, language=read.language, captured=read.captured)
            if read.pages:
                paragraphs = tuple(
                    replace(paragraph, page=page)
                    for paragraph, page in zip(article.paragraphs, read.pages, strict=False)
                )
                article = replace(article, paragraphs=paragraphs)
            yield identifier, item.digest, article
        if records.skipped:
            yield "", LEFT_OUT, UnreadableFileError(f"{path}: left out {records.summary()}")
    except OSError as error:
        yield "", "", UnreadableFileError(f"{path}: cannot read ({error.strerror or error})")


def split_paragraphs(extraction: Extraction) -> tuple[Paragraph, ...]:
    """Body blocks become numbered paragraphs; heading blocks name the section of those after them.

    A run of three or more headings is a list of short lines (tour dates, results, menu items of
    a recipe): all but its last are paragraphs, so that none of its text is lost.
    """
    blocks = [
        Block(text, block.heading)
        for block in extraction.blocks
        if (text := " ".join(block.text.split()))
    ]
    paragraphs: list[Paragraph] = []
    section: str | None = None
    run: list[str] = []  # the headings read since the last paragraph

    def add(text: str) -> None:
        if not paragraphs or paragraphs[-1].text != text:
            paragraphs.append(Paragraph(len(paragraphs) + 1, section, text))

    for block in [*blocks, None]:
        if block is not None and block.heading:
            run.append(block.text)
            continue
        if len(run) >= _LIST_RUN:
            for text in run[:-1]:
                add(text)
        if run:
            section = run[-1]
        run = []
        if block is not None:
            add(block.text)
    return tuple(paragraphs)


_LIST_RUN = 3


def _merge(extraction: Extraction, sidecar: Mapping[str, Any], path: Path) -> dict[str, Any]:
    url = _text(sidecar.get("url")) or extraction.url
    source = _text(sidecar.get("source")) or extraction.source or _host(url)
    title, title_source = _title(sidecar, extraction, path)
    date = extraction.date
    if "date" in sidecar:
        date = normalize_date(sidecar["date"], path)
    return {
        "title": title,
        "authors": _names(sidecar["authors"]) if "authors" in sidecar else extraction.authors,
        "date": date,
        "topics": _names(sidecar["topics"]) if "topics" in sidecar else extraction.topics,
        "source": source,
        "url": url,
        "series": _text(sidecar.get("series")) or extraction.series,
        "title_source": title_source,
    }


def _title(sidecar: Mapping[str, Any], extraction: Extraction, path: Path) -> tuple[str, str]:
    """The title and where it came from: the sidecar, the page, its first heading, or the file
    name made readable (never a name that is a hash: then "Untitled")."""
    stated = _text(sidecar.get("title"))
    if stated:
        return stated, "sidecar"
    if extraction.title:
        return extraction.title, "page"
    from corpusearch.extract.metadata import is_title_like

    heading = next((b.text for b in extraction.blocks if b.heading and is_title_like(b.text)), None)
    if heading:
        return " ".join(heading.split()), "heading"
    stem = Path(path.name.removesuffix(".gz")).stem
    return (_title_from_name(path) if is_title_like(stem) else "Untitled"), "file name"


def normalize_date(value: Any, path: Path) -> str | None:  # noqa: ARG001  # callers name the file
    """A sidecar's date as ISO ``YYYY-MM-DD`` (a longer ISO timestamp is cut to its day)."""
    if value is None or value == "":
        return None
    match = ISO_DATE.match(str(value).strip())
    try:
        if match is None:
            raise ValueError(value)
        return Date(*map(int, match.groups())).isoformat()
    except ValueError as error:
        raise UnreadableFileError(
            f"sidecar date {value!r} is not an ISO date (YYYY-MM-DD)"
        ) from error


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise UnreadableFileError(f"sidecar value {value!r} should be text")
    return " ".join(str(value).split()) or None


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, str | list):
        raise UnreadableFileError(f"sidecar value {value!r} should be text or a list of text")
    items = [value] if isinstance(value, str) else value
    return tuple(name for name in (_text(item) for item in items) if name)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _title_from_name(path: Path) -> str:
    name = path.name.removesuffix(".gz")
    return Path(name).stem.replace("_", " ").replace("-", " ").strip() or name
