"""The ``corpusearch`` command: each subcommand calls one library function and prints its result."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

from corpusearch import __version__
from corpusearch.errors import CorpusearchError

DEFAULT_INDEX = "index"
SEEDS = Path("seeds")
MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@contextmanager
def reported() -> Iterator[None]:
    """Library errors become one-line CLI errors with their hint."""
    try:
        yield
    except CorpusearchError as error:
        hint = f" ({error.hint})" if error.hint else ""
        raise click.ClickException(f"{error}{hint}") from error
    except OSError as error:
        raise click.ClickException(f"{error.strerror or error}: {error.filename or ''}") from error


def corpus_of(ctx: click.Context, aliases: Path | None = None) -> Corpus:
    from corpusearch.corpus import Corpus

    return Corpus(ctx.obj["index"], aliases=aliases)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index",
    "index_dir",
    envvar="CORPUSEARCH_INDEX",
    default=DEFAULT_INDEX,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder (env CORPUSEARCH_INDEX).",
)
@click.version_option(__version__, prog_name="corpusearch")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path) -> None:
    """Paragraph-level full-text search over collections of scraped articles."""
    source = ctx.get_parameter_source("index_dir")
    ctx.obj = {"index": index_dir, "default_index": source == click.core.ParameterSource.DEFAULT}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Also drop articles whose files no longer exist.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.option("--optimize", is_flag=True, help="Merge the index into one segment (slower run).")
@click.pass_context
def index(
    ctx: click.Context, paths: tuple[Path, ...], prune: bool, quiet: bool, optimize: bool
) -> None:
    """Index files and folders; only new and changed files are read.

    Without PATH, the files already indexed are checked again (and seeds/ is indexed when there
    is no index yet).
    """
    corpus = corpus_of(ctx)
    roots: list[Path] = list(paths)
    if not roots and not corpus.exists() and SEEDS.is_dir():
        roots = [SEEDS]
    with reported(), _progress(quiet) as progress:
        report = corpus.index(roots, prune=prune, progress=progress, optimize=optimize)
    for path, reason in report.failed:
        click.echo(f"skipped {path}: {reason}", err=True)
    for notice in report.notices:
        click.echo(notice, err=True)
    if not quiet:
        click.echo(
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.removed} removed; {report.paragraphs} paragraphs written "
            f"to {ctx.obj['index']} in {report.seconds:.1f} s",
            err=True,
        )
    if report.failed and not (report.added or report.updated or report.unchanged):
        raise click.ClickException("no file could be indexed")


@contextmanager
def _progress(quiet: bool) -> Iterator[Any]:
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bars: list[Any] = []

    def advance(done: int, total: int, path: Path) -> None:  # noqa: ARG001  # click's progress callback signature
        if total <= 5:
            return
        if not bars:
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr)
            bars.append(bar.__enter__())
        bars[0].update(1, current_item=path.name)

    try:
        yield advance
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


@cli.command()
@click.argument("query")
@click.option("--author", help="Only articles by this author (part of a name works).")
@click.option("--topic", help="Only articles on this topic.")
@click.option("--source", help="Only articles from this publisher.")
@click.option("--since", metavar="DATE", help="Published on or after (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Published on or before (YYYY[-MM[-DD]]).")
@click.option("--language", metavar="CODE", help="Only articles in this language (fr, ar, en...).")
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--group", is_flag=True, help="One hit per article, its best paragraph first.")
@click.option("--explain", is_flag=True, help="Show how the query was analysed and expanded.")
@click.option(
    "--as",
    "explain_as",
    type=click.Choice(["corpusearch", "opensearch"]),
    default="corpusearch",
    help="With --explain: print the OpenSearch query DSL instead of searching.",
)
@click.option(
    "--opensearch",
    metavar="URL",
    envvar="CORPUSEARCH_OPENSEARCH",
    help="Search this OpenSearch cluster (see docs/scale-out.md).",
)
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file of equivalent names, added to the shipped ones and to INDEX/aliases.toml.",
)
@FORMAT
@click.option("--no-color", is_flag=True, help="Plain text, no bold or colour.")
@click.pass_context
def search(
    ctx: click.Context,
    /,
    query: str,
    fmt: str,
    no_color: bool,
    explain: bool,
    explain_as: str,
    opensearch: str | None,
    aliases: Path | None,
    **options: Any,
) -> None:
    """Search paragraphs. Quoted "phrases", AND/OR/NOT and field:value (title, section, author,
    topic, source, year) work."""
    with reported():
        corpus = corpus_of(ctx, aliases)
        if not corpus.exists() and ctx.obj["default_index"] and SEEDS.is_dir():
            click.echo(f"No index yet: building ./{DEFAULT_INDEX} from {SEEDS}/ first.", err=True)
            corpus.index([SEEDS])
        if explain and explain_as == "opensearch":
            from corpusearch.cli_opensearch import explain_as_opensearch

            click.echo(explain_as_opensearch(corpus, query, **options))
            return
        if opensearch:
            from corpusearch.cli_opensearch import search_on_opensearch

            result = search_on_opensearch(corpus, opensearch, query, **options)
        else:
            result = corpus.search(query, **options)
    if explain:
        for line in result.explain:
            click.echo(f"explain: {line}", err=True)
    _print_result(result, fmt, no_color)


@cli.command()
@click.argument("paragraph_id")
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True)
@FORMAT
@click.option("--no-color", is_flag=True, help="Plain text, no bold or colour.")
@click.pass_context
def similar(ctx: click.Context, paragraph_id: str, limit: int, fmt: str, no_color: bool) -> None:
    """Paragraphs most like paragraph PARAGRAPH_ID (ids look like ARTICLE-N)."""
    with reported():
        result = corpus_of(ctx).similar(paragraph_id, limit=limit)
    _print_result(result, fmt, no_color, paged=False)


def _print_result(result: Any, fmt: str, no_color: bool, *, paged: bool = True) -> None:
    if fmt == "json":
        _echo_json(result.to_json())
        return
    color = False if no_color else None
    for notice in result.notices:
        click.echo(notice, err=True)
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}?", err=True)
    first = (result.page - 1) * result.limit + 1
    shown = f"{first}-{first + len(result.hits) - 1}" if result.hits else "none"
    unit = "articles" if result.grouped else "paragraphs"
    click.echo(f'{result.total} {unit} match "{result.query}" (showing {shown})', color=color)
    for number, hit in enumerate(result.hits, start=first):
        click.echo("", color=color)
        heading = click.style(f"{number}. {hit.title}", bold=True)
        click.echo(f"{heading}  ¶{hit.position}", color=color)
        page = f"p. {hit.page}" if hit.page is not None else None
        facts = [hit.source, ", ".join(hit.authors), hit.date, page, hit.section]
        click.echo("   " + click.style(" · ".join(f for f in facts if f), dim=True), color=color)
        click.echo("   " + terminal_snippet(hit.snippet), color=color)
        more = f"  (+{hit.others} more in this article)" if hit.others else ""
        copies = (
            f"  also in {hit.copies} {_plural(hit.copies, 'copy', 'copies')}" if hit.copies else ""
        )
        click.echo(
            click.style(f"   {hit.id}  score {hit.score:.2f}{more}{copies}", dim=True), color=color
        )
    if paged and result.page < result.pages:
        click.echo(f"\nMore: --page {result.page + 1} (of {result.pages})", color=color)
    footer = facet_footer(result.facets)
    if footer:
        click.echo("\n" + click.style(footer, dim=True), color=color)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def facet_footer(facets: dict[str, tuple[tuple[str, int], ...]]) -> str:
    """Facet counts as a few lines: "Authors: Leela Jacinto (23), ..."."""
    lines = []
    for name, values in facets.items():
        if values:
            counts = ", ".join(f"{value} ({count})" for value, count in values[:6])
            lines.append(f"{name.capitalize()}: {counts}")
    return "\n".join(lines)


def terminal_snippet(snippet: str) -> str:
    """An HTML snippet for the terminal: marks in bold yellow (stripped when colour is off)."""
    return unescape(MARK.sub(lambda m: click.style(m.group(1), fg="yellow", bold=True), snippet))


@cli.command()
@FORMAT
@click.pass_context
def articles(ctx: click.Context, fmt: str) -> None:
    """List the indexed articles, newest first."""
    with reported():
        found = corpus_of(ctx).articles()
    if fmt == "json":
        _echo_json([summary.to_json() for summary in found])
        return
    for summary in found:
        facts = [summary.source, ", ".join(summary.authors), summary.date or "no date"]
        copies = f" · also in {summary.copies} {_plural(summary.copies, 'copy', 'copies')}"
        click.echo(f"{summary.id}  {summary.title}")
        click.echo(
            f"              {' · '.join(f for f in facts if f)} · {summary.paragraphs} ¶"
            + (copies if summary.copies else "")
        )


@cli.command()
@click.argument("article_id")
@click.option("--copies", "list_copies", is_flag=True, help="List the article's copies instead.")
@click.option(
    "--around",
    type=click.IntRange(1),
    metavar="PARAGRAPH",
    help="Only this paragraph and its neighbours.",
)
@click.option("--context", "context_size", type=click.IntRange(0, 20), default=2, show_default=True)
@FORMAT
@click.pass_context
def show(
    ctx: click.Context,
    article_id: str,
    list_copies: bool,
    around: int | None,
    context_size: int,
    fmt: str,
) -> None:
    """Print an indexed article, cleaned, with numbered paragraphs."""
    if around is not None:
        from corpusearch.context import context

        with reported():
            window = context(corpus_of(ctx), f"{article_id}-{around}", context_size)
        if fmt == "json":
            _echo_json(window.to_json())
        else:
            click.echo(window.text())
        return
    with reported():
        if list_copies:
            copies = corpus_of(ctx).copies(article_id)
        else:
            article = corpus_of(ctx).article(article_id)
    if not list_copies:
        _print_article(article, fmt)
    elif fmt == "json":
        _echo_json([summary.to_json() for summary in copies])
    else:
        for summary in copies:
            click.echo(f"{summary.id}  {summary.path}  {summary.paragraphs} ¶  {summary.title}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT
@click.pass_context
def clean(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Clean files without indexing them: what would be indexed (JSON: one object per line).

    Files cleaned together are cleaned as one corpus: lines that text dumps share (menus,
    footers) are left out, as when they are indexed together.
    """
    from corpusearch.extract.ingest import discover
    from corpusearch.extract.pipeline import clean_files

    files = [
        file for path in paths for file in (discover([path]).files if path.is_dir() else [path])
    ]
    failed = 0
    # ids as the index would give them, so that `show ID` finds what `clean` printed
    for path, article in clean_files(files, root=ctx.obj["index"].resolve().parent):
        if isinstance(article, CorpusearchError):
            failed += 1
            click.echo(f"Error: {article}", err=True)
            if fmt == "json":
                click.echo(
                    json.dumps({"path": str(path), "error": str(article)}, ensure_ascii=False)
                )
            continue
        if fmt == "json":
            click.echo(json.dumps(article.to_json(), ensure_ascii=False))
        else:
            _print_article(article, fmt)
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} files could not be cleaned")


def _print_article(article: Any, fmt: str) -> None:
    if fmt == "json":
        _echo_json(article.to_json())
        return
    click.echo(click.style(article.title, bold=True))
    facts = [article.source, ", ".join(article.authors), article.date, article.series, article.url]
    click.echo(" · ".join(f for f in facts if f))
    if article.topics:
        click.echo("Topics: " + "; ".join(article.topics))
    click.echo(f"id {article.id} · {article.path}")
    section = None
    for paragraph in article.paragraphs:
        if paragraph.section and paragraph.section != section:
            click.echo("\n" + click.style(paragraph.section, bold=True))
        section = paragraph.section
        click.echo(f"\n[{paragraph.position}] {paragraph.text}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the form in a browser.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, open_browser: bool) -> None:
    """Serve the local web form over the index."""
    from corpusearch.web.app import serve as serve_app

    with reported():
        serve_app(ctx.obj["index"], host=host, port=port, open_browser=open_browser)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _register() -> None:
    """The analyst's workflow commands (saved, batch, cite, context, timeline) and the OpenSearch
    export live in modules of their own."""
    from corpusearch.cli_opensearch import export
    from corpusearch.cli_workflow import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)
    cli.add_command(export)


_register()


def main() -> None:
    """Entry point: no Python traceback reaches the user (CORPUSEARCH_DEBUG=1 shows it)."""
    try:
        cli.main(prog_name="corpusearch")
    except Exception as error:  # the last line of defence; library errors are handled above
        if os.environ.get("CORPUSEARCH_DEBUG"):
            raise
        click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
        click.echo("Run with CORPUSEARCH_DEBUG=1 for details and please report it.", err=True)
        sys.exit(1)
