"""Clean plain-text dumps of web pages: keep the article body, read the metadata it states.

A dump holds one block per line, blank lines between blocks and menus as "  • " bullets. The body
is the densest run of long prose lines, never crossing teaser, comment or error markers; captions,
credits, disclaimers and share furniture inside it are dropped and short lines become headings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from corpusearch.dumps_lines import (
    DISCLAIMER,
    JUNK,
    Line,
    is_caption,
    is_comment_marker,
    is_heading,
    is_prose,
    is_table_row,
    is_teaser_marker,
    parse_lines,
)
from corpusearch.dumps_meta import dump_metadata, is_byline
from corpusearch.dumps_model import StackedModel, densest_span, shipped_model, smooth
from corpusearch.extraction import Block, Extraction


def _heuristic_body(lines: Sequence[Line], boilerplate: frozenset[str]) -> list[int]:
    start, end = densest_span(lines, boilerplate)
    return list(range(start, end))


def _model_body(
    lines: Sequence[Line], boilerplate: frozenset[str], model: StackedModel
) -> list[int]:
    start, end = densest_span(lines, boilerplate)
    probabilities = model.probabilities(lines, boilerplate, (start, end))
    # Labels come in runs: decode them jointly rather than thresholding each line.
    chosen = set(smooth(probabilities))
    # Where the model agrees with the densest span of prose, keep that span's prose whole.
    prose = [index for index in range(start, end) if is_prose(lines[index])]
    if prose and 2 * len(chosen.intersection(prose)) >= len(prose):
        chosen.update(prose)
        chosen.update(
            i
            for i in range(start, end)
            if (is_heading(lines[i]) or is_table_row(lines[i].text)) and probabilities[i] >= 0.2
        )
    if not is_prose(lines[0]):
        chosen.discard(0)  # a dump opens with the page's <title>, never part of the body
    ordered = sorted(chosen)
    first = next((index for index in ordered if is_prose(lines[index])), None)
    if first is None:
        return ordered
    # Comments, teasers and tags follow the article: nothing after their marker is body.
    stop = next(
        (
            index
            for index in range(first + 1, len(lines))
            if is_comment_marker(lines[index])
            or (is_teaser_marker(lines[index]) and not any(i > index for i in prose))
        ),
        len(lines),
    )
    kept = [index for index in ordered if index < stop]
    # A short line far from any other chosen line is stray furniture.
    return [
        index
        for position, index in enumerate(kept)
        if is_prose(lines[index])
        or min(
            (
                abs(index - other)
                for other in kept[max(0, position - 1) : position + 2]
                if other != index
            ),
            default=99,
        )
        <= 5
    ]


def _blocks(
    lines: Sequence[Line], chosen: Sequence[int], boilerplate: frozenset[str]
) -> list[tuple[int, Block]]:
    """Chosen lines as blocks, minus furniture the rules recognise; short lines become headings."""
    kept: list[tuple[int, Block]] = []
    for index in chosen:
        line = lines[index]
        previous = lines[index - 1] if index > 0 else None
        text = line.text
        if (
            text in boilerplate
            or JUNK.match(text)
            or DISCLAIMER.search(text)
            or is_byline(line)
            or is_teaser_marker(line)
            or is_comment_marker(line)
            or is_caption(line, None)
            or (not any(is_prose(lines[i]) for i, _ in kept) and is_caption(line, previous))
        ):
            continue
        kept.append((index, Block(text, heading=is_heading(line))))
    while kept and kept[-1][1].heading:
        kept.pop()  # a heading with no paragraph after it belongs to what follows the article
    return kept


def extract_dump(text: str, *, boilerplate: frozenset[str] = frozenset()) -> Extraction:
    """Clean one text dump: body blocks (headings marked, title excluded) and stated metadata.

    ``boilerplate`` holds lines known to repeat across the corpus's pages (see
    :func:`site_boilerplate`); they are never body.
    """
    return extract_dump_with(text, shipped_model(), boilerplate=boilerplate)


def extract_dump_with(
    text: str, model: StackedModel | None, *, boilerplate: frozenset[str] = frozenset()
) -> Extraction:
    """:func:`extract_dump` with a given line model (None: the densest-span rule alone)."""
    lines = parse_lines(text)
    if not lines:
        return Extraction(blocks=())
    if model is None:
        chosen = _heuristic_body(lines, boilerplate)
    else:
        chosen = _model_body(lines, boilerplate, model)
    kept = _blocks(lines, chosen, boilerplate)
    if not any(not block.heading for _, block in kept):
        # The model kept no paragraph: the densest prose span is a better guess than nothing.
        chosen = _heuristic_body(lines, boilerplate)
        kept = _blocks(lines, chosen, boilerplate)
    lead = kept[0][0] if kept else -1
    if (
        lead >= 0
        and kept[0][1].heading
        and any(is_byline(lines[i]) for i in (lead + 1, lead + 2) if i < len(lines))
    ):
        kept = kept[1:]  # a heading over the byline is the page's headline, not a section
    meta = dump_metadata(lines, kept, chosen[0] if chosen else 0)
    return Extraction(
        blocks=tuple(block for _, block in kept),
        title=meta.title,
        authors=meta.authors,
        date=meta.date,
        topics=meta.topics,
        source=meta.source,
        series=meta.series,
        language=meta.language,
    )


def site_boilerplate(texts: Iterable[str], *, min_pages: int = 3) -> frozenset[str]:
    """Lines that recur on at least ``min_pages`` pages and a third of them: menus and footers."""
    counts: Counter[str] = Counter()
    pages = 0
    for text in texts:
        pages += 1
        counts.update({line.text for line in parse_lines(text)})
    if pages < min_pages:
        return frozenset()
    floor = max(min_pages, pages // 3)
    return frozenset(line for line, count in counts.items() if count >= floor)
