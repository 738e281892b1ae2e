"""``corpusearch export opensearch OUT_DIR`` and ``search --explain --as opensearch``.

Registered by :mod:`corpusearch.cli` (``cli.add_command(export)``); the OpenSearch machinery
loads only when one of these runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from corpusearch.errors import CorpusearchError

__all__ = ["explain_as_opensearch", "export", "opensearch_url", "search_on_opensearch"]

URL_ENV = "CORPUSEARCH_OPENSEARCH"
URL_OPTION = click.option(
    "--opensearch",
    "url",
    envvar=URL_ENV,
    metavar="URL",
    help=f"Also load the export into this OpenSearch cluster (env {URL_ENV}).",
)


def _fail(error: CorpusearchError) -> click.ClickException:
    hint = f" ({error.hint})" if error.hint else ""
    return click.ClickException(f"{error}{hint}")


def _corpus(ctx: click.Context) -> Any:
    from corpusearch.corpus import Corpus

    index_dir = ctx.find_root().obj["index"]
    return Corpus(index_dir)


@click.group()
def export() -> None:
    """Export the index for another search engine."""


@export.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    default=None,
    help="Largest bulk file, in bytes (default 10 MiB).",
)
@click.option("--name", "index_name", default=None, help="OpenSearch index name (corpusearch).")
@URL_OPTION
@click.pass_context
def opensearch(
    ctx: click.Context,
    out_dir: Path,
    max_bytes: int | None,
    index_name: str | None,
    url: str | None,
) -> None:
    """Write an OpenSearch index body, bulk NDJSON files and a README to OUT_DIR."""
    from corpusearch.engine.opensearch import (
        DEFAULT_INDEX_NAME,
        DEFAULT_MAX_BYTES,
        export_opensearch,
    )

    name = index_name or DEFAULT_INDEX_NAME
    try:
        report = export_opensearch(
            _corpus(ctx), out_dir, max_bytes=max_bytes or DEFAULT_MAX_BYTES, index_name=name
        )
        for article, reason in report.skipped:
            click.echo(f"skipped {article}: {reason}", err=True)
        click.echo(
            f"{report.paragraphs} paragraphs of {report.articles} articles written to "
            f"{out_dir} in {len(report.bulk_files)} bulk file(s), {report.bytes} bytes",
            err=True,
        )
        if url:
            from corpusearch.engine.opensearch_live import load_export

            loaded = load_export(url, out_dir, index_name=name)
            for line in loaded.errors:
                click.echo(f"refused: {line}", err=True)
            made = "created and " if loaded.created else ""
            click.echo(f"index {name} {made}loaded: {loaded.indexed} documents", err=True)
            if loaded.errors:
                raise click.ClickException(f"{len(loaded.errors)} documents were refused")
    except CorpusearchError as error:
        raise _fail(error) from error
    except OSError as error:
        raise click.ClickException(f"{error.strerror or error}: {error.filename or ''}") from error


def explain_as_opensearch(corpus: Any, query: str, **options: Any) -> str:
    """The OpenSearch ``_search`` body of a search, as indented JSON (``--explain --as opensearch``).

    ``options`` are ``Corpus.search``'s: author, topic, source, since, until, limit, page,
    sort, group. Raises CorpusearchError for a query that cannot be planned or translated.
    """
    from corpusearch.engine.opensearch_query import translate_query

    body = translate_query(corpus, query, **options)
    return json.dumps(body, ensure_ascii=False, indent=2)


def opensearch_url(url: str | None = None) -> str | None:
    """The cluster URL given, else ``CORPUSEARCH_OPENSEARCH``, else None (search locally)."""
    from corpusearch.engine.opensearch_live import url_from_env

    return url or url_from_env()


def search_on_opensearch(corpus: Any, url: str, query: str, **options: Any) -> Any:
    """Run a search on the cluster: a SearchResult shaped like ``Corpus.search``'s."""
    from corpusearch.engine.opensearch_live import search_opensearch

    return search_opensearch(corpus, url, query, **options)
