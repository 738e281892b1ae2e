"""The cleaners' tuned rules and thresholds, each named, with its reason and the values tried.

Every rule or threshold of the cleaners that was chosen by looking at benchmark pages is a
:class:`Knob` here. ``bench/eval_cleaning.py`` re-chooses each knob on the training folds of a
site-grouped cross-validation and reports the figure it gives on the folds it was not chosen on;
the product runs with the defaults. :func:`tuned` overrides knobs for the code run inside it (the
evaluation's only use).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

__all__ = ["KNOBS", "Knob", "knob", "tuned"]


@dataclass(frozen=True)
class Knob:
    """A tuned number of a cleaner: ``off`` turns its rule off; ``candidates`` are tried in CV."""

    name: str
    kind: Literal["dumps", "html"]
    default: float
    off: float
    candidates: tuple[float, ...]
    reason: str


KNOBS: dict[str, Knob] = {
    knob.name: knob
    for knob in (
        Knob(
            "dump_prose_run_share",
            "dumps",
            0.3,
            2.0,
            (0.3,),
            "a run of prose lines is kept whole when the line model keeps this share of it "
            "(paragraphs come in runs; the model's misses inside one are its errors)",
        ),
        Knob(
            "dump_run_sentence_words",
            "dumps",
            5.0,
            10.0,
            (5.0,),
            "a line of at least this many words that ends a sentence belongs to a run of prose "
            "(short sentences must not split the run the rule above keeps whole)",
        ),
        Knob(
            "dump_span_keep",
            "dumps",
            0.0,
            0.0,
            (1.0,),
            "where the model keeps half the densest prose span, keep the span's prose whole",
        ),
        Knob(
            "dump_closing_list",
            "dumps",
            1.0,
            0.0,
            (),
            "a list right after the article whose items share a word is kept (results, steps)",
        ),
        Knob(
            "dump_continues_share",
            "dumps",
            0.3,
            2.0,
            (),
            "after a teaser marker, chosen lines sharing this share of their content words with "
            "the article before it continue the article",
        ),
        Knob(
            "dump_stray_distance",
            "dumps",
            5.0,
            999.0,
            (3.0,),
            "a short chosen line further than this many lines from any other chosen line is "
            "stray furniture",
        ),
        Knob(
            "dump_marker_prose_words",
            "dumps",
            60.0,
            1e9,
            (),
            "a single marker line (share-bar 'Comments', a teaser heading) ends the article only "
            "when less than this many words of densest-span prose follow it",
        ),
        Knob(
            "dump_gap_lines",
            "dumps",
            3.0,
            0.0,
            (),
            "a gap of at most this many lines between two kept lines, none of them furniture, "
            "is article (the short lines of list-shaped bodies the line model misses)",
        ),
        Knob(
            "dump_numbered_list",
            "dumps",
            1.0,
            0.0,
            (),
            "a numbered list (1, 2, 3, ... each within a few lines of the one before, at least "
            "three items) starting inside or right after the kept article is body",
        ),
        Knob(
            "dump_furniture_density",
            "dumps",
            1.0,
            0.0,
            (),
            "in the densest prose span, a line naming cookies or a disclaimer (rights reserved, "
            "views expressed) counts as furniture, not prose (consent banners and legal notices "
            "after the article are prose-shaped)",
        ),
        Knob(
            "dump_lead_before_teaser",
            "dumps",
            1.0,
            0.0,
            (),
            "the run of sentences right before an inline teaser box that opens the kept article "
            "is its lead when it shares 30% of its content words with the article",
        ),
        Knob(
            "dump_safety_share",
            "dumps",
            0.5,
            0.0,
            (0.3,),
            "safety net: when the cleaned body holds less than this share of the densest prose "
            "span's words, the span's prose is merged back in",
        ),
        Knob(
            "html_more_text",
            "html",
            1.5,
            1e9,
            (2.0,),
            "readability is consulted when the page's <p> text is this many times trafilatura's",
        ),
        Knob(
            "html_safety_share",
            "html",
            0.5,
            0.0,
            (),
            "safety net: when the cleaned body holds less than this share of the words "
            "trafilatura's recall setting keeps, that extraction is used instead",
        ),
    )
}

_OVERRIDES: ContextVar[Mapping[str, float] | None] = ContextVar("corpusearch_knobs", default=None)


def knob(name: str) -> float:
    """The value of the knob ``name``: its default unless :func:`tuned` overrides it."""
    overrides = _OVERRIDES.get()
    value = None if overrides is None else overrides.get(name)
    return KNOBS[name].default if value is None else value


@contextmanager
def tuned(values: Mapping[str, float]) -> Iterator[None]:
    """Run the code inside with the knobs in ``values`` overridden (unknown names are errors)."""
    unknown = set(values) - set(KNOBS)
    if unknown:
        raise KeyError(f"unknown knobs: {sorted(unknown)}")
    token = _OVERRIDES.set({**(_OVERRIDES.get() or {}), **values})
    try:
        yield
    finally:
        _OVERRIDES.reset(token)
