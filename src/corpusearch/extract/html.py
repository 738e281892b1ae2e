"""The article body and metadata of an HTML page, by trafilatura, readability-lxml and htmldate."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from readability import Document as Readability
from trafilatura.settings import Document
from trafilatura.utils import load_html

from corpusearch.extract.extraction import Block, Extraction
from corpusearch.extract.html_meta import page_metadata
from corpusearch.extract.metadata import find_date
from corpusearch.extract.tuning import knob

# Block-level elements of trafilatura's XML body and of HTML; anything else is inline.
_BLOCK_TAGS = frozenset(
    {"p", "head", "item", "row", "code", "list", "quote", "table", "div", "body", "section"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "pre", "blockquote"}
    | {"article", "main", "dl", "dt", "dd", "figure", "figcaption", "html", "tbody", "thead"}
)
_HEADING_TAGS = frozenset({"head", "h1", "h2", "h3", "h4", "h5", "h6"})
_ROW_TAGS = frozenset({"row", "tr"})
_SUBHEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_SOURCE_TAGS = ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6")
_HEADING_GAP = 4  # elements between two kept paragraphs for a heading there to be put back
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_LEAD_WORDS = 5  # a line this short before the body, not ending a sentence, is a label
_TAIL_WORDS = 3
_DATED_WORDS = 12  # a line with a date or a clock time, this short, before the body
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "»", "。", ")")
_CLOCK = re.compile(r"\b\d{1,2}:\d\d\b")
_MIN_WORDS = 10  # less than this is a menu or a caption, not an article
# readability is consulted when trafilatura's text is this short, or when the page's
# paragraphs hold knob("html_more_text") times more text (the article may run on past what it kept).
_SHORT_TEXT = 500


def extract_html(html: str, *, url: str | None = None) -> Extraction:
    """The page's body blocks (sub-headings flagged, title excluded) and the metadata it states."""
    tree = load_html(html) if html.strip() else None
    if tree is None:
        return Extraction(blocks=(), url=url)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
    )
    if not isinstance(document, Document):
        document = None
    blocks = _blocks(document.body) if document is not None else []
    text_length = sum(len(block.text) for block in blocks)
    if text_length < _SHORT_TEXT or _paragraph_chars(tree) > knob("html_more_text") * text_length:
        blocks = _prefer_readability(blocks, html)
    blocks = _safety_net(blocks, html, url)
    if sum(len(_WORD.findall(block.text)) for block in blocks) < _MIN_WORDS:
        blocks = []
    blocks = _recover_headings(blocks, tree)
    body_start = next((block.text for block in blocks if not block.heading), None)
    meta = page_metadata(tree, document, url=url, body_start=body_start)
    if blocks and meta.title and _fold(blocks[0].text) == _fold(meta.title):
        blocks = blocks[1:]
    return Extraction.of(_trim_edges(blocks), meta)


# The safety net looks at a recall-leaning extraction only when the body is this short: a longer
# body is an article already, and a second trafilatura pass costs as much as the first.
_SAFETY_WORDS = 250


def _safety_net(blocks: list[Block], html: str, url: str | None) -> list[Block]:
    """trafilatura's recall-leaning blocks instead of ``blocks`` when these hold less than
    ``knob("html_safety_share")`` of its words: a page with a clear article never comes out
    empty or near-empty because the precision setting and the rules after it cut too much."""
    words = sum(len(_WORD.findall(block.text)) for block in blocks if not block.heading)
    if words >= _SAFETY_WORDS:
        return blocks
    tree = load_html(html)
    if tree is None:
        return blocks
    document = trafilatura.bare_extraction(
        tree, url=url, favor_recall=True, include_comments=False, include_tables=True
    )
    if not isinstance(document, Document) or document.body is None:
        return blocks
    alternative = _blocks(document.body)
    theirs = sum(len(_WORD.findall(block.text)) for block in alternative if not block.heading)
    return alternative if words < knob("html_safety_share") * theirs else blocks


def _paragraph_chars(tree: Any) -> int:
    texts = tree.xpath("//p//text()[not(ancestor::script) and not(ancestor::style)]")
    return sum(len(_clean(str(text))) for text in texts)


def _prefer_readability(blocks: list[Block], html: str) -> list[Block]:
    """readability's blocks when they hold all of trafilatura's text and much more, or when
    trafilatura found next to nothing; else trafilatura's."""
    try:
        summary = lxml.html.fromstring(Readability(html).summary(html_partial=True))
    except Exception:  # readability raises bare Exceptions on pages it cannot score  # noqa: BLE001  # trafilatura and lxml raise many kinds on bad markup
        return blocks
    alternative = _blocks(summary)
    ours = _shingles(" ".join(block.text for block in blocks))
    theirs = _shingles(" ".join(block.text for block in alternative))
    ours_size, theirs_size = ours.total(), theirs.total()
    if theirs_size == 0:
        return blocks
    common = (ours & theirs).total()
    if ours_size * 4 < theirs_size and len(" ".join(b.text for b in blocks)) < _SHORT_TEXT:
        return alternative
    # a superset: nearly all of ours is in theirs, and most of theirs is new
    if common >= 0.95 * ours_size and common < 0.6 * theirs_size:
        return alternative
    return blocks


def _recover_headings(blocks: list[Block], tree: Any) -> list[Block]:
    """Put back the page's sub-headings (<h2>-<h6>) that stand right above a kept paragraph,
    a few elements after the one before it, where the extractor dropped them."""
    elements = list(tree.iter(*_SOURCE_TAGS))
    texts = [_text(element) for element in elements]
    where: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        where.setdefault(text, []).append(index)
    kept = {block.text for block in blocks}
    result: list[Block] = []
    last: int | None = None
    for block in blocks:
        here = next((i for i in where.get(block.text, ()) if last is None or i > last), None)
        if here is not None and last is not None and here - last <= _HEADING_GAP:
            # only the headings right above the paragraph: what follows a dropped heading
            # is its own (dropped) section, such as a box of related links
            start = here
            while start - 1 > last and elements[start - 1].tag in _SUBHEADING_TAGS:
                start -= 1
            result.extend(
                Block(texts[i], heading=True)
                for i in range(start, here)
                if texts[i] and texts[i] not in kept
            )
        result.append(block)
        if here is not None:
            last = here
    return result


def _trim_edges(blocks: list[Block]) -> list[Block]:
    """Without the page furniture extractors keep at the edges: a dateline, byline or reading
    time before the body; headings and one- to three-word labels ("Comments") after it."""
    start, end = 0, len(blocks)
    while start < end and _is_label(blocks[start], _LEAD_WORDS, dated=True):
        start += 1
    while end > start and (blocks[end - 1].heading or _is_label(blocks[end - 1], _TAIL_WORDS)):
        end -= 1
    return blocks[start:end]


def _is_label(block: Block, most_words: int, *, dated: bool = False) -> bool:
    """A short line that does not end a sentence; before the body also a short dated line."""
    words = len(_WORD.findall(block.text))
    if block.heading or words > _DATED_WORDS:
        return False
    if dated and (find_date(block.text) is not None or _CLOCK.search(block.text)):
        return True
    return words <= most_words and not block.text.rstrip().endswith(_SENTENCE_END)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def _blocks(root: Any) -> list[Block]:
    """Flatten a body (trafilatura's XML or HTML) into paragraphs and headings, in order."""
    blocks: list[Block] = []
    _walk(root, blocks)
    return blocks


def _walk(element: Any, blocks: list[Block]) -> None:
    if not isinstance(element.tag, str):  # comments and processing instructions
        return
    if not any(isinstance(e.tag, str) and e.tag in _BLOCK_TAGS for e in element.iterdescendants()):
        if element.tag in _ROW_TAGS:
            text = " | ".join(_text(cell) for cell in element)
        else:
            text = _text(element)
        if text.strip(" |"):
            blocks.append(Block(text, heading=element.tag in _HEADING_TAGS))
        return
    _add_text(element.text, blocks)
    for child in element:
        _walk(child, blocks)
        _add_text(child.tail, blocks)


def _text(element: Any) -> str:
    """The element's text; line breaks become spaces (their tails get one, in place: the trees
    are this module's own), inline tags add none (so "<b>W</b>ord")."""
    for br in element.iter("lb", "br"):
        br.tail = " " + (br.tail or "")
    return _clean("".join(element.itertext()))


def _add_text(text: str | None, blocks: list[Block]) -> None:
    cleaned = _clean(text or "")
    if cleaned:
        blocks.append(Block(cleaned))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _fold(text: str) -> str:
    return _clean(text).casefold()
