"""The opt-in live path: load an export into an OpenSearch cluster and search it there.

Needs ``opensearch-py`` (the ``opensearch`` extra), imported only when a URL is given. The URL
comes from ``--opensearch URL`` or the ``CORPUSEARCH_OPENSEARCH`` environment variable.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpusearch.engine.opensearch import BULK_PREFIX, DEFAULT_INDEX_NAME, INDEX_FILE
from corpusearch.engine.opensearch_query import Translation, plan_translation, result_of_response
from corpusearch.engine.query import Filters
from corpusearch.engine.search import SearchRequest, SearchResult
from corpusearch.errors import CorpusearchError

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

__all__ = [
    "ENV_URL",
    "LoadReport",
    "OpenSearchUnavailableError",
    "bulk_actions",
    "client",
    "load_export",
    "search_opensearch",
    "url_from_env",
]

ENV_URL = "CORPUSEARCH_OPENSEARCH"
# Actions per bulk request when loading: the export's files are already bounded in bytes, this
# bounds the request count within one file (opensearch-py's default chunk).
CHUNK_ACTIONS = 500
REQUEST_TIMEOUT = 60  # seconds: a bulk request of a 10 MB file on a busy cluster


class OpenSearchUnavailableError(CorpusearchError):
    """opensearch-py is missing, the cluster cannot be reached, or it refused a request."""


@dataclass(frozen=True)
class LoadReport:
    """What loading an export did."""

    index_name: str
    created: bool
    indexed: int
    errors: tuple[str, ...] = ()


def url_from_env() -> str | None:
    """The cluster URL from ``CORPUSEARCH_OPENSEARCH``, or None."""
    return os.environ.get(ENV_URL) or None


def client(url: str) -> Any:
    """An ``opensearchpy.OpenSearch`` client for ``url``."""
    try:
        from opensearchpy import OpenSearch
    except ImportError as error:
        raise OpenSearchUnavailableError(
            "the OpenSearch path needs opensearch-py",
            hint="pip install 'corpusearch[opensearch]'",
        ) from error
    return OpenSearch(url, timeout=REQUEST_TIMEOUT)


def bulk_actions(out_dir: Path) -> Iterator[dict[str, Any]]:
    """The exported bulk files as opensearch-py bulk-helper actions, streamed file by file."""
    files = sorted(out_dir.glob(f"{BULK_PREFIX}*.ndjson"))
    if not files:
        raise OpenSearchUnavailableError(f"no {BULK_PREFIX}*.ndjson files in {out_dir}")
    for path in files:
        with path.open(encoding="utf-8") as lines:
            for action_line in lines:
                document = json.loads(next(lines))
                (operation, meta), *_ = json.loads(action_line).items()
                yield {"_op_type": operation, **meta, "_source": document}


def load_export(
    url: str, out_dir: str | Path, *, index_name: str = DEFAULT_INDEX_NAME
) -> LoadReport:
    """Create the index from ``index.json`` (unless it exists) and bulk-load every bulk file.

    Documents are upserted by paragraph id, so loading a newer export of the same corpus
    replaces the paragraphs it holds.
    """
    from opensearchpy import exceptions, helpers

    folder = Path(out_dir)
    connection = client(url)
    try:
        created = False
        if not connection.indices.exists(index=index_name):
            body = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
            connection.indices.create(index=index_name, body=body)
            created = True
        indexed, failures = helpers.bulk(
            connection,
            bulk_actions(folder),
            chunk_size=CHUNK_ACTIONS,
            raise_on_error=False,
            stats_only=False,
        )
        connection.indices.refresh(index=index_name)
    except exceptions.OpenSearchException as error:
        raise _failure(url, error) from error
    errors = tuple(json.dumps(f, ensure_ascii=False)[:300] for f in failures)
    return LoadReport(index_name, created, int(indexed), errors)


def search_opensearch(
    corpus: Corpus,
    url: str,
    query: str,
    *,
    index_name: str = DEFAULT_INDEX_NAME,
    author: str | None = None,
    topic: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 10,
    page: int = 1,
    sort: str = "relevance",
    group: bool = False,
) -> SearchResult:
    """Plan ``query`` locally, run its translation on the cluster, return a local-shaped result."""
    filters = Filters(author=author, topic=topic, source=source, since=since, until=until)
    request = SearchRequest(query, filters, limit=limit, page=page, sort=sort, group=group)
    translation = plan_translation(corpus, request)
    return result_of_response(_search(url, index_name, translation), translation)


def _search(url: str, index_name: str, translation: Translation) -> dict[str, Any]:
    from opensearchpy import exceptions

    try:
        response = client(url).search(index=index_name, body=translation.body)
    except exceptions.OpenSearchException as error:
        raise _failure(url, error) from error
    return dict(response)


def _failure(url: str, error: Exception) -> OpenSearchUnavailableError:
    """One line for the user: unreachable, or what the cluster said."""
    from opensearchpy import exceptions

    if isinstance(error, exceptions.ConnectionError):
        return OpenSearchUnavailableError(
            f"cannot reach OpenSearch at {url}",
            hint=f"is the cluster up? the URL comes from --opensearch or {ENV_URL}",
        )
    if isinstance(error, exceptions.TransportError):
        reason = error.info.get("error", {}) if isinstance(error.info, dict) else {}
        detail = reason.get("reason") if isinstance(reason, dict) else None
        return OpenSearchUnavailableError(
            f"OpenSearch at {url} refused the request ({error.status_code}: "
            f"{detail or error.error})"
        )
    return OpenSearchUnavailableError(f"OpenSearch at {url}: {type(error).__name__}: {error}")
