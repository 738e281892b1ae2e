"""Metadata of an HTML page: the visible headline, byline and date first, meta tags second."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml.etree import tostring as lxml_tostring  # type: ignore[import-untyped]
from trafilatura.metadata import extract_metadata

from corpusearch.extract.extraction import PageMetadata
from corpusearch.extract.metadata import (
    clean_topics,
    find_date,
    is_person_name,
    is_source_name,
    is_title_like,
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
_NOT_AUTHOR = frozenset(
    {"admin", "administrator", "staff", "team", "editor", "editors", "desk", "writer"}
    | {"reporter", "contributor", "correspondent", "newsroom", "guest", "columnist", "analyst"}
)
_PARTICLES = frozenset({"the", "and", "for", "les", "der", "die", "das", "del", "los", "las"})
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_BYLINE_CLASS = (
    "//*[contains(@class, 'byline') or contains(@class, 'author') or @rel='author'"
    " or @itemprop='author'][not(ancestor::*[contains(@class, 'comment')"
    " or contains(@id, 'comment')])]"
)
# "By", and its equivalents in a few languages, opening a byline.
_BY_LINE = re.compile(
    r"^\s*(?:(?:written|posted|reported|reporting|story|text|words|analysis|commentary)\s+)?"
    r"(?:by|von|par|por|door)\b\s*:?\s*",
    re.IGNORECASE,
)
# How far after the headline a byline or a date may stand, in text nodes; how long its text.
_NEAR_HEADLINE = 60
_MAX_HEADER_TEXT = 150
_MAX_H1 = 5
_MIN_OVERLAP = 0.3  # of an <h1>'s words with og:title or <title> (Jaccard) to be the headline
_UPDATED = re.compile(r"\b(?:updated|modified|edited|revised)\b", re.IGNORECASE)
_ISO_TIME = re.compile(r"\b(\d{4}-\d\d-\d\d)T(?=\d)")
# What ends the names of a byline: "on", "|", a weekday...; degrees after a comma ("MS, RD").
_BYLINE_TAIL = re.compile(
    r"(?:\s|[,|•·—–-]|\b(?:on|at|updated|published|posted)\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)+$",
    re.IGNORECASE,
)
_CREDENTIALS = re.compile(r",\s*(?:[A-Z]{2,5}|Ph\.?D\.?)(?=\s*(?:,|$))")


def page_metadata(
    tree: Any, document: Any, *, url: str | None = None, body_start: str | None = None
) -> PageMetadata:
    """Metadata of the parsed page ``tree``; ``document`` is trafilatura's result or None;
    ``body_start`` is the text of the body's first block, which tells the headline apart."""
    if document is None:
        document = extract_metadata(tree, url)
    source = _source(tree, document)
    headline, header = _headline(tree, _fold(body_start or "")[:40], source)
    return PageMetadata(
        title=_title(tree, headline, document),
        authors=_authors(tree, header, document, source),
        date=_date(header, document, tree),
        topics=_topics(document),
        source=source,
        url=getattr(document, "url", None) or url,
        language=_language(tree),
    )


def _headline(tree: Any, body_start: str, source: str | None) -> tuple[Any, list[str]]:
    """The <h1> that best matches og:title or <title>, else the one the body follows closely
    (unless it is the site's name); with the short texts between it and the body."""
    references = [
        split_title(text)[0]
        for text in (_meta(tree, "og:title"), _meta(tree, "twitter:title"), _title_tag(tree))
        if text
    ]
    best, best_score, followed = None, 0.0, None
    sites = {_fold(site) for site in (source, split_title(_title_tag(tree) or "")[1]) if site}
    for h1 in list(tree.iter("h1"))[:_MAX_H1]:
        words = {w.casefold() for w in _WORD.findall(_text(h1))}
        if not words:
            continue
        score = max((_overlap(words, ref) for ref in references), default=1.0)
        if score > best_score:
            best, best_score = h1, score
        if (
            followed is None
            and len(words) > 1
            and _fold(_text(h1)) not in sites
            and _header(h1, body_start)[1]
        ):
            followed = h1
    headline = best if best_score >= _MIN_OVERLAP else followed
    return headline, _header(headline, body_start)[0] if headline is not None else []


def _header(headline: Any, body_start: str) -> tuple[list[str], bool]:
    """The short texts after ``headline`` up to the body, and whether the body was reached."""
    texts: list[str] = []
    for text in _text_after(headline):
        if body_start and _fold(text).startswith(body_start):
            return texts, True
        if len(text) <= _MAX_HEADER_TEXT:
            texts.append(text)
    return texts, False


def _overlap(words: set[str], reference: str) -> float:
    ref = {w.casefold() for w in _WORD.findall(reference)}
    return len(words & ref) / len(words | ref) if ref else 0.0


def _title(tree: Any, headline: Any, document: Any) -> str | None:
    """The visible headline, else og:title, the <title> or trafilatura's title; never a file
    hash, a caption or a pull quote (see :func:`is_title_like`)."""
    if headline is not None and is_title_like(_text(headline)):
        return _text(headline)
    for text in (_meta(tree, "og:title"), _title_tag(tree), getattr(document, "title", None)):
        if text and is_title_like(split_title(_clean(text))[0]):
            return split_title(_clean(text))[0]
    return None


def _authors(tree: Any, header: list[str], document: Any, source: str | None) -> tuple[str, ...]:
    """A visible byline near the headline, else in a byline element, else the meta author
    when the page shows it. The meta names trim what a byline runs on with ("Business
    Columnist" after the name)."""
    meta_names = [
        _strip_article(_clean(n)) for n in (getattr(document, "author", None) or "").split(";")
    ]
    meta_names = [n for n in meta_names if _is_author(n, source) and not _not_person(n, source)]
    for text in header:
        match = _BY_LINE.match(text)
        names = _names(text[match.end() :], source) if match else ()
        if names:
            return _trim(names, meta_names)
    for element in tree.xpath(_BYLINE_CLASS)[:20]:
        text = _text(element)
        match = _BY_LINE.match(text)
        names = _names(text[match.end() :] if match else text, source)
        if names:
            return _trim(names, meta_names)
    page = lxml_tostring(tree, encoding="unicode", method="text") if meta_names else ""
    return tuple(name for name in meta_names if _shown(name, page))


def _trim(names: tuple[str, ...], meta_names: list[str]) -> tuple[str, ...]:
    """Each name cut to the meta name it starts with, if any ("Jo Doe Staff Writer": "Jo Doe")."""
    trimmed = []
    for name in names:
        words = name.casefold().split()
        for meta in meta_names:
            prefix = meta.casefold().split()
            if len(prefix) < len(words) and words[: len(prefix)] == prefix:
                name = " ".join(name.split()[: len(prefix)])
                break
        trimmed.append(name)
    return tuple(dict.fromkeys(trimmed))


def _names(line: str, source: str | None) -> tuple[str, ...]:
    """The authors of a byline (its "By" cut off): names up to the date or a separator, without
    degrees ("MS, RD"), roles ("Staff") or the site's own name; () unless all parts are so."""
    found = find_date(_iso_days(line))
    if found is not None:
        line = line[: found[1]]
    line = _CREDENTIALS.sub("", _BYLINE_TAIL.sub("", re.split(r"\d", line, maxsplit=1)[0]))
    names = tuple(name for name in parse_byline(line) if not _not_person(name, source))
    if names:
        return names
    parts = [_clean(part) for part in _NAME_SPLIT.split(line) if _clean(part)]
    kept = tuple(p for p in parts if _is_author(p, source) and not _not_person(p, source))
    dropped = [part for part in parts if part not in kept]
    return kept if kept and all(_not_person(part, source) for part in dropped) else ()


def _not_person(text: str, source: str | None) -> bool:
    """A role ("IGN Staff") or the site's own name or part of it ("Example Sport" on "The
    Example"), which bylines often add to the names."""
    words = set(_WORD.findall(text.casefold()))
    site_words = {w for w in _WORD.findall((source or "").casefold()) if len(w) > 2} - _PARTICLES
    return bool(words & (_NOT_AUTHOR | site_words))


def _shown(name: str, page: str) -> bool:
    """Whether ``name`` stands in the page's text, give or take dots ("Sarah E Needleman")."""
    pattern = r"\b" + r"\W+".join(re.escape(word) for word in _WORD.findall(name)) + r"\b"
    return re.search(pattern, page, re.IGNORECASE) is not None


def _strip_article(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def _is_author(name: str, source: str | None) -> bool:
    """A person, or a wire service (2-3 capitalised words, not a role, not the site itself)."""
    if is_person_name(name):
        return True
    words = name.split()
    if not 2 <= len(words) <= 3 or any(ch.isdigit() or ch in "@|:/,;" for ch in name):
        return False
    if source and name.casefold() == source.casefold():
        return False
    return all(w[0].isupper() and w.lower() not in _NOT_AUTHOR for w in words)


def _date(near: list[str], document: Any, tree: Any) -> str | None:
    """The first date written near the headline (an "Updated" one only when no other is),
    else htmldate's original publication date (trafilatura ran it with extensive search) when
    the page shows that day: a date only in the markup is never the visible one's stand-in."""
    updated = None
    for line in near:
        text = _iso_days(line)
        while (found := find_date(text)) is not None:
            day, start, end = found
            if not _UPDATED.search(text[:start]):
                return day
            updated, text = updated or day, text[end:]
    if updated:
        return updated
    marked = getattr(document, "date", None) or None
    return marked if marked and _day_shown(str(marked)[:10], tree) else None


def _day_shown(day: str, tree: Any) -> bool:
    """Whether some visible text of the page states the calendar day ``day`` (ISO)."""
    year = day[:4]
    texts = tree.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
    )
    for node in texts:
        text = _iso_days(str(node))
        if year not in text and year[2:] not in text:
            continue
        while (found := find_date(text)) is not None:
            if found[0] == day:
                return True
            text = text[found[2] :]
        if _CJK_DATE.search(text) and _cjk_day(text) == day:
            return True
    return False


_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})")


def _cjk_day(text: str) -> str | None:
    match = _CJK_DATE.search(text)
    if match is None:
        return None
    year, month, day = map(int, match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _iso_days(text: str) -> str:
    """ISO timestamps cut to their day ("2019-11-18T20:51:19Z" to "2019-11-18 20:51:19Z")."""
    return _ISO_TIME.sub(r"\1 ", text)


def _text_after(element: Any) -> list[str]:
    """Visible text that follows ``element`` in document order, one string per block element."""
    texts: list[str] = []
    last_block = None
    nodes = element.xpath(f"(following::text()[normalize-space()])[position() <= {_NEAR_HEADLINE}]")
    for node in nodes:
        parent = node.getparent()
        if parent is not None and node.is_tail:
            parent = parent.getparent()
        if parent is None or parent.tag in _SKIP_TEXT_PARENTS:
            continue
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
    if name and name.casefold() not in hostname.casefold() and is_source_name(name):
        return name
    title = _title_tag(tree)
    suffix = split_title(title)[1] if title else None
    return suffix if is_source_name(suffix) else None


def _topics(document: Any) -> tuple[str, ...]:
    """Tags (article:tag, keywords), else categories; delimited lists are split."""
    tags = getattr(document, "tags", None) or getattr(document, "categories", None) or []
    topics: list[str] = []
    for tag in tags:
        topics.extend(segment_topics(tag) if re.search(r"[,;|]", tag) else [_clean(tag)])
    return clean_topics(topics)


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


def _text(element: Any) -> str:
    """The element's text, with a space where a block element or a line break starts or ends
    (but none between inline elements: "Molly Woo<span>d</span>")."""
    parts: list[str] = []
    _collect(element, parts)
    return _clean("".join(parts))


def _collect(element: Any, parts: list[str]) -> None:
    if isinstance(element.tag, str):
        block = element.tag in _BLOCK_TAGS or element.tag == "br"
        parts.append(" " if block else "")
        parts.append(element.text or "")
        for child in element:
            _collect(child, parts)
            parts.append(child.tail or "")
        parts.append(" " if block else "")


def _fold(text: str) -> str:
    return _clean(text).casefold()


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()
