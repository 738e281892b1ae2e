"""Helpers of the web form: request parameters, the Host check, safe snippets, caching, export."""

from __future__ import annotations

import csv
import html
import io
import ipaddress
import os
import re
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar, cast

SORTS = ("relevance", "date")
FILTERS = ("author", "topic", "source", "since", "until")
MAX_FIELD_LENGTH = 200
MAX_PAGE = 1000
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

# Facet key of SearchResult.facets -> the filter a click on one of its values sets.
FACET_FILTERS = {"authors": "author", "topics": "topic", "source": "source"}
FACET_LABELS = {"authors": "Authors", "topics": "Topics", "source": "Sources", "year": "Years"}

T = TypeVar("T")
_MARK_SPLIT = re.compile(r"(<mark>|</mark>)")


@dataclass(frozen=True)
class SearchParams:
    """What a search URL asks for; ``from_args`` never raises, it falls back to defaults."""

    q: str = ""
    author: str | None = None
    topic: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None
    page: int = 1
    sort: str = "relevance"
    group: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> SearchParams:
        """Read the query string of a request (a missing or malformed value takes its default)."""

        def text(name: str) -> str | None:
            value = " ".join(args.get(name, "").split())[:MAX_FIELD_LENGTH]
            return value or None

        try:
            page = min(max(int(args.get("page", "1")), 1), MAX_PAGE)
        except ValueError:
            page = 1
        sort = args.get("sort", "relevance")
        return cls(
            q=" ".join(args.get("q", "").split()),
            author=text("author"),
            topic=text("topic"),
            source=text("source"),
            since=text("since"),
            until=text("until"),
            page=page,
            sort=sort if sort in SORTS else "relevance",
            group=args.get("group", "") in ("1", "on", "true", "yes"),
        )

    @property
    def active(self) -> bool:
        """Whether there is a search to run: words, or filters alone (browsing what they allow)."""
        return bool(self.q) or bool(self.filters())

    def filters(self) -> dict[str, str]:
        """The filters that are set, by name."""
        return {name: value for name in FILTERS if (value := getattr(self, name))}

    def search_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Corpus.search`` (without limit and page)."""
        kwargs: dict[str, Any] = {name: getattr(self, name) for name in FILTERS}
        kwargs["sort"] = self.sort
        kwargs["group"] = self.group
        return kwargs

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """The query string of these parameters with ``changes`` applied; defaults are left out."""
        params = replace(self, **changes) if changes else self
        args: dict[str, Any] = {}
        if params.q:
            args["q"] = params.q
        args.update(params.filters())
        if params.sort != "relevance":
            args["sort"] = params.sort
        if params.group:
            args["group"] = "1"
        if params.page > 1:
            args["page"] = str(params.page)
        return args

    def key(self) -> tuple[object, ...]:
        """A hashable identity, for caching."""
        return (
            self.q,
            self.author,
            self.topic,
            self.source,
            self.since,
            self.until,
            self.page,
            self.sort,
            self.group,
        )


def host_name(host_header: str) -> str:
    """The host name of a Host header, without its port, lower-cased (``[::1]:80`` -> ``::1``)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    host = host_name(host) if host.startswith("[") else host.lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(bound_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host header names to accept: the bound host, the loopback names, and ``extra``.

    When the server listens on every interface, this machine's own name and addresses are
    accepted too (as read from the local resolver), so other machines can reach it by them.
    """
    names = set(LOOPBACK_NAMES) | {host_name(h) for h in extra}
    bound = host_name(bound_host) if bound_host.startswith("[") else bound_host.lower()
    names.add(bound)
    if bound in ("0.0.0.0", "::", ""):
        try:
            hostname = socket.gethostname()
            _, aliases, addresses = socket.gethostbyname_ex(hostname)
            names.update(n.lower() for n in (hostname, *aliases, *addresses))
        except OSError:
            pass
    return frozenset(names)


def safe_snippet(snippet: str) -> str:
    """Re-escape highlighter output so that its ``<mark>`` tags are the only markup left.

    Text between the tags is unescaped and escaped again (quotes too), which is a no-op for
    correctly escaped input and makes anything else inert.
    """
    out: list[str] = []
    depth = 0
    for part in _MARK_SPLIT.split(snippet):
        if part == "<mark>":
            if depth == 0:
                out.append(part)
            depth += 1
        elif part == "</mark>":
            if depth == 1:
                out.append(part)
            depth = max(depth - 1, 0)
        elif part:
            out.append(html.escape(html.unescape(part), quote=True))
    if depth:
        out.append("</mark>")
    return "".join(out)


def index_version(index_dir: Path) -> tuple[object, ...]:
    """A cheap fingerprint of an index directory that changes whenever the index is rewritten."""
    try:
        stat = os.stat(index_dir)
        tocs = sorted(e.name for e in os.scandir(index_dir) if e.name.endswith(".toc"))
    except OSError:
        return ("missing",)
    return (stat.st_mtime_ns, *tocs)


class ResultCache:
    """A small thread-safe LRU cache; keys should include the index version.

    Concurrent requests for the same missing key wait for one computation instead of each
    running the same search (a popular query arriving from several tabs at once).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[object, object] = OrderedDict()
        self._pending: dict[object, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: object, compute: Callable[[], T]) -> T:
        """The cached value of ``key``, computing (outside the lock) and storing it if absent."""
        if self._size <= 0:
            return compute()
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    self.hits += 1
                    return cast(T, self._items[key])
                pending = self._pending.get(key)
                if pending is None:
                    self.misses += 1
                    done = self._pending[key] = threading.Event()
                    break
            pending.wait()  # then look again: stored, or failed and ours to retry
        try:
            value = compute()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._pending[key]
            done.set()


def citation(hit: Any) -> str:
    """A one-line citation of a hit: authors, title, source, date, paragraph and URL when known."""
    parts = []
    if hit.authors:
        parts.append(", ".join(hit.authors))
    parts.append(f"“{hit.title}”" if hit.title else f"“{hit.article}”")
    if hit.source:
        parts.append(hit.source)
    parts.append(hit.date or "n.d.")
    parts.append(f"para. {hit.position}")
    text = ", ".join(parts) + "."
    return f"{text} {hit.url}" if hit.url else text


CSV_COLUMNS = (
    "rank",
    "citation",
    "title",
    "authors",
    "source",
    "date",
    "paragraph",
    "section",
    "url",
    "article",
    "id",
    "score",
    "text",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Keep spreadsheets from evaluating corpus text as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def hits_csv(hits: Iterable[Any]) -> str:
    """The hits as CSV with a header row and a citation per hit."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for rank, hit in enumerate(hits, 1):
        row = (
            rank,
            citation(hit),
            hit.title,
            "; ".join(hit.authors),
            hit.source,
            hit.date,
            hit.position,
            hit.section,
            hit.url,
            hit.article,
            hit.id,
            f"{hit.score:.4f}",
            hit.text,
        )
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def export_name(query: str, extension: str) -> str:
    """A safe download file name for the results of ``query``."""
    slug = re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:40] or "results"
    return f"corpusearch-{slug}.{extension}"


def http_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL, else ``None`` (never link ``javascript:`` and the like)."""
    if not url:
        return None
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return url if scheme in ("http", "https") else None
