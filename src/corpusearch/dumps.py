"""Clean plain-text dumps of web pages: keep the article body, read the metadata it states.

A dump holds one block per line, blank lines between blocks and menus as "  • " bullets. The body
is the densest run of long prose lines, never crossing teaser, comment or error markers; captions,
credits, disclaimers and share furniture inside it are dropped and short lines become headings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from corpusearch.dumps_lines import (
    DISCLAIMER,
    JUNK,
    SENTENCE_END,
    STOPWORDS,
    TOPICS_LINE,
    Line,
    is_byline_or_date,
    is_caption,
    is_comment_marker,
    is_heading,
    is_teaser_marker,
    parse_lines,
)
from corpusearch.dumps_model import StackedModel, densest_span, shipped_model
from corpusearch.extraction import Block, Extraction
from corpusearch.metadata import (
    find_date,
    fold_caps,
    is_person_name,
    parse_byline,
    parse_series,
    possessive_source,
    segment_topics,
    split_title,
)


def _heuristic_body(lines: Sequence[Line], boilerplate: frozenset[str]) -> list[int]:
    start, end = densest_span(lines, boilerplate)
    return list(range(start, end))


def _model_body(
    lines: Sequence[Line], boilerplate: frozenset[str], model: StackedModel
) -> list[int]:
    probabilities = model.probabilities(lines, boilerplate)
    return [index for index, p in enumerate(probabilities) if p >= 0.5]


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
            or is_byline_or_date(line)
            or is_teaser_marker(line)
            or is_comment_marker(line)
            or is_caption(line, None)
            or (not kept and is_caption(line, previous))
        ):
            continue
        kept.append((index, Block(text, heading=is_heading(line))))
    while kept and kept[-1][1].heading:
        kept.pop()  # a heading with no paragraph after it belongs to what follows the article
    return kept


def _find_title(lines: Sequence[Line], start: int, headline: str | None) -> tuple[str | None, int]:
    """The page's headline and its line index (-1 when not found) before the body start."""
    if headline is not None:
        folded = headline.casefold()
        for index in range(start - 1, 0, -1):
            if lines[index].text.casefold() == folded:
                return lines[index].text, index
        return headline, -1
    for index in range(start - 1, max(start - 12, -1), -1):
        line = lines[index]
        previous = lines[index - 1] if index > 0 else None
        if (
            line.bullet
            or line.words < 3
            or JUNK.match(line.text)
            or is_caption(line, previous)
            or is_byline_or_date(line)
            or is_person_name(line.text)
        ):
            continue
        if SENTENCE_END.search(line.text) is None or line.text.endswith("?"):
            return split_title(line.text)[0], index
    return None, -1


def _authors(lines: Sequence[Line], lo: int, hi: int) -> tuple[str, ...]:
    names: list[str] = []
    for index in range(lo, hi):
        line = lines[index]
        if line.bullet:
            continue
        if line.text.lower() in {"by", "by:"} and index + 1 < len(lines):
            names.extend(parse_byline(lines[index + 1].text))
        elif line.words <= 12:
            found = parse_byline(line.text)
            if found and (line.text.lower().startswith("by") or len(found) >= 1):
                names.extend(found)
    return tuple(dict.fromkeys(names))


def _date_and_series(lines: Sequence[Line], order: Iterable[int]) -> tuple[str | None, str | None]:
    for index in order:
        line = lines[index]
        previous = lines[index - 1] if index > 0 else None
        if line.bullet or line.words > 25 or is_caption(line, previous):
            continue
        found = find_date(line.text)
        if found is not None:
            return found[0], parse_series(line.text[: found[1]])
    return None, None


def _topics(lines: Sequence[Line], end: int) -> tuple[str, ...]:
    labels = [line.text for line in lines if line.bullet]
    for line in lines[end:]:
        match = TOPICS_LINE.match(line.text)
        if match is not None and not line.bullet:
            return segment_topics(match.group("rest"), labels)
    return ()


def _language(blocks: Sequence[Block]) -> str | None:
    words = re.findall(r"[a-z]+", " ".join(block.text for block in blocks[:5]).lower())
    if len(words) >= 20 and sum(word in STOPWORDS for word in words) / len(words) > 0.2:
        return "en"
    return None


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
    blocks = tuple(block for _, block in kept)
    body_start = kept[0][0] if kept else (chosen[0] if chosen else 0)
    body_end = kept[-1][0] + 1 if kept else body_start

    headline, site = split_title(lines[0].text)
    title, title_index = _find_title(lines, body_start, headline if site else None)
    header_lo = title_index + 1 if title_index >= 0 else max(0, body_start - 10)
    authors = _authors(lines, header_lo, body_start)
    source = site
    for _, block in kept[:3]:
        if not authors:
            authors = parse_byline(block.text) if "'s" in block.text or "’s" in block.text else ()
        if source is None:
            source = possessive_source(block.text)
    header = list(range(header_lo, body_start))
    before = list(range(header_lo - 1, max(header_lo - 10, -1), -1))
    date, series = _date_and_series(lines, header + before)
    return Extraction(
        blocks=blocks,
        title=title,
        authors=authors,
        date=date,
        topics=_topics(lines, body_end),
        source=fold_caps(source) if source else None,
        series=series,
        language=_language(blocks),
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
