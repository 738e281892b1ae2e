"""What the whole of a search holds, beyond its page: every facet value and the timeline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from corpusearch.timeline import Timeline, timeline_of

# Facet values shown before the rest fold away under "more".
FACET_TOP = 10


@dataclass(frozen=True)
class Overview:
    """Every facet value of a search's matching paragraphs (most first) and its articles' timeline."""

    facets: dict[str, tuple[tuple[str, int], ...]]
    timeline: Timeline


def overview_of(article_hits: Iterable[Any]) -> Overview:
    """From one hit per matching article (``others`` = its other matching paragraphs)."""
    counters: dict[str, Counter[str]] = {
        name: Counter() for name in ("authors", "topics", "source", "year")
    }
    dates: list[str | None] = []
    for hit in article_hits:
        paragraphs = 1 + hit.others
        for author in hit.authors:
            counters["authors"][author] += paragraphs
        for topic in hit.topics:
            counters["topics"][topic] += paragraphs
        if hit.source:
            counters["source"][hit.source] += paragraphs
        if hit.date:
            counters["year"][hit.date[:4]] += paragraphs
        dates.append(hit.date)
    facets = {
        name: tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
        for name, counter in counters.items()
    }
    return Overview(facets, timeline_of(dates))
