"""Metadata a text dump states around its body: headline, byline, date, series, topics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpusearch.dumps_lines import (
    FURNITURE,
    JUNK,
    SENTENCE_END,
    STOPWORDS,
    TOPICS_LINE,
    Line,
    is_byline_or_date,
    is_caption,
    is_prose,
    is_teaser_marker,
)
from corpusearch.extraction import Block
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


@dataclass(frozen=True)
class DumpMetadata:
    """What a dump states about its article."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    topics: tuple[str, ...] = ()
    source: str | None = None
    series: str | None = None
    language: str | None = None


def dump_metadata(
    lines: Sequence[Line], kept: Sequence[tuple[int, Block]], start: int = 0
) -> DumpMetadata:
    """The metadata of a dump whose body is ``kept`` (line index, block) in page order.

    ``start`` stands for the body's first line when nothing was kept.
    """
    blocks = [block for _, block in kept]
    body_start = kept[0][0] if kept else start
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
    header += [i for i in range(body_start, min(body_start + 5, len(lines))) if is_byline(lines[i])]
    footer = list(range(body_end, min(body_end + 20, len(lines))))
    date, series = _date_and_series(lines, header + footer)
    return DumpMetadata(
        title=title,
        authors=authors,
        date=date,
        topics=_topics(lines, body_end),
        source=fold_caps(source) if source else None,
        series=series,
        language=_language(blocks),
    )


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
    if is_byline(line) or line.text.lower() in {"by", "by:"}:
        return True
    found = find_date(line.text) if line.words <= 15 else None
    return found is not None and found[1] == 0


def is_byline(line: Line) -> bool:
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
