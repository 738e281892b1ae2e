"""Metadata a text dump states around its body: headline, byline, date, series, topics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from corpusearch.extract.dumps_lines import (
    FURNITURE,
    JUNK,
    SENTENCE_END,
    STOPWORDS,
    TOPICS_FIRST,
    TOPICS_LINE,
    Line,
    content_words,
    is_byline_or_date,
    is_caption,
    is_prose,
    is_teaser_marker,
)
from corpusearch.extract.extraction import Block, PageMetadata
from corpusearch.extract.metadata import (
    TITLE_SEPARATORS,
    clean_topics,
    find_date,
    fold_caps,
    is_person_name,
    is_title_like,
    parse_byline,
    parse_series,
    possessive_source,
    segment_topics,
    split_title,
)


def dump_metadata(
    lines: Sequence[Line], kept: Sequence[tuple[int, Block]], start: int = 0
) -> PageMetadata:
    """The metadata of a dump whose body is ``kept`` (line index, block) in page order.

    ``start`` stands for the body's first line when nothing was kept.
    """
    blocks = [block for _, block in kept]
    body_start = kept[0][0] if kept else start
    body_end = kept[-1][0] + 1 if kept else body_start
    # A byline among the body's first lines shows the headline sits in the kept lines too.
    header_end = next(
        (i for i in range(body_start, min(body_start + 5, body_end)) if is_byline(lines[i])),
        body_start,
    )
    site = split_title(lines[0].text)[1]
    title, title_index = _find_title(lines, header_end, lines[0].text, blocks)
    if not is_title_like(title):  # a caption or pull quote above the body: the <title> instead
        first = _first_head(lines[0].text)
        title, title_index = (first if is_title_like(first) else None), -1
    header_lo = title_index + 1 if title_index >= 0 else max(0, header_end - 15)
    authors = _authors(lines, header_lo, header_end + (header_end > body_start))
    if not authors:
        authors = _handle_byline(lines, header_end, body_end)
    source = site
    for _, block in kept[:3]:
        if not authors:
            authors = parse_byline(block.text) if "'s" in block.text or "’s" in block.text else ()
        if source is None:
            source = possessive_source(block.text)
    date, series = _date_and_series(lines, _date_order(lines, title_index, body_start, body_end))
    return PageMetadata(
        title=title,
        authors=authors,
        date=date,
        topics=_topics(lines, body_end),
        source=fold_caps(source) if source else None,
        series=series,
        language=_language(blocks),
    )


def _find_title(
    lines: Sequence[Line], start: int, first_line: str, body: Sequence[Block]
) -> tuple[str | None, int]:
    """The page's headline and its line index (-1 when not found) before the body start.

    A first line "Headline | Section | Site" names it when a header line repeats its head; then
    the headline-shaped line just above a byline or date line; otherwise the headline-shaped line
    before the body whose words the body shares most, nearer lines winning ties.
    """
    for candidate in _title_heads(first_line):
        folded = candidate.casefold()
        for index in range(start - 1, 0, -1):
            if lines[index].text.casefold() == folded:
                return lines[index].text, index
    for anchor in range(start - 1, max(0, start - 50) - 1, -1):
        if _is_anchor(lines[anchor]):
            index = _headline_above(lines, anchor)
            if index >= 0:
                return split_title(lines[index].text)[0], index
    vocabulary = set().union(*(content_words(block.text) for block in body[:20]))
    best: tuple[float, int] = (0.0, -1)
    lo = max(0, start - 40)
    for index in range(lo, start):
        if not _title_shaped(lines, index):
            continue
        words = content_words(lines[index].text)
        if not words:
            continue
        score = len(words & vocabulary) / len(words) + 0.2 * (index - lo) / (start - lo)
        if score > best[0]:
            best = (score, index)
    if best[1] >= 0 and best[0] >= 0.45:
        return split_title(lines[best[1]].text)[0], best[1]
    return _first_head(first_line), -1


def _title_heads(first_line: str) -> list[str]:
    """The heads of a first line "Headline | Section | Site", longest first ([] without a suffix).

    The first line of a dump is often the page's <title>: the headline, then a section and site.
    """
    line = " ".join(first_line.split())
    if split_title(line)[1] is None:
        return []
    cuts = {m.start() for sep in TITLE_SEPARATORS for m in re.finditer(re.escape(sep), line)}
    return [line[:cut] for cut in sorted(cuts, reverse=True) if len(line[:cut].split()) >= 2]


def _first_head(first_line: str) -> str | None:
    """The headline of a first line "Headline | Section | Site": up to its first site separator."""
    line = " ".join(first_line.split())
    head, site = split_title(line)
    if site is None:
        return None
    separator = line[len(head) : len(line) - len(site)]
    first = line.split(separator)[0].strip()
    return first if len(first.split()) >= 2 else head


def _headline_above(lines: Sequence[Line], anchor: int) -> int:
    """The headline just above a byline or date line at ``anchor``, or -1.

    Between them may stand other byline lines (names, handles, dates), captions, breadcrumb ends
    and one summary sentence. A deck line under a long (8+ words) headline gives way to it.
    """
    standfirst = True
    for index in range(anchor - 1, max(0, anchor - 6) - 1, -1):
        line = lines[index]
        if (
            _is_anchor(line)
            or (not line.bullet and _is_author_line(line.text))
            or _is_picture_caption(lines, index)
            or _BREADCRUMB_END.search(line.text) is not None
        ):
            continue
        if _title_shaped(lines, index) or _dotted_headline(lines, index):
            above = index - 1
            if (
                above >= 0
                and _title_shaped(lines, above)
                and lines[above].words >= 8
                and lines[above].text[0].isupper()
                and find_date(lines[above].text) is None
                and line.text not in lines[above].text
            ):
                return above
            return index
        if not (standfirst and is_prose(line)):
            break
        standfirst = False
    return -1


def _is_picture_caption(lines: Sequence[Line], index: int) -> bool:
    """A caption or credit, or a caption repeated on the next line with its credit glued on."""
    line = lines[index]
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    return (
        is_caption(line, lines[index - 1] if index > 0 else None)
        or line.text.startswith("©")
        or _CREDIT_INSIDE.search(line.text) is not None
        or (len(following) > len(line.text) and following.startswith(line.text))
    )


_CREDIT_INSIDE = re.compile(r"\b(?:credit|photo|image)s?\s*(?:\.{2,}|…|:)", re.IGNORECASE)


def _is_author_line(text: str) -> bool:
    """A credit line: "Jane Doe", "Jane Doe @janedoe", "Jane Doe, Agency", "The Associated Press"."""
    if "@" in text:
        return bool(parse_byline(text))
    return len(text.split()) <= 6 and bool(parse_byline("By " + text))


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


_STAMP = re.compile(r"(?:last\s+)?(?:published|updated|posted|modified)\b", re.IGNORECASE)
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
        or is_byline(line)
        or _STAMP.match(line.text) is not None
        or is_person_name(line.text)
        or is_teaser_marker(line)
        or FURNITURE.search(line.text) is not None
        or (SENTENCE_END.search(line.text) is not None and line.text[-1] not in "?!")
        or (line.text[0] == "(" and line.text[-1] == ")")
        or _BREADCRUMB_END.search(line.text) is not None
    )


_BREADCRUMB_END = re.compile(r"\s[/|»>›]$")


def _dotted_headline(lines: Sequence[Line], index: int) -> bool:
    """A headline in title case that ends with a full stop ("Stock Falls. Why It Matters.")."""
    text = lines[index].text
    if not text.endswith(".") or lines[index].bullet or not 4 <= lines[index].words <= 25:
        return False
    words = [word for word in re.findall(r"[^\W\d_][\w'’-]*", text) if len(word) >= 4]
    return len(words) >= 4 and all(word[0].isupper() for word in words)


def _authors(lines: Sequence[Line], lo: int, hi: int) -> tuple[str, ...]:
    names: list[str] = []
    for index in range(lo, hi):
        line = lines[index]
        if line.words > 14:
            continue
        if line.text.lower() in {"by", "by:"} and index + 1 < len(lines):
            names.extend(parse_byline(lines[index + 1].text))
        elif _BY_WORD.search(line.text) and not line.bullet:
            text = re.split(r"(?<=\S)(?=By\s)|\sby\s", line.text, maxsplit=1)[-1]
            names.extend(
                parse_byline("By " + text.removeprefix("By ") if text != line.text else text)
            )
        elif _is_credit_line(lines, index, lo):
            # a bare credit under the title or over the date: "Jane Doe, Agency", "Jane Doe"
            names.extend(parse_byline("By " + line.text))
        elif not line.bullet and any(
            is_byline_or_date(lines[i]) for i in range(max(0, index - 3), index)
        ):
            names.extend(parse_byline(line.text))
    return tuple(dict.fromkeys(names))


def _is_credit_line(lines: Sequence[Line], index: int, lo: int) -> bool:
    """Whether a line stands just under the title (``lo``) or just over a date line."""
    if index == lo or (index == lo + 1 and lines[lo].bullet == lines[index].bullet):
        return True
    return index + 1 < len(lines) and is_byline_or_date(lines[index + 1])


def _handle_byline(lines: Sequence[Line], lo: int, hi: int) -> tuple[str, ...]:
    """Authors of a "Jane Doe @janedoe" line among the body's first lines."""
    for index in range(lo, min(lo + 3, hi)):
        line = lines[index]
        if line.words <= 8 and "@" in line.text and not line.bullet:
            names = parse_byline(line.text)
            if names:
                return names
    return ()


def _date_order(lines: Sequence[Line], title: int, body_start: int, body_end: int) -> list[int]:
    """Lines to read the publication date from, likeliest first.

    The byline zone between headline and body, the lines just above the headline, the header
    upwards from the body, the first body lines that are bylines, then the footer.
    """
    order: list[int] = []
    if 0 <= title < body_start:
        order += range(title + 1, body_start)
        order += range(title - 1, max(title - 3, -1), -1)
    order += range(body_start - 1, max(body_start - 30, -1), -1)
    order += [i for i in range(body_start, min(body_start + 5, body_end)) if is_byline(lines[i])]
    order += range(body_end, min(body_end + 20, len(lines)))
    return list(dict.fromkeys(order))


def _date_and_series(lines: Sequence[Line], order: Iterable[int]) -> tuple[str | None, str | None]:
    """The first date in ``order`` that is not an update stamp (else the first date at all)."""
    fallback: tuple[str | None, str | None] = (None, None)
    for index in order:
        line = lines[index]
        found = find_date(line.text) if line.words <= 25 else None
        # a list item counts only as a date stamp of its own ("• 19 November 2019")
        if found is None or (line.bullet and len(line.text) - found[2] + found[1] >= 30):
            continue
        previous = lines[index - 1] if index > 0 else None
        if found[1] > 0 and not is_byline_or_date(line) and is_caption(line, previous):
            continue
        result = found[0], parse_series(line.text[: found[1]])
        if _UPDATED.search(line.text[: found[1]]) is None:
            return result
        if fallback[0] is None:
            fallback = result
    return fallback


_BY_WORD = re.compile(r"\b[Bb][Yy]\b|(?<=[a-z])By\s")
_UPDATED = re.compile(r"\b(?:updated|modified|edited)\b\W*$", re.IGNORECASE)


def _topics(lines: Sequence[Line], end: int) -> tuple[str, ...]:
    for line in lines[end:]:
        if line.bullet or line.text[:1].lower() not in TOPICS_FIRST:
            continue
        match = TOPICS_LINE.match(line.text)
        if match is not None:
            labels = [line.text for line in lines if line.bullet]
            return clean_topics(segment_topics(match.group("rest"), labels))
    return ()


def _language(blocks: Sequence[Block]) -> str | None:
    words = re.findall(r"[a-z]+", " ".join(block.text for block in blocks[:5]).lower())
    if len(words) >= 20 and sum(word in STOPWORDS for word in words) / len(words) > 0.2:
        return "en"
    return None
