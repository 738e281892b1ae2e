"""Metadata of an HTML page: the visible headline, byline and date first, meta tags second."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date as htmldate_find_date

from corpusearch.metadata import (
    find_date,
    is_person_name,
    parse_byline,
    segment_topics,
    split_title,
)

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_SKIP_TEXT_PARENTS = frozenset({"script", "style", "noscript", "template"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "dd", "dt", "td", "th", "header", "footer", "section", "article", "aside"}
    | {"address", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "form"}
    | {"nav", "main", "body"}
)
# Words that make a meta author a role or an account rather than a person or a wire service.
_NOT_AUTHOR = frozenset({"admin", "administrator", "staff", "team", "editor", "editors", "desk"})
_BYLINE_CLASS = (
    "//*[contains(@class, 'byline') or contains(@class, 'author') or @rel='author'"
    " or @itemprop='author'][not(ancestor::*[contains(@class, 'comment')"
    " or contains(@id, 'comment')])]"
)
# "By", and its equivalents in a few languages, opening a byline.
_BY_LINE = re.compile(
    r"^\s*(?:(?:written|posted|reported)\s+)?(?:by|von|par|por|door)\b\s*:?\s*", re.IGNORECASE
)
# How far after the headline a byline or a date may stand, in text nodes.
_NEAR_HEADLINE = 60


@dataclass(frozen=True)
class PageMeta:
    """The metadata fields of :class:`~corpusearch.extraction.Extraction` for one page."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    topics: tuple[str, ...] = ()
    source: str | None = None
    url: str | None = None
    language: str | None = None


def page_metadata(tree: Any, document: Any, *, url: str | None = None) -> PageMeta:
    """Metadata of the parsed page ``tree``; ``document`` is trafilatura's result or None."""
    source = _source(tree, document)
    headline = _headline(tree)
    title = _title(tree, headline, document)
    near = _text_after(headline) if headline is not None else []
    return PageMeta(
        title=title,
        authors=_authors(tree, near, document, source),
        date=_date(tree, near, url),
        topics=_topics(document),
        source=source,
        url=getattr(document, "url", None) or url,
        language=_language(tree),
    )


def _headline(tree: Any) -> Any:
    """The <h1> that best matches og:title or <title>, or None when none matches."""
    references = [
        split_title(text)[0]
        for text in (_meta(tree, "og:title"), _meta(tree, "twitter:title"), _title_tag(tree))
        if text
    ]
    best, best_score = None, 0.0
    for h1 in tree.iter("h1"):
        text = _clean(" ".join(h1.itertext()))
        words = {w.casefold() for w in _WORD.findall(text)}
        if not words:
            continue
        if not references:
            return h1
        score = max(_overlap(words, ref) for ref in references)
        if score > best_score:
            best, best_score = h1, score
    return best if best_score >= 0.3 else None


def _overlap(words: set[str], reference: str) -> float:
    ref = {w.casefold() for w in _WORD.findall(reference)}
    return len(words & ref) / len(words | ref) if ref else 0.0


def _title(tree: Any, headline: Any, document: Any) -> str | None:
    if headline is not None:
        return _clean(" ".join(headline.itertext()))
    for text in (_meta(tree, "og:title"), _title_tag(tree), getattr(document, "title", None)):
        if text and _clean(text):
            return split_title(_clean(text))[0]
    return None


def _authors(tree: Any, near: list[str], document: Any, source: str | None) -> tuple[str, ...]:
    """Visible byline near the headline, else byline elements, else the meta author."""
    for text in near:
        names = _byline(text)
        if names:
            return names
    for element in tree.xpath(_BYLINE_CLASS)[:20]:
        text = _clean(" ".join(element.itertext()))
        names = _byline(text)
        if names:
            return names
        if _is_author(text, source):
            return (text,)
    meta = getattr(document, "author", None) or ""
    names = tuple(
        name
        for name in (_strip_article(_clean(n)) for n in meta.split(";"))
        if _is_author(name, source)
    )
    return names


def _byline(text: str) -> tuple[str, ...]:
    """The names of a line opening with "By" (or "Von", "Par", ...), else ()."""
    match = _BY_LINE.match(text)
    return parse_byline(text[match.end() :]) if match else ()


def _strip_article(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def _is_author(name: str, source: str | None) -> bool:
    """A person or a wire service: 2-5 capitalised words, not a role, not the site itself."""
    if is_person_name(name):
        return True
    words = name.split()
    if not 2 <= len(words) <= 4 or any(ch.isdigit() or ch in "@|:/" for ch in name):
        return False
    if source and name.casefold() == source.casefold():
        return False
    return all(w[0].isupper() and w.lower() not in _NOT_AUTHOR for w in words)


def _date(tree: Any, near: list[str], url: str | None) -> str | None:
    """The first date written near the headline, else htmldate's original publication date."""
    for text in near:
        found = find_date(text)
        if found is not None:
            return found[0]
    result = htmldate_find_date(tree, extensive_search=True, original_date=True, url=url)
    return str(result) if result else None


def _text_after(element: Any) -> list[str]:
    """Visible text that follows ``element`` in document order, one string per block element."""
    texts: list[str] = []
    last_block = None
    nodes = element.xpath(f"(following::text()[normalize-space()])[position() <= {_NEAR_HEADLINE}]")
    for node in nodes:
        parent = node.getparent()
        if parent is None or parent.tag in _SKIP_TEXT_PARENTS:
            continue
        if node.is_tail:
            parent = parent.getparent()
        block = parent
        while block is not None and block.tag not in _BLOCK_TAGS:
            block = block.getparent()
        if block is not None and block is last_block:
            texts[-1] = f"{texts[-1]} {_clean(str(node))}"
        else:
            texts.append(_clean(str(node)))
        last_block = block
    return texts


def _source(tree: Any, document: Any) -> str | None:
    """The publisher: og:site_name and the like, else the suffix of "Headline | Site"."""
    name = _clean(getattr(document, "sitename", None))
    hostname = urlsplit(getattr(document, "url", None) or "").hostname or ""
    if name and name.casefold() not in hostname.casefold():
        return name
    title = _title_tag(tree)
    return split_title(title)[1] if title else None


def _topics(document: Any) -> tuple[str, ...]:
    """Tags (article:tag, keywords), else categories; delimited lists are split."""
    tags = getattr(document, "tags", None) or getattr(document, "categories", None) or []
    topics: list[str] = []
    for tag in tags:
        topics.extend(segment_topics(tag) if re.search(r"[,;|]", tag) else [_clean(tag)])
    return tuple(dict.fromkeys(t for t in topics if t))


def _language(tree: Any) -> str | None:
    lang = tree.get("lang") or _meta(tree, "og:locale") or ""
    primary = re.split(r"[-_]", lang.strip())[0].lower()
    return primary if primary.isalpha() and len(primary) in (2, 3) else None


def _meta(tree: Any, name: str) -> str | None:
    values = tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
    return str(values[0]) if values else None


def _title_tag(tree: Any) -> str | None:
    element = tree.find(".//title")
    return _clean(" ".join(element.itertext())) if element is not None else None


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()
