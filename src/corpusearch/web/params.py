"""Request parameters of the web form: what a search URL asks for, read without ever raising."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["FACET_FILTERS", "FACET_LABELS", "FILTERS", "MULTI", "SearchParams"]

SORTS = ("relevance", "date")


FILTERS = ("author", "topic", "source", "since", "until")


# Filters that take several values (repeated in the URL): any of them may match.
MULTI = ("author", "topic", "source")


# Values of one multi-value filter: more would make a query the engine refuses as too long.
MAX_VALUES = 8


MAX_FIELD_LENGTH = 200


MAX_PAGE = 1000


# Facet key of SearchResult.facets -> the filter a click on one of its values sets.
FACET_FILTERS = {"authors": "author", "topics": "topic", "source": "source"}


FACET_LABELS = {"authors": "Authors", "topics": "Topics", "source": "Sources", "year": "Years"}


@dataclass(frozen=True)
class SearchParams:
    """What a search URL asks for; ``from_args`` never raises, it falls back to defaults.

    ``author``, ``topic`` and ``source`` hold every value given (``?author=A&author=B``): a
    paragraph matches if any value of a filter matches (OR), and every filter must match (AND).
    """

    q: str = ""
    author: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    page: int = 1
    sort: str = "relevance"
    group: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> SearchParams:
        """Read the query string of a request (a missing or malformed value takes its default)."""

        def clean(value: str) -> str:
            return " ".join(value.split())[:MAX_FIELD_LENGTH]

        def text(name: str) -> str | None:
            return clean(args.get(name, "")) or None

        def values(name: str) -> tuple[str, ...]:
            getlist = getattr(args, "getlist", None)
            given = getlist(name) if callable(getlist) else [args.get(name, "")]
            kept = dict.fromkeys(v for v in (clean(value) for value in given) if v)
            return tuple(kept)[:MAX_VALUES]

        try:
            page = min(max(int(args.get("page", "1")), 1), MAX_PAGE)
        except ValueError:
            page = 1
        sort = args.get("sort", "relevance")
        return cls(
            q=" ".join(args.get("q", "").split()),
            author=values("author"),
            topic=values("topic"),
            source=values("source"),
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

    def filters(self) -> dict[str, Any]:
        """The filters that are set, by name: a string, or a list when a filter has several values."""
        found: dict[str, Any] = {}
        for name in FILTERS:
            value = getattr(self, name)
            if name in MULTI:
                if value:
                    found[name] = value[0] if len(value) == 1 else list(value)
            elif value:
                found[name] = value
        return found

    def chips(self) -> list[tuple[str, str]]:
        """Every filter value that is set, as (filter, value) pairs."""
        return [
            (name, value)
            for name in FILTERS
            for value in (getattr(self, name) if name in MULTI else [getattr(self, name)])
            if value
        ]

    def without(self, name: str, value: str | None = None) -> SearchParams:
        """These parameters without filter ``name`` (or only without its ``value``), on page 1."""
        change: dict[str, Any] = {name: None}
        if name in MULTI:
            change[name] = (
                () if value is None else tuple(v for v in getattr(self, name) if v != value)
            )
        return replace(self, page=1, **change)

    def toggled(self, name: str, value: str) -> SearchParams:
        """With ``value`` added to filter ``name`` (or removed if it is there), on page 1."""
        current: tuple[str, ...] = getattr(self, name)
        if value in current:
            return self.without(name, value)
        change: dict[str, Any] = {name: (*current, value)[:MAX_VALUES]}
        return replace(self, page=1, **change)

    def search_args(self) -> tuple[str, dict[str, Any]]:
        """The query and keyword arguments for ``Corpus.search`` (without limit and page).

        A filter with one value is a filter; several values of a filter become a group of
        ``field:"value"`` alternatives ANDed to the query, since the engine's filters take one
        value each (the field and the filter match names the same way).
        """
        query = self.q
        kwargs: dict[str, Any] = {}
        for name in FILTERS:
            value = getattr(self, name)
            if name in MULTI and len(value) > 1:
                either = " OR ".join(f'{name}:"{v.replace(chr(34), " ")}"' for v in value)
                query = f"({query}) AND ({either})" if query else either
                kwargs[name] = None
            elif name in MULTI:
                kwargs[name] = value[0] if value else None
            else:
                kwargs[name] = value
        return query, kwargs

    def search_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Corpus.search`` (without limit and page), with the query
        ``search_args`` gives."""
        _, kwargs = self.search_args()
        kwargs["sort"] = self.sort
        kwargs["group"] = self.group
        return kwargs

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """The query string of these parameters with ``changes`` applied; defaults are left out."""
        params = replace(self, **changes) if changes else self
        args: dict[str, Any] = {}
        if params.q:
            args["q"] = params.q
        for name in FILTERS:
            value = getattr(params, name)
            if value:
                args[name] = (
                    list(value)
                    if name in MULTI and len(value) > 1
                    else (value[0] if name in MULTI else value)
                )
        if params.sort != "relevance":
            args["sort"] = params.sort
        if params.group:
            args["group"] = "1"
        if params.page > 1:
            args["page"] = str(params.page)
        return args

    def hidden_fields(self, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """(name, value) pairs of hidden form inputs that carry these parameters (page 1)."""
        pairs: list[tuple[str, str]] = []
        for name, value in self.to_args(page=1).items():
            if name not in skip:
                pairs.extend((name, v) for v in (value if isinstance(value, list) else [value]))
        return pairs

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
