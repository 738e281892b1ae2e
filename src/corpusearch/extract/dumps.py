"""Clean plain-text dumps of web pages: keep the article body, read the metadata it states.

A dump holds one block per line, blank lines between blocks and menus as "  • " bullets. The body
is the densest run of long prose lines, never crossing teaser, comment or error markers; captions,
credits, disclaimers and share furniture inside it are dropped and short lines become headings.
"""

from __future__ import annotations

import gc
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence

from corpusearch.extract.dumps_lines import (
    FURNITURE,
    JUNK,
    STOPWORDS,
    Line,
    content_words,
    ends_sentence,
    is_caption,
    is_comment_marker,
    is_comments_header,
    is_disclaimer,
    is_heading,
    is_prose,
    is_table_row,
    is_teaser_marker,
    markers,
    parse_lines,
    words_of,
)
from corpusearch.extract.dumps_meta import dump_metadata, is_byline
from corpusearch.extract.dumps_model import StackedModel, densest_span, shipped_model, smooth
from corpusearch.extract.extraction import Block, Extraction
from corpusearch.extract.tuning import knob


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
    prose = [is_prose(line) for line in lines]
    # Paragraphs come in runs too: a run of prose the model mostly keeps is kept whole.
    run_share = knob("dump_prose_run_share")
    shortest = knob("dump_run_sentence_words")
    sentences = [
        is_prose_line or (line.words >= shortest and not line.bullet and ends_sentence(line.text))
        for line, is_prose_line in zip(lines, prose, strict=True)
    ]
    for run in _prose_runs(lines, sentences, boilerplate):
        if len(chosen.intersection(run)) >= run_share * len(run):
            chosen.update(run)
    # Where the model agrees with the densest span of prose, keep that span's prose whole.
    span_prose = [index for index in range(start, end) if prose[index]]
    if (
        knob("dump_span_keep")
        and span_prose
        and 2 * len(chosen.intersection(span_prose)) >= len(span_prose)
    ):
        chosen.update(span_prose)
        chosen.update(
            i
            for i in range(start, end)
            if (is_heading(lines[i]) or is_table_row(lines[i].text)) and probabilities[i] >= 0.2
        )
    if not prose[0]:
        chosen.discard(0)  # a dump opens with the page's <title>, never part of the body
    ordered = sorted(chosen)
    first = next((index for index in ordered if prose[index]), None)
    if first is None:
        return ordered
    # Comments, teasers and tags follow the article: nothing after their marker is body, unless
    # what the model keeps after a teaser box speaks of what the article spoke of before it.
    # A single marker line (a share bar's "Comments") never ends the article when the densest
    # prose span (which no marker line splits) lies after it.
    after_prose = sum(lines[i].words for i in span_prose)
    enough = knob("dump_marker_prose_words")
    stop = len(lines)
    for index in range(first + 1, len(lines)):
        teaser, comment = markers(lines[index].text, lines[index].words)
        if comment or is_comments_header(lines[index]):
            if start > index and after_prose >= enough:
                continue
            stop = index
            break
        if teaser and not any(i > index for i in span_prose):
            if _continues(lines, ordered, index):
                continue
            stop = index
            break
    kept = [index for index in ordered if index < stop]
    # A short line far from any other chosen line is stray furniture.
    stray = knob("dump_stray_distance")
    kept = [
        index
        for position, index in enumerate(kept)
        if prose[index]
        or min(
            (
                abs(index - other)
                for other in kept[max(0, position - 1) : position + 2]
                if other != index
            ),
            default=99,
        )
        <= stray
    ]
    gap = int(knob("dump_gap_lines"))
    if gap:
        kept = _fill_gaps(lines, kept, boilerplate, gap)
    if kept and knob("dump_lead_before_teaser"):
        kept = _lead_before_teasers(lines, kept, boilerplate) + kept
    if kept and knob("dump_numbered_list"):
        kept = sorted(set(kept).union(_numbered_items(lines, kept, boilerplate)))
    if not kept or not knob("dump_closing_list"):
        return kept
    return kept + [i for i in _closing_list(lines, kept[-1], boilerplate) if i > kept[-1]]


_ITEM_NUMBER = re.compile(r"^(\d{1,3})\s?[.):]\s+\S")
_ITEM_GAP = 3  # lines between two numbered items (a link, a picture's caption, a paragraph)
_FEWEST_ITEMS = 3


def _numbered_items(
    lines: Sequence[Line], kept: Sequence[int], boilerplate: frozenset[str]
) -> list[int]:
    """The lines of a numbered list (items 1, 2, 3, ... in order, each within a few lines of the
    one before) that starts inside the kept article or right after it: a listicle's items or a
    round-up's entries are its body, whatever the line model made of their short lines."""
    first, last = kept[0], kept[-1]
    found: list[int] = []
    index = first
    while index < min(len(lines), last + _ITEM_GAP + 2):
        number = _item_number(lines[index])
        if number != 1:
            index += 1
            continue
        items = [index]
        while True:
            following = next(
                (
                    i
                    for i in range(items[-1] + 1, min(len(lines), items[-1] + _ITEM_GAP + 2))
                    if _item_number(lines[i]) == len(items) + 1
                ),
                None,
            )
            if following is None:
                break
            items.append(following)
        if len(items) >= _FEWEST_ITEMS:
            region = range(items[0], items[-1] + 1)
            found.extend(i for i in region if _article_shaped(lines[i], boilerplate))
            # the last item's own lines, up to the next blank-line group
            end = items[-1] + 1
            while end < len(lines) and lines[end].group == lines[items[-1]].group:
                if _article_shaped(lines[end], boilerplate):
                    found.append(end)
                end += 1
        index = items[-1] + 1
    return found


def _item_number(line: Line) -> int | None:
    match = _ITEM_NUMBER.match(line.text)
    return int(match.group(1)) if match else None


_BOX_LINES = 15  # lines an inline box of teasers may take between the lead and the article


def _lead_before_teasers(
    lines: Sequence[Line], kept: Sequence[int], boilerplate: frozenset[str]
) -> list[int]:
    """The sentences right before a teaser marker that stands a few lines above the kept article,
    when they speak of what the article speaks of (:data:`_LEAD_SHARE` of their content words):
    an inline box of teasers cuts the lead from the rest, and the rest was kept."""
    first = kept[0]
    marker = next(
        (
            index
            for index in range(first - 1, max(-1, first - 1 - _BOX_LINES), -1)
            if is_teaser_marker(lines[index])
        ),
        None,
    )
    if marker is None:
        return []
    lead: list[int] = []
    index = marker - 1
    while index > 0:
        line = lines[index]
        if line.text in boilerplate or line.bullet:
            break
        if ends_sentence(line.text) and line.words >= 5:
            lead.append(index)
        elif not JUNK.match(line.text):
            break
        index -= 1
    if not lead:
        return []
    article = set().union(*(content_words(lines[i].text) for i in kept))
    words = [word for i in lead for word in content_words(lines[i].text)]
    if len(words) < 10 or sum(word in article for word in words) < _LEAD_SHARE * len(words):
        return []
    return sorted(lead)


_LEAD_SHARE = 0.3


def _fill_gaps(
    lines: Sequence[Line], kept: Sequence[int], boilerplate: frozenset[str], most: int
) -> list[int]:
    """``kept`` with the lines of each gap of at most ``most`` lines between two kept lines,
    when none of them is furniture: list-shaped bodies (results, recipes, line-ups) sit between
    the prose the model keeps, and their short lines are what it misses."""
    filled = list(kept)
    for before, after in itertools.pairwise(kept):
        gap = range(before + 1, after)
        if not 0 < len(gap) <= most:
            continue
        if all(_article_shaped(lines[i], boilerplate) for i in gap):
            filled.extend(gap)
    return sorted(filled)


def _article_shaped(line: Line, boilerplate: frozenset[str]) -> bool:
    """A line that may stand inside an article: not shared furniture, junk, a marker or a caption."""
    text = line.text
    teaser, comment = markers(text, line.words)
    return not (
        teaser
        or comment
        or text in boilerplate
        or JUNK.match(text)
        or FURNITURE.search(text)
        or is_caption(line, None)
        or (line.bullet and line.words <= 3)
    )


def _prose_runs(
    lines: Sequence[Line], prose: Sequence[bool], boilerplate: frozenset[str]
) -> Iterator[range]:
    """Runs of consecutive prose lines (``prose``: each line's :func:`is_prose`); a teaser's cut
    excerpt ("...") or a shared line ends one."""
    start = None
    for index, line in enumerate(lines):
        inside = (
            prose[index] and line.text not in boilerplate and not line.text.endswith(("...", "…"))
        )
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            yield range(start, index)
            start = None
    if start is not None:
        yield range(start, len(lines))


def _closing_list(lines: Sequence[Line], last: int, boilerplate: frozenset[str]) -> list[int]:
    """A list right after the article's ``last`` line, or under a heading there, that belongs to it.

    Results, steps or line-ups share a word across their items (at least three of them); lists
    of teasers, share buttons and menus do not, or are furniture.
    """
    first = last + 1
    heading = first < len(lines) and not lines[first].bullet and is_heading(lines[first])
    if heading and (is_teaser_marker(lines[first]) or lines[first].text in boilerplate):
        return []
    start = first + 1 if heading else first
    end = start
    while end < len(lines) and lines[end].bullet:
        end += 1
    items = lines[start:end]
    if len(items) < 3 or any(
        item.text in boilerplate
        or JUNK.match(item.text)
        or FURNITURE.search(item.text)
        or is_teaser_marker(item)
        or is_comment_marker(item)
        for item in items
    ):
        return []
    counts = Counter(word for item in items for word in content_words(item.text))
    if not counts or max(counts.values()) < len(items):
        return []
    return list(range(first, end))


def _continues(lines: Sequence[Line], chosen: Sequence[int], marker: int) -> bool:
    """Whether the chosen lines after a teaser ``marker`` (up to the next marker) go on the article.

    An inline box of teasers can cut an article in two; its continuation shares the words of
    what came before (at least 30% of its content words, counted with repeats), teasers do not.
    """
    end = next(
        (
            index
            for index in range(marker + 1, len(lines))
            if is_teaser_marker(lines[index]) or is_comment_marker(lines[index])
        ),
        len(lines),
    )
    before: set[str] = set()
    for index in chosen:
        if index < marker:
            before.update(content_words(lines[index].text))
    after = [
        word
        for index in chosen
        if marker < index < end
        for word in words_of(lines[index].text.lower())
        if len(word) > 3 and word not in STOPWORDS
    ]
    share = knob("dump_continues_share")
    return len(after) >= 10 and sum(word in before for word in after) >= share * len(after)


def _image_text(lines: Sequence[Line], index: int) -> bool:
    """An image's alt text and caption: a line printed twice in a row, or one phrase doubled."""
    line = lines[index]
    if line.words >= 5 and any(
        0 <= other < len(lines) and lines[other].text == line.text
        for other in (index - 1, index + 1)
    ):
        return True
    text, size = line.text, len(line.text)
    return size >= 16 and any(
        (head := text[:cut].strip()) == text[cut:].strip() and bool(head)
        for cut in {size // 2, (size + 1) // 2}
    )


_TRAILING_HEADINGS = 3


def _blocks(
    lines: Sequence[Line], chosen: Sequence[int], boilerplate: frozenset[str]
) -> list[tuple[int, Block]]:
    """Chosen lines as blocks, minus furniture the rules recognise; short lines become headings."""
    kept: list[tuple[int, Block]] = []
    seen: set[str] = set()  # a paragraph printed twice (a share box repeats the lead) is body once
    for index in chosen:
        line = lines[index]
        previous = lines[index - 1] if index > 0 else None
        text = line.text
        if (
            text in boilerplate
            or JUNK.match(text)
            or is_disclaimer(text)
            or is_byline(line)
            or is_teaser_marker(line)
            or is_comment_marker(line)
            or is_caption(line, None)
            or (not any(is_prose(lines[i]) for i, _ in kept) and is_caption(line, previous))
            or _image_text(lines, index)
            or (text in seen and line.words >= 5 and not text.startswith(">"))
        ):
            continue
        seen.add(text)
        # a numbered list's item is no section heading, however short
        heading = is_heading(line) and _item_number(line) is None
        kept.append((index, Block(text, heading=heading)))
    # A heading or two with no paragraph after them belong to what follows the article; a longer
    # run of short lines is a list that ends it (tour dates, results).
    trailing = 0
    while trailing < len(kept) and kept[-1 - trailing][1].heading:
        trailing += 1
    if trailing <= _TRAILING_HEADINGS:
        del kept[len(kept) - trailing :]
    return kept


def extract_dump(text: str, *, boilerplate: frozenset[str] = frozenset()) -> Extraction:
    """Clean one text dump: body blocks (headings marked, title excluded) and stated metadata.

    ``boilerplate`` holds lines known to repeat across the corpus's pages (see
    :mod:`corpusearch.extract.shared_lines`); they are never body.
    """
    return extract_dump_with(text, shipped_model(), boilerplate=boilerplate)


def extract_dump_with(
    text: str, model: StackedModel | None, *, boilerplate: frozenset[str] = frozenset()
) -> Extraction:
    """:func:`extract_dump` with a given line model (None: the densest-span rule alone)."""
    # Cleaning allocates many small objects and frees none of them in cycles: the collector's
    # passes over them are pure cost (a tenth of the time on a 100 KB page).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _extract(text, model, boilerplate)
    finally:
        if enabled:
            gc.enable()


def _safety_net(
    lines: Sequence[Line],
    chosen: list[int],
    kept: list[tuple[int, Block]],
    boilerplate: frozenset[str],
) -> tuple[list[int], list[tuple[int, Block]]]:
    """The body with the densest prose span merged in, when the cleaner kept less than
    ``knob("dump_safety_share")`` of that span's prose words: a simple, robust extractor's
    article is never lost to the line model and the rules after it."""
    start, end = densest_span(lines, boilerplate)
    span_words = sum(lines[i].words for i in range(start, end) if is_prose(lines[i]))
    kept_words = sum(lines[i].words for i, block in kept if not block.heading)
    if not span_words or kept_words >= knob("dump_safety_share") * span_words:
        return chosen, kept
    merged = sorted(set(chosen).union(range(start, end)))
    return merged, _blocks(lines, merged, boilerplate)


def _extract(text: str, model: StackedModel | None, boilerplate: frozenset[str]) -> Extraction:
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
    elif model is not None:
        chosen, kept = _safety_net(lines, chosen, kept, boilerplate)
    lead = kept[0][0] if kept else -1
    if (
        lead >= 0
        and kept[0][1].heading
        and any(is_byline(lines[i]) for i in (lead + 1, lead + 2) if i < len(lines))
    ):
        kept = kept[1:]  # a heading over the byline is the page's headline, not a section
    meta = dump_metadata(lines, kept, chosen[0] if chosen else 0)
    return Extraction.of((block for _, block in kept), meta)
