"""The analyst's commands: ``saved``, ``batch``, ``cite``, ``context`` and ``timeline``.

Each calls one library function and prints its result; they are registered on the main
``corpusearch`` group by :mod:`corpusearch.cli` (``COMMANDS``). Helpers of ``cli`` are imported
when a command runs, so that the two modules can import each other in either order.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

__all__ = ["COMMANDS", "batch", "cite", "context_command", "saved", "timeline"]

# The progress bar only shows for lists at least this long: shorter ones finish at once.
PROGRESS_FROM = 20


def _corpus(ctx: click.Context) -> Any:
    from corpusearch.corpus import Corpus

    return Corpus(ctx.obj["index"])


@contextmanager
def _reported() -> Iterator[None]:
    from corpusearch.cli import reported

    with reported():
        yield


def _filters(function: Callable[..., Any]) -> Callable[..., Any]:
    """The search filters every command that searches takes."""
    options = [
        click.option("--author", help="Only articles by this author (part of a name works)."),
        click.option("--topic", help="Only articles on this topic."),
        click.option("--source", help="Only articles from this publisher."),
        click.option("--since", metavar="DATE", help="Published on or after (YYYY[-MM[-DD]])."),
        click.option("--until", metavar="DATE", help="Published on or before (YYYY[-MM[-DD]])."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _echo_hit(number: int, hit: Any, color: bool | None) -> None:
    from corpusearch.cli import terminal_snippet

    click.echo("", color=color)
    click.echo(f"{click.style(f'{number}. {hit.title}', bold=True)}  ¶{hit.position}", color=color)
    facts = [hit.source, ", ".join(hit.authors), hit.date, hit.section]
    click.echo("   " + click.style(" · ".join(f for f in facts if f), dim=True), color=color)
    click.echo("   " + terminal_snippet(hit.snippet), color=color)
    click.echo(click.style(f"   {hit.id}  score {hit.score:.2f}", dim=True), color=color)


# --- saved searches ---------------------------------------------------------------------------


def _saved(ctx: click.Context) -> Any:
    from corpusearch.saved import SavedSearches

    return SavedSearches(_corpus(ctx))


@click.group()
def saved() -> None:
    """Saved searches that report what is new since they last ran."""


@saved.command("add")
@click.argument("name")
@click.argument("query")
@_filters
@click.option("--replace", is_flag=True, help="Replace a saved search of the same name.")
@click.pass_context
def saved_add(ctx: click.Context, /, name: str, query: str, replace: bool, **filters: Any) -> None:
    """Save QUERY (with filters) as NAME."""
    with _reported():
        added = _saved(ctx).add(name, query, replace=replace, **filters)
    click.echo(f"saved {added.name!r}: {_described(added)}", err=True)


def _described(search: Any) -> str:
    filters = " ".join(f"--{key} {value!r}" for key, value in search.filters)
    return " ".join(part for part in (repr(search.query) if search.query else "", filters) if part)


@saved.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def saved_list(ctx: click.Context, fmt: str) -> None:
    """List the saved searches and when each last ran."""
    with _reported():
        found = _saved(ctx).list()
    if fmt == "json":
        _echo_json([search.to_json() for search in found])
        return
    if not found:
        click.echo("no saved searches (add one with: corpusearch saved add NAME QUERY)", err=True)
    for search in found:
        click.echo(f"{search.name}  {_described(search)}  (last run: {search.last_run or 'never'})")


@saved.command("run")
@click.argument("name", required=False)
@click.option("--all", "everything", is_flag=True, help="Every hit, not only the new ones.")
@click.option("--peek", is_flag=True, help="Do not mark this run: the same hits stay new.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-color", is_flag=True, help="Plain text, no bold or colour.")
@click.pass_context
def saved_run(
    ctx: click.Context, name: str | None, everything: bool, peek: bool, fmt: str, no_color: bool
) -> None:
    """Print the hits of saved search NAME (or of every one) that are new since its last run."""
    with _reported():
        store = _saved(ctx)
        if name is None:
            runs = store.run_all(everything=everything, mark=not peek)
        else:
            runs = (store.run(name, everything=everything, mark=not peek),)
    if fmt == "json":
        _echo_json([run.to_json() for run in runs])
        return
    color = False if no_color else None
    for index, run in enumerate(runs):
        if index:
            click.echo("", color=color)
        plural = "s" if run.total != 1 else ""
        head = f"{run.search.name}: {run.new} new of {run.total} matching paragraph{plural}"
        if run.first_run:
            head += " (first run: everything is new)"
        click.echo(click.style(head, bold=True), color=color)
        for notice in run.notices:
            click.echo(notice, err=True)
        for number, hit in enumerate(run.hits, 1):
            _echo_hit(number, hit, color)


@saved.command("remove")
@click.argument("name")
@click.pass_context
def saved_remove(ctx: click.Context, name: str) -> None:
    """Forget saved search NAME."""
    with _reported():
        _saved(ctx).remove(name)
    click.echo(f"removed {name!r}", err=True)


# --- batch search -----------------------------------------------------------------------------


@click.command()
@click.argument("queries_file", type=click.Path(dir_okay=False, path_type=Path))
@_filters
@click.option(
    "--column", help="The CSV column holding the queries (default: 'query', else the first)."
)
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Hits per query.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here, not to stdout.",
)
@click.pass_context
def batch(
    ctx: click.Context,
    /,
    queries_file: Path,
    column: str | None,
    limit: int,
    fmt: str,
    output: Path | None,
    **filters: Any,
) -> None:
    """Run every query of QUERIES_FILE (one per line, or a CSV column): one row per hit."""
    from corpusearch.batch import batch_search, read_queries, write_results

    with _reported():
        queries = read_queries(queries_file, csv_column=column)
        corpus = _corpus(ctx)
        with _progress(len(queries)) as advance:
            results = batch_search(corpus, queries, limit=limit, progress=advance, **filters)
            failed = 0

            def counted() -> Iterator[Any]:
                nonlocal failed
                for result in results:
                    if result.error:
                        failed += 1
                        click.echo(
                            f"line {result.line}: {result.query!r}: {result.error}", err=True
                        )
                    yield result

            if output is None:
                rows = write_results(counted(), fmt, sys.stdout)
            else:
                with output.open("w", encoding="utf-8", newline="") as out:
                    rows = write_results(counted(), fmt, out)
    where = f" to {output}" if output else ""
    click.echo(f"{len(queries)} queries, {failed} failed; {rows} rows written{where}", err=True)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Any], None] | None]:
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Searching", file=sys.stderr) as bar:
        yield lambda result: bar.update(1)  # noqa: ARG005  # the progress callback's signature


# --- citations, context, timeline -------------------------------------------------------------


@click.command()
@click.argument("paragraph_ids", nargs=-1)
@click.option("--query", "-q", help="Cite the hits of this search instead of given paragraphs.")
@_filters
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Hits cited with --query.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "ris", "bibtex", "csl-json"]),
    default="ris",
    show_default=True,
)
@click.pass_context
def cite(
    ctx: click.Context,
    /,
    paragraph_ids: tuple[str, ...],
    query: str | None,
    limit: int,
    fmt: str,
    **filters: Any,
) -> None:
    """Citations of PARAGRAPH_IDs (ARTICLE-N), or of the hits of --query, one record per paragraph."""
    from corpusearch.citations import cite_paragraphs, cite_search, render

    if bool(paragraph_ids) == (query is not None):
        raise click.UsageError("give paragraph ids, or --query, not both")
    with _reported():
        corpus = _corpus(ctx)
        if query is not None:
            records = cite_search(corpus, query, limit=limit, **filters)
        else:
            records = cite_paragraphs(corpus, paragraph_ids)
        click.echo(render(records, fmt), nl=False)


@click.command("context")
@click.argument("paragraph_id")
@click.option(
    "--context",
    "-n",
    "around",
    type=click.IntRange(0, 20),
    default=2,
    show_default=True,
    help="Paragraphs either side.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def context_command(ctx: click.Context, paragraph_id: str, around: int, fmt: str) -> None:
    """Paragraph PARAGRAPH_ID (ARTICLE-N) with its neighbours."""
    from corpusearch.context import context

    with _reported():
        window = context(_corpus(ctx), paragraph_id, around)
    if fmt == "json":
        _echo_json(window.to_json())
    else:
        click.echo(window.text())


@click.command()
@click.argument("query")
@_filters
@click.option(
    "--by",
    "unit",
    type=click.Choice(["month", "year"]),
    help="Default: months unless that is more than 36.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def timeline(ctx: click.Context, /, query: str, unit: str | None, fmt: str, **filters: Any) -> None:
    """How many matching articles were published each month or year."""
    from corpusearch.timeline import timeline_for

    with _reported():
        found = timeline_for(_corpus(ctx), query, unit=unit, **filters)
    if fmt == "json":
        _echo_json(found.to_json())
    else:
        click.echo(found.text())


COMMANDS: tuple[click.Command, ...] = (saved, batch, cite, context_command, timeline)
