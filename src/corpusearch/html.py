"""The article body and metadata of an HTML page, by trafilatura (with readability) and htmldate."""

from __future__ import annotations

import re
from typing import Any

import trafilatura
from trafilatura.settings import Document
from trafilatura.utils import load_html

from corpusearch.extraction import Block, Extraction
from corpusearch.html_meta import page_metadata

# Elements of trafilatura's XML body that hold one block of text each.
_LEAF_TAGS = frozenset({"p", "head", "item", "row", "code"})
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_MIN_WORDS = 10


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
    if sum(len(_WORD.findall(block.text)) for block in blocks) < _MIN_WORDS:
        blocks = []  # a menu or a caption, not an article
    meta = page_metadata(tree, document, url=url)
    title = meta.title
    if blocks and title and _fold(blocks[0].text) == _fold(title):
        blocks = blocks[1:]
    return Extraction(
        blocks=tuple(blocks),
        title=title,
        authors=meta.authors,
        date=meta.date,
        topics=meta.topics,
        source=meta.source,
        url=meta.url,
        language=meta.language,
    )


def _blocks(body: Any) -> list[Block]:
    """Flatten trafilatura's XML body into paragraphs and headings, in document order."""
    blocks: list[Block] = []
    _walk(body, blocks)
    return blocks


def _walk(element: Any, blocks: list[Block]) -> None:
    tag = element.tag
    if tag in _LEAF_TAGS or not any(child.tag in _LEAF_TAGS for child in element.iter()):
        if tag == "row":
            text = " | ".join(_clean(" ".join(cell.itertext())) for cell in element)
        else:
            text = _clean(" ".join(element.itertext()))
        if text.strip(" |"):
            blocks.append(Block(text, heading=tag == "head"))
        return
    _add_text(element.text, blocks)
    for child in element:
        _walk(child, blocks)
        _add_text(child.tail, blocks)


def _add_text(text: str | None, blocks: list[Block]) -> None:
    cleaned = _clean(text or "")
    if cleaned:
        blocks.append(Block(cleaned))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()
