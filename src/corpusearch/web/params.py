"""Request parameters of the web form: what a search URL asks for, read without ever raising."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

SORTS = ("relevance", "date")


FILTERS = ("author", "topic", "source", "since", "until")


MAX_FIELD_LENGTH = 200


MAX_PAGE = 1000


# Facet key of SearchResult.facets -> the filter a click on one of its values sets.
FACET_FILTERS = {"authors": "author", "topics": "topic", "source": "source"}


FACET_LABELS = {"authors": "Authors", "topics": "Topics", "source": "Sources", "year": "Years"}


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
