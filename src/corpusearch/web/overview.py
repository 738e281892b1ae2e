"""What the whole of a search holds, beyond its page: every facet value and the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpusearch.timeline import Timeline, timeline_of

# Facet values shown before the rest fold away under "more".
FACET_TOP = 10


@dataclass(frozen=True)
class Overview:
    """Every facet value of a search's matching articles (most first) and their timeline."""

    facets: dict[str, tuple[tuple[str, int], ...]]
    timeline: Timeline


def overview_of(result: Any) -> Overview:
    """From a search result: every facet value (matching articles, as the engine counts them)
    and the timeline of the matching articles' dates."""
    return Overview(dict(result.all_facets), timeline_of(result.dates))
