"""When something was talked about: the dates of matching articles as a histogram by month or year.

:func:`timeline_of` counts dates into contiguous bins (empty months or years included, so gaps
show); a :class:`Timeline` prints as a compact text block, as JSON, and as an inline SVG whose
bars link to the search narrowed to their period (no script needed).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

__all__ = ["Bin", "Timeline", "timeline_for", "timeline_of"]

# Up to three years of months: past that, 36+ thin bars read worse than a bar per year.
MAX_MONTHS = 36
# A text block lists its bins one per line up to this many, else draws one sparkline.
MAX_TEXT_ROWS = 12
TEXT_BAR_WIDTH = 30
SPARKS = " ▁▂▃▄▅▆▇█"
SVG_WIDTH = 640
SVG_HEIGHT = 120
SVG_AXIS = 18  # room under the bars for the first and last period's label
SVG_MAX_BAR = 48  # a bar no wider than this, so one or two periods do not fill the chart
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")


@dataclass(frozen=True)
class Bin:
    """One month (``2017-07``) or year (``2017``) and how many articles fall in it."""

    period: str
    count: int

    @property
    def since(self) -> str:
        return self.period

    @property
    def until(self) -> str:
        return self.period


@dataclass(frozen=True)
class Timeline:
    """Counts of dated articles per period, oldest first, and how many had no usable date."""

    unit: str  # "month" or "year"
    bins: tuple[Bin, ...]
    undated: int = 0

    @property
    def dated(self) -> int:
        return sum(b.count for b in self.bins)

    @property
    def peak(self) -> Bin | None:
        return max(self.bins, key=lambda b: b.count, default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "bins": [{"period": b.period, "count": b.count} for b in self.bins],
            "undated": self.undated,
        }

    def text(self) -> str:
        """A compact block: a bar per period, or one sparkline when there are many periods."""
        if not self.bins:
            return f"Timeline: no dated articles ({self.undated} undated)"
        undated = f", {self.undated} undated" if self.undated else ""
        plural = "s" if self.dated != 1 else ""
        head = f"Timeline by {self.unit}: {self.dated} dated article{plural}{undated}"
        most = max(b.count for b in self.bins)
        if len(self.bins) <= MAX_TEXT_ROWS:
            width = len(self.bins[0].period)
            rows = [
                f"  {b.period:<{width}} {'█' * round(TEXT_BAR_WIDTH * b.count / most):<{TEXT_BAR_WIDTH}} {b.count}"
                for b in self.bins
            ]
            return "\n".join([head, *(row.rstrip() for row in rows)])
        spark = "".join(_spark(b.count, most) for b in self.bins)
        peak = self.peak
        assert peak is not None
        return "\n".join(
            [
                head,
                f"  {self.bins[0].period} {spark} {self.bins[-1].period}",
                f"  peak {peak.period} ({peak.count})",
            ]
        )

    def svg(self, link: Callable[[Bin], str] | None = None, *, label: str = "Timeline") -> str:
        """An inline SVG bar chart; ``link(bin)`` gives each non-empty bar's href (escaped here)."""
        if not self.bins:
            return ""
        most = max(b.count for b in self.bins)
        step = SVG_WIDTH / len(self.bins)
        gap = min(step * 0.15, 4.0)
        plot = SVG_HEIGHT - SVG_AXIS
        parts = [
            f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" '
            f'role="group" aria-label="{_attr(label)}">'
        ]
        for index, b in enumerate(self.bins):
            width = min(step - gap, SVG_MAX_BAR)
            x = index * step + (step - width) / 2
            height = max(plot * b.count / most, 1.5) if b.count else 0.0
            y = plot - height
            title = f"{b.period}: {b.count} article{'s' if b.count != 1 else ''}"
            bar = (
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"/>'
                f'<rect class="hot" x="{index * step:.1f}" y="0" width="{step:.1f}" height="{plot}"/>'
            )
            if b.count and link is not None:
                parts.append(
                    f'<a href="{_attr(link(b))}" aria-label="{_attr(title)}"><title>{_text(title)}</title>{bar}</a>'
                )
            elif b.count:
                parts.append(f"<g><title>{_text(title)}</title>{bar}</g>")
        parts.append(f'<line class="axis" x1="0" y1="{plot}" x2="{SVG_WIDTH}" y2="{plot}"/>')
        baseline = SVG_HEIGHT - 4
        if len(self.bins) == 1:  # under its bar, in the middle
            first = f'<text x="{SVG_WIDTH / 2:.0f}" y="{baseline}" text-anchor="middle">'
        else:
            first = f'<text x="0" y="{baseline}">'
        parts.append(f"{first}{_text(self.bins[0].period)}</text>")
        if len(self.bins) > 1:
            parts.append(
                f'<text x="{SVG_WIDTH}" y="{baseline}" text-anchor="end">{_text(self.bins[-1].period)}</text>'
            )
        parts.append("</svg>")
        return "".join(parts)


def _spark(count: int, most: int) -> str:
    if not count:
        return SPARKS[0]
    return SPARKS[max(1, round((len(SPARKS) - 1) * count / most))]


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _text(text: str) -> str:
    return html.escape(text, quote=False)


def timeline_of(dates: Iterable[str | None], unit: str | None = None) -> Timeline:
    """Count ``dates`` (one per article, ``YYYY[-MM[-DD]]`` or None) by ``unit``: "month",
    "year", or None to choose months unless the dates span more than MAX_MONTHS months.

    A date that is missing, unreadable, or (by month) gives only a year counts as undated.
    """
    parsed: list[tuple[int, int | None]] = []
    undated = 0
    for date in dates:
        match = _DATE.match(date or "")
        if match is None:
            undated += 1
            continue
        parsed.append((int(match.group(1)), int(match.group(2)) if match.group(2) else None))
    if unit is None:
        unit = "month" if _month_span(parsed) <= MAX_MONTHS else "year"
    if unit not in ("month", "year"):
        raise ValueError(f"unknown timeline unit {unit!r}")
    if unit == "year":
        counts = Counter(f"{year:04d}" for year, _ in parsed)
        periods = [f"{y:04d}" for y in _years(counts)]
    else:
        counts = Counter(f"{year:04d}-{month:02d}" for year, month in parsed if month)
        undated += sum(1 for _, month in parsed if not month)
        periods = _months(counts)
    return Timeline(unit, tuple(Bin(p, counts.get(p, 0)) for p in periods), undated)


def _month_span(parsed: list[tuple[int, int | None]]) -> int:
    months = [year * 12 + (month or 1) - 1 for year, month in parsed]
    return max(months) - min(months) + 1 if months else 0


def _years(counts: Counter[str]) -> range:
    if not counts:
        return range(0)
    years = [int(period) for period in counts]
    return range(min(years), max(years) + 1)


def _months(counts: Counter[str]) -> list[str]:
    if not counts:
        return []
    months = [int(p[:4]) * 12 + int(p[5:]) - 1 for p in counts]
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(min(months), max(months) + 1)]


def timeline_for(
    corpus: Corpus, query: str, *, unit: str | None = None, **filters: Any
) -> Timeline:
    """The timeline of every article matching ``query`` and ``filters``."""
    return timeline_of(corpus.search(query, limit=1, **filters).dates, unit)
