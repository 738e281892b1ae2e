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
    FURNITURE,
    JUNK,
    SENTENCE_END,
    STOPWORDS,
    TOPICS_LINE,
    Line,
    is_byline_or_date,
    is_caption,
    is_comment_marker,
    is_heading,
    is_prose,
    is_table_row,
    is_teaser_marker,
    parse_lines,
)
from corpusearch.dumps_model import StackedModel, densest_span, shipped_model, smooth
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
            or _is_byline(line)
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


def _find_title(
    lines: Sequence[Line], start: int, headline: str | None, body: Sequence[Block]
) -> tuple[str | None, int]:
    """The page's headline and its line index (-1 when not found) before the body start.

    A "Headline | Site" first line names it; then the headline-shaped line just above a byline or
    date line; otherwise the headline-shaped line before the body whose words the body shares
    most, nearer lines winning ties.
    """
    if headline is not None:
        folded = headline.casefold()
        for index in range(start - 1, 0, -1):
            if lines[index].text.casefold() == folded:
                return lines[index].text, index
    for anchor in range(start - 1, max(0, start - 15) - 1, -1):
        if _is_anchor(lines[anchor]):
            standfirst = True  # one summary sentence may stand between headline and byline
            for index in range(anchor - 1, max(0, anchor - 4) - 1, -1):
                if _title_shaped(lines, index):
                    return split_title(lines[index].text)[0], index
                if _is_anchor(lines[index]):
                    continue
                if not (standfirst and is_prose(lines[index])):
                    break
                standfirst = False
            break
    vocabulary = set().union(*(_content(block.text) for block in body[:20]))
    best: tuple[float, int] = (0.0, -1)
    lo = max(0, start - 40)
    for index in range(lo, start):
        if not _title_shaped(lines, index):
            continue
        words = _content(lines[index].text)
        if not words:
            continue
        score = len(words & vocabulary) / len(words) + 0.2 * (index - lo) / (start - lo)
        if score > best[0]:
            best = (score, index)
    if best[1] >= 0 and best[0] >= 0.45:
        return split_title(lines[best[1]].text)[0], best[1]
    return headline, -1


def _is_anchor(line: Line) -> bool:
    """A line the headline stands just above: a byline, a bare "By", a line led by its date."""
    if _is_byline(line) or line.text.lower() in {"by", "by:"}:
        return True
    found = find_date(line.text) if line.words <= 15 else None
    return found is not None and found[1] == 0


def _is_byline(line: Line) -> bool:
    """A date stamp or a byline ("By ...", "Posted by ...")."""
    if is_byline_or_date(line):
        return True
    match = _BY.search(line.text[:40])
    return line.words <= 20 and match is not None and bool(parse_byline(line.text[match.start() :]))


_BY = re.compile(r"^(?:\w+\s+)?[Bb]y\s|(?<=[a-z])By\s")


def _title_shaped(lines: Sequence[Line], index: int) -> bool:
    line = lines[index]
    previous = lines[index - 1] if index > 0 else None
    return not (
        line.bullet
        or not 3 <= line.words <= 25
        or JUNK.match(line.text)
        or is_caption(line, previous)
        or is_byline_or_date(line)
        or is_person_name(line.text)
        or is_teaser_marker(line)
        or FURNITURE.search(line.text) is not None
        or (SENTENCE_END.search(line.text) is not None and line.text[-1] not in "?!")
    )


def _content(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.lower()) if len(word) > 3} - STOPWORDS


def _authors(lines: Sequence[Line], lo: int, hi: int) -> tuple[str, ...]:
    names: list[str] = []
    for index in range(lo, hi):
        line = lines[index]
        if line.bullet:
            continue
        bare = not re.search(r"\bby\b", line.text, re.IGNORECASE)
        near_anchor = any(
            is_byline_or_date(lines[i]) or i == lo - 1 for i in range(max(0, index - 3), index)
        )
        if bare and not near_anchor:
            continue  # a bare name line counts only just under the title or a date line
        if line.text.lower() in {"by", "by:"} and index + 1 < len(lines):
            names.extend(parse_byline(lines[index + 1].text))
        elif line.words <= 14:
            text = re.split(r"(?<=\S)(?=By\s)|\sby\s", line.text, maxsplit=1)[-1]
            names.extend(
                parse_byline("By " + text.removeprefix("By ") if text != line.text else text)
            )
    return tuple(dict.fromkeys(names))


def _date_and_series(lines: Sequence[Line], order: Iterable[int]) -> tuple[str | None, str | None]:
    for index in order:
        line = lines[index]
        previous = lines[index - 1] if index > 0 else None
        if line.words > 25 or is_caption(line, previous):
            continue
        found = find_date(line.text)
        # a list item counts only as a date stamp of its own ("• 19 November 2019")
        if found is not None and (not line.bullet or len(line.text) - found[2] + found[1] < 30):
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
    if not any(not block.heading for _, block in kept):
        # The model kept no paragraph: the densest prose span is a better guess than nothing.
        chosen = _heuristic_body(lines, boilerplate)
        kept = _blocks(lines, chosen, boilerplate)
    lead = kept[0][0] if kept else -1
    if (
        lead >= 0
        and kept[0][1].heading
        and any(_is_byline(lines[i]) for i in (lead + 1, lead + 2) if i < len(lines))
    ):
        kept = kept[1:]  # a heading over the byline is the page's headline, not a section
    blocks = tuple(block for _, block in kept)
    body_start = kept[0][0] if kept else (chosen[0] if chosen else 0)
    body_end = kept[-1][0] + 1 if kept else body_start

    headline, site = split_title(lines[0].text)
    title, title_index = _find_title(lines, body_start, headline if site else None, blocks)
    header_lo = title_index + 1 if title_index >= 0 else max(0, body_start - 15)
    authors = _authors(lines, header_lo, body_start)
    source = site
    for _, block in kept[:3]:
        if not authors:
            authors = parse_byline(block.text) if "'s" in block.text or "’s" in block.text else ()
        if source is None:
            source = possessive_source(block.text)
    header = list(range(body_start - 1, max(body_start - 30, -1), -1))
    header += [
        i for i in range(body_start, min(body_start + 5, len(lines))) if _is_byline(lines[i])
    ]
    footer = list(range(body_end, min(body_end + 20, len(lines))))
    date, series = _date_and_series(lines, header + footer)
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
