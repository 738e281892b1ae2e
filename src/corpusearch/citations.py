"""Citations of paragraphs: one record per hit as CSV, JSON, RIS, BibTeX or CSL-JSON.

A :class:`Citable` is what a citation needs from a hit or from a paragraph looked up by id; the
writers turn a sequence of them into the text of one format, each record quoting its paragraph in
a note so that a reference manager keeps the passage with the reference.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corpusearch.context import around, split_paragraph_id
from corpusearch.errors import CorpusearchError

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "Citable",
    "UnknownFormatError",
    "citation",
    "cite_paragraphs",
    "cite_search",
    "render",
]


class UnknownFormatError(CorpusearchError, ValueError):
    """A citation format corpusearch does not write."""


@dataclass(frozen=True)
class Citable:
    """What a citation of one paragraph needs: its article's metadata and the quoted text."""

    id: str
    article: str
    position: int
    title: str
    authors: tuple[str, ...]
    date: str | None
    source: str | None
    url: str | None
    section: str | None
    text: str
    score: float | None = None

    @classmethod
    def of(cls, hit: Any) -> Citable:
        """The citable part of a search ``Hit`` (or anything with the same attributes)."""
        return cls(
            id=hit.id,
            article=hit.article,
            position=hit.position,
            title=hit.title,
            authors=tuple(hit.authors),
            date=hit.date,
            source=hit.source,
            url=hit.url,
            section=hit.section,
            text=hit.text,
            score=getattr(hit, "score", None),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article": self.article,
            "paragraph": self.position,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "section": self.section,
            "text": self.text,
            "citation": citation(self),
        }


def cite_paragraphs(corpus: Corpus, paragraph_ids: Iterable[str]) -> tuple[Citable, ...]:
    """The paragraphs with these ids (``ARTICLE-N``); raises ArticleNotFoundError for an unknown one."""
    found: list[Citable] = []
    for paragraph_id in paragraph_ids:
        article_id, position = split_paragraph_id(paragraph_id)
        window = around(corpus.article(article_id), position, 0)
        article, paragraph = window.article, window.paragraph
        found.append(
            Citable(
                id=paragraph_id,
                article=article.id,
                position=paragraph.position,
                title=article.title,
                authors=article.authors,
                date=article.date,
                source=article.source,
                url=article.url,
                section=paragraph.section,
                text=paragraph.text,
            )
        )
    return tuple(found)


def cite_search(
    corpus: Corpus, query: str, *, limit: int = 100, **filters: Any
) -> tuple[Citable, ...]:
    """The first ``limit`` hits of a search, as citable records in rank order."""
    result = corpus.search(query, limit=limit, **filters)
    return tuple(Citable.of(hit) for hit in result.hits)


def citation(record: Any) -> str:
    """A one-line citation: authors, “title”, source, date, paragraph and URL when known."""
    parts = []
    if record.authors:
        parts.append(", ".join(record.authors))
    parts.append(f"“{record.title}”" if record.title else f"“{record.article}”")
    if record.source:
        parts.append(record.source)
    parts.append(record.date or "n.d.")
    parts.append(f"para. {record.position}")
    text = ", ".join(parts) + "."
    return f"{text} {record.url}" if record.url else text


def _note(record: Citable) -> str:
    """The quoted paragraph, with where it stands in the article."""
    where = f"Paragraph {record.position}"
    if record.section:
        where += f" ({record.section})"
    return f"{where}: “{_one_line(record.text)}”"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- CSV and JSON -----------------------------------------------------------------------------

CSV_COLUMNS = (
    "rank",
    "citation",
    "title",
    "authors",
    "source",
    "date",
    "paragraph",
    "section",
    "url",
    "article",
    "id",
    "score",
    "text",
)


def csv_cell(value: object) -> str:
    """A CSV cell that spreadsheets will not evaluate as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(records: Sequence[Citable]) -> str:
    """A header row, then one row per record with its one-line citation."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for rank, record in enumerate(records, 1):
        score = "" if record.score is None else f"{record.score:.4f}"
        row = (
            rank,
            citation(record),
            record.title,
            "; ".join(record.authors),
            record.source,
            record.date,
            record.position,
            record.section,
            record.url,
            record.article,
            record.id,
            score,
            record.text,
        )
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def to_json(records: Sequence[Citable]) -> str:
    return json.dumps([record.to_json() for record in records], ensure_ascii=False, indent=2) + "\n"


# --- RIS --------------------------------------------------------------------------------------


def _inverted(name: str) -> str:
    """``Leela Jacinto`` -> ``Jacinto, Leela``, the order reference managers read names in."""
    words = name.split()
    if "," in name or len(words) < 2:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def to_ris(records: Sequence[Citable]) -> str:
    """RIS records of type ELEC (web page), the paragraph quoted in N1."""
    lines: list[str] = []
    for record in records:
        tags: list[tuple[str, str]] = [("TY", "ELEC"), ("ID", record.id)]
        tags.append(("TI", _one_line(record.title or record.article)))
        tags.extend(("AU", _inverted(_one_line(name))) for name in record.authors)
        if record.date:
            year, *rest = record.date.split("-")
            tags.append(("PY", year))
            tags.append(("DA", "/".join([year, *rest]) + ("/" if len(rest) == 2 else "")))
        if record.source:
            tags.append(("T2", _one_line(record.source)))
        if record.url:
            tags.append(("UR", _one_line(record.url)))
        tags.append(("N1", _note(record)))
        lines.extend(f"{tag}  - {value}" for tag, value in tags)
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)


# --- BibTeX -----------------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIALS))
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_\-:.]")


def _latex(text: str) -> str:
    """``text`` safe inside a braced BibTeX value (UTF-8 is left as it is: biber reads it)."""
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group(0)], _one_line(text))


def to_bibtex(records: Sequence[Citable]) -> str:
    """biblatex ``@online`` entries keyed by paragraph id, the paragraph quoted in ``note``."""
    entries: list[str] = []
    for record in records:
        fields: list[tuple[str, str]] = [
            ("title", "{" + _latex(record.title or record.article) + "}")
        ]
        if record.authors:
            names = " and ".join(_latex(_inverted(name)) for name in record.authors)
            fields.append(("author", names))
        if record.date:
            fields.append(("date", record.date))
            fields.append(("year", record.date[:4]))
        if record.source:
            fields.append(("organization", _latex(record.source)))
        if record.url:
            fields.append(("url", _latex(record.url)))
        fields.append(("note", _latex(_note(record))))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        key = _KEY_UNSAFE.sub("_", record.id)
        entries.append(f"@online{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


# --- CSL-JSON ---------------------------------------------------------------------------------


def _csl_name(name: str) -> dict[str, str]:
    words = name.split()
    if len(words) < 2:
        return {"literal": name}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def _csl_date(date: str) -> dict[str, Any] | None:
    parts = [int(part) for part in date.split("-") if part.isdigit()]
    return {"date-parts": [parts]} if parts else None


def csl_item(record: Citable) -> dict[str, Any]:
    """A CSL-JSON item (the format of Zotero, Pandoc and citeproc) of type ``webpage``."""
    item: dict[str, Any] = {
        "id": record.id,
        "type": "webpage",
        "title": record.title or record.article,
        "note": _note(record),
    }
    if record.authors:
        item["author"] = [_csl_name(name) for name in record.authors]
    issued = _csl_date(record.date) if record.date else None
    if issued:
        item["issued"] = issued
    if record.source:
        item["container-title"] = record.source
    if record.url:
        item["URL"] = record.url
    if record.section:
        item["section"] = record.section
    return item


def to_csl_json(records: Sequence[Citable]) -> str:
    return json.dumps([csl_item(r) for r in records], ensure_ascii=False, indent=2) + "\n"


# --- one entry point --------------------------------------------------------------------------

_WRITERS: dict[str, Callable[[Sequence[Citable]], str]] = {
    "csv": to_csv,
    "json": to_json,
    "ris": to_ris,
    "bibtex": to_bibtex,
    "csl-json": to_csl_json,
}
FORMATS = tuple(_WRITERS)
# Format -> (file extension, media type) for downloads.
FILE_TYPES = {
    "csv": ("csv", "text/csv"),
    "json": ("json", "application/json"),
    "ris": ("ris", "application/x-research-info-systems"),
    "bibtex": ("bib", "application/x-bibtex"),
    "csl-json": ("csl.json", "application/vnd.citationstyles.csl+json"),
}


def render(records: Iterable[Any], fmt: str) -> str:
    """``records`` (Citable records or search hits) as the text of format ``fmt`` (see FORMATS)."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise UnknownFormatError(
            f"unknown citation format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}"
        )
    citable = [r if isinstance(r, Citable) else Citable.of(r) for r in records]
    return writer(citable)
