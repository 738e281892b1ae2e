"""PDF reports (read with pypdf): one record whose paragraphs know their page numbers.

pypdf reports each run of text with its position and font size. Runs on one baseline make a
line; lines make paragraphs, which break at a wider gap than the page's usual line spacing, a
change of font size, an indented first line, a list bullet, or a short line that ends a sentence. A paragraph
cut by a page break (it ends with no sentence end and the next page goes on in lowercase) is
joined, under the page it starts on.

Within a paragraph, a word hyphenated at a line end is joined ("recon-" + "struction"); the
hyphen is kept when the document writes the word with one elsewhere, or when the next line
starts with a capital ("al-" + "Sadr"). Running headers and footers (lines near the top or bottom
edge whose text, digits aside, repeats on other pages) and page numbers are dropped, and so are
footnote markers (small raised digits or symbols after a word), so that "elections¹" is the word
"elections". Footnote texts stay, as paragraphs of their own.

Title, authors and date come from the document's metadata when it has them, else from its first
page (the largest line, the byline under it, the first date); the lines used for them are not
body. A PDF with no text layer (a scan) is reported as such, not indexed empty.
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from corpusearch.extract.formats import InputRecord, RecordProblem

__all__ = ["Line", "paragraphs_of", "read_pdf"]

# A baseline within this share of the font size is the same line (a raised footnote marker too).
SAME_LINE = 0.5
# A footnote marker: a run in a font at most this share of its line's, raised above the baseline.
MARKER_SIZE = 0.8
MARKER_TEXT = re.compile(r"^\s*(?:\d{1,3}|[*†‡§¶]+)\s*$")
# The top and bottom bands of a page, as a share of its height, where headers and footers stand.
EDGE_BAND = 0.1
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I
)
# A gap between lines wider than this many times the page's usual spacing starts a paragraph.
PARAGRAPH_GAP = 1.4
# A font size change of more than this many points starts a paragraph (a heading, a footnote).
SIZE_CHANGE = 0.9
# A first line indented by more than this share of the font size starts a paragraph.
INDENT = 0.8
# A line shorter than this share of the page's usual full line, ending a sentence, ends a paragraph.
SHORT_LINE = 0.7
# Fewer characters than this per page, on average: no text layer (a scanned document).
SCANNED_CHARS_PER_PAGE = 20
PLACEHOLDER_AUTHORS = frozenset(
    {"anonymous", "unknown", "admin", "administrator", "user", "author"}
)
FIRST_PAGE_LINES = 15  # where the title, byline and date of a report stand
_SENTENCE_END = re.compile(r"[.!?:;\"”’)…]$")
_HYPHENATED = re.compile(r"(\w+)[-\u00ad]$")
_BULLET = re.compile(r"^\s*[•▪◦‣●■–*]\s")  # a list item: its own paragraph; its lines hang
_WORD_START = re.compile(r"^(\w+)")
_META_NOISE = re.compile(
    r"^(?:untitled|microsoft \w+ - |document\d*$|.*\.(?:docx?|pdf|indd|tex)$)", re.I
)


@dataclass(frozen=True)
class Line:
    """One line of a page: its text (footnote markers out), left edge, baseline and font size."""

    page: int
    text: str
    x: float
    y: float
    size: float
    page_height: float


def read_pdf(path: Path, skipped: Counter[str]) -> Iterator[InputRecord | RecordProblem]:
    """The one record of the PDF at ``path``, or the problem that says why it has none."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are about the file, not us
    try:
        reader = _open(path)
        lines, unreadable = _lines(reader)
        metadata = _metadata(reader)
    except ValueError as error:
        yield RecordProblem(str(path), str(error))
        return
    if unreadable:
        skipped["unreadable page"] += unreadable
    pages = len(reader.pages)
    if sum(len(line.text) for line in lines) < SCANNED_CHARS_PER_PAGE * max(pages, 1):
        yield RecordProblem(
            str(path),
            f"no text layer on its {pages} page{'s' if pages != 1 else ''} (a scan?): "
            "run OCR on it first (for instance with ocrmypdf)",
        )
        return
    body, front = _front_matter(_without_furniture(lines), metadata)
    paragraphs = paragraphs_of(body)
    if not paragraphs:
        yield RecordProblem(str(path), "no paragraphs of text found")
        return
    yield InputRecord(
        key="document",
        kind="body",
        text="\n\n".join(text for _, text in paragraphs),
        path=path,
        location=str(path),
        title=front.get("title"),
        authors=tuple(front.get("authors", ())),
        date=front.get("date"),
        pages=tuple(paragraphs),
    ).with_digest()


def _open(path: Path) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted PDF: give it without a password")
        len(reader.pages)  # parses the page tree: a broken one fails here
    except (PyPdfError, OSError, KeyError, TypeError, NotImplementedError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"not a readable PDF ({message})") from error
    return reader


def _lines(reader: Any) -> tuple[list[Line], int]:
    """Every page's lines in the order the document writes them, and the pages that failed."""
    lines: list[Line] = []
    unreadable = 0
    for number, page in enumerate(reader.pages, start=1):
        runs: list[tuple[float, float, float, str]] = []
        visit = _collector(runs)
        try:
            page.extract_text(visitor_text=visit)
            height = float(page.mediabox.height)
        except Exception:  # pypdf raises many kinds on a damaged page  # noqa: BLE001  # pypdf raises many kinds on damaged files
            unreadable += 1
            continue
        lines.extend(_page_lines(number, height, runs))
    return lines, unreadable


def _collector(runs: list[tuple[float, float, float, str]]) -> Any:
    """A pypdf text visitor that appends each run as (x, y, font size, text) to ``runs``."""

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:  # noqa: ARG001  # pypdf's visitor signature
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((float(x), float(y), float(size) * abs(float(cm[3]) or 1.0), text))

    return visit


def _page_lines(
    page: int, height: float, runs: Sequence[tuple[float, float, float, str]]
) -> Iterator[Line]:
    current: list[tuple[float, float, float, str]] = []
    for run in _split_runs(runs):
        if current and abs(run[1] - _baseline(current)) > SAME_LINE * max(run[2], current[0][2]):
            yield _line(page, height, current)
            current = []
        current.append(run)
    if current:
        yield _line(page, height, current)


def _split_runs(
    runs: Sequence[tuple[float, float, float, str]],
) -> Iterator[tuple[float, float, float, str]]:
    """Runs with no line break inside: the parts after a break go one line lower each."""
    for x, y, size, text in runs:
        for offset, part in enumerate(text.rstrip("\n").split("\n")):
            if part.strip():
                yield x, y - offset * size * 1.2, size, part


def _baseline(runs: Sequence[tuple[float, float, float, str]]) -> float:
    return max(runs, key=lambda run: (run[2], len(run[3])))[1]


def _line(page: int, height: float, runs: Sequence[tuple[float, float, float, str]]) -> Line:
    size = max(run[2] for run in runs)
    base = _baseline(runs)
    parts = [
        run[3]
        for run in runs
        if not (run[2] <= MARKER_SIZE * size and run[1] > base + 0.5 and MARKER_TEXT.match(run[3]))
    ]
    text = " ".join("".join(parts).split())
    return Line(page, text, min(run[0] for run in runs), base, size, height)


def _without_furniture(lines: Sequence[Line]) -> list[Line]:
    """The lines that are not page numbers or running headers and footers."""
    edge = [line for line in lines if _at_edge(line)]
    pages_of: dict[str, set[int]] = {}
    for line in edge:
        pages_of.setdefault(_shape(line.text), set()).add(line.page)
    return [
        line
        for line in lines
        if not (
            _at_edge(line)
            and (PAGE_NUMBER.match(line.text) or len(pages_of[_shape(line.text)]) > 1)
        )
    ]


def _at_edge(line: Line) -> bool:
    return line.y > (1 - EDGE_BAND) * line.page_height or line.y < EDGE_BAND * line.page_height


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _front_matter(lines: list[Line], metadata: dict[str, Any]) -> tuple[list[Line], dict[str, Any]]:
    """Title, authors and date (metadata first, then the first page) and the lines left as body."""
    from corpusearch.extract.metadata import parse_byline, parse_date

    if not lines:
        return lines, dict(metadata)
    first = [i for i, line in enumerate(lines) if line.page == lines[0].page][:FIRST_PAGE_LINES]
    used: set[int] = set()
    found = dict(metadata)
    if first:
        body_size = statistics.median(line.size for line in lines)
        top = max(first, key=lambda i: lines[i].size)
        if lines[top].size > body_size + SIZE_CHANGE:
            heading = [i for i in first if abs(lines[i].size - lines[top].size) < SIZE_CHANGE]
            used.update(heading)
            found.setdefault("title", " ".join(lines[i].text for i in heading))
            for i in first[first.index(heading[-1]) + 1 :]:
                names = parse_byline(lines[i].text)
                day = parse_date(lines[i].text) if len(lines[i].text) < 40 else None
                if not names and day is None:
                    break
                used.add(i)
                if names:
                    found.setdefault("authors", names)
                if day is not None:
                    found["date"] = day  # the printed date, over the file's creation date
    if "date" not in found and "created" in metadata:
        found["date"] = metadata["created"]
    return [line for i, line in enumerate(lines) if i not in used], found


def _metadata(reader: Any) -> dict[str, Any]:
    try:
        info = reader.metadata
    except Exception:  # a damaged information dictionary is no metadata  # noqa: BLE001  # pypdf raises many kinds on damaged files
        return {}
    if info is None:
        return {}
    found: dict[str, Any] = {}
    title = " ".join(str(info.title or "").split())
    if title and not _META_NOISE.match(title):
        found["title"] = title
    author = " ".join(str(info.author or "").split())
    if author:
        names = [name.strip() for name in re.split(r";|\band\b|&|,(?=\s*\w+\s+\w+)", author)]
        kept = tuple(name for name in names if _is_author_name(name))
        if kept:
            found["authors"] = kept
    try:
        created = info.creation_date
    except (ValueError, TypeError):
        created = None
    if isinstance(created, datetime):
        found["created"] = created.date().isoformat()
    return found


def _is_author_name(name: str) -> bool:
    """Not a writer's placeholder ("anonymous") or a login name ("jsmith")."""
    return (
        bool(name)
        and name.lower() not in PLACEHOLDER_AUTHORS
        and (" " in name or name[0].isupper())
    )


def paragraphs_of(lines: Sequence[Line]) -> list[tuple[int, str]]:
    """The paragraphs of body lines as (page number, text), in reading order."""
    vocabulary = _words(lines)
    usual = _usual(lines)
    groups: list[list[Line]] = []
    current: list[Line] = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else None
        if previous is not None and not _breaks(previous, line, usual):
            current.append(line)
            continue
        cut = _cut_paragraph(groups, line) if previous is not None else None
        if cut is not None:
            current = cut
            current.append(line)
        else:
            current = [line]
            groups.append(current)
    return [(group[0].page, _join(group, vocabulary)) for group in groups]


def _cut_paragraph(groups: Sequence[list[Line]], line: Line) -> list[Line] | None:
    """The paragraph of the previous page that ``line`` goes on with, if a page break cut one.

    It is the last one in ``line``'s font size (a footnote may stand between them): it ends with
    no sentence end, and ``line`` goes on in lowercase.
    """
    if not line.text[:1].islower():
        return None
    for group in reversed(groups):
        last = group[-1]
        if last.page != line.page - 1:
            return None
        if abs(last.size - line.size) <= SIZE_CHANGE:
            return group if _SENTENCE_END.search(last.text) is None else None
    return None


def _usual(lines: Sequence[Line]) -> dict[int, tuple[float, int]]:
    """Per page: the usual gap between consecutive body lines, and the usual full line's length."""
    usual: dict[int, tuple[float, int]] = {}
    for page in {line.page for line in lines}:
        own = [line for line in lines if line.page == page]
        gaps = [
            a.y - b.y
            for a, b in itertools.pairwise(own)
            if 0 < a.y - b.y < 3 * a.size and abs(a.size - b.size) <= SIZE_CHANGE
        ]
        lengths = sorted(len(line.text) for line in own)
        usual[page] = (
            statistics.median(gaps) if gaps else own[0].size * 1.2,
            lengths[int(len(lengths) * 0.8)] if lengths else 0,
        )
    return usual


def _breaks(previous: Line, line: Line, usual: dict[int, tuple[float, int]]) -> bool:
    if previous.page != line.page:
        return True
    gap, full = usual[line.page]
    return (
        previous.y - line.y > PARAGRAPH_GAP * gap
        or previous.y - line.y < 0  # a new column or a jump back up the page
        or abs(previous.size - line.size) > SIZE_CHANGE
        or _BULLET.match(line.text) is not None
        or (line.x - previous.x > INDENT * line.size and _BULLET.match(previous.text) is None)
        or (
            len(previous.text) < SHORT_LINE * full
            and _SENTENCE_END.search(previous.text) is not None
        )
    )


def _words(lines: Sequence[Line]) -> frozenset[str]:
    return frozenset(w.lower() for line in lines for w in re.findall(r"\w+(?:-\w+)*", line.text))


def _join(group: Sequence[Line], vocabulary: frozenset[str]) -> str:
    text = group[0].text
    for line in group[1:]:
        hyphen = _HYPHENATED.search(text)
        start = _WORD_START.match(line.text)
        if hyphen is not None and start is not None:
            head, tail = hyphen.group(1), start.group(1)
            whole = (head + tail).lower()
            keep = tail[:1].isupper() or (
                f"{head}-{tail}".lower() in vocabulary and whole not in vocabulary
            )
            text = text[: hyphen.end() - 1] + ("-" if keep else "") + line.text
        else:
            text = f"{text} {line.text}"
    return text
