"""PDF reports through the PDF reader: real PDFs drawn by reportlab in the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpusearch.extract.formats import InputRecord, RecordProblem, records_of

pytest.importorskip("pypdf")
canvas = pytest.importorskip("reportlab.pdfgen.canvas")
from reportlab.lib.pagesizes import A4  # noqa: E402

WIDTH, HEIGHT = A4
LEFT = 72
LEADING = 14  # between the lines of a paragraph
PARAGRAPH_SKIP = 10  # added between paragraphs
HEADER = "INSS Insight No. 949 - Iraq after Mosul"


def _report(path: Path, *, metadata: bool = True) -> Path:
    """Two pages: a running header, page numbers, a title block, a line-end hyphen, a footnote
    marker after a word, a paragraph cut by the page break, and the footnote's text."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if metadata:
        pdf.setTitle("Iraq on the Day after the Liberation of Mosul")
        pdf.setAuthor("Eldad Shavit; Joshua Schwartz")
    pages = [
        [
            [
                "The liberation of Mosul ends a chapter, and the recon-",
                "struction of the city will test the government in Baghdad",
                "and its allies for years to come.",
            ],
            [
                "The major disagreements between Nuri al-Maliki and Muqtada al-",
                "Sadr may spark tensions before the elections",
                "planned for next spring.",
            ],
            [
                "The Kataib Hezbollah brigades, supported by Iran, keep fighting in Syria",
                "and their return will raise the question of the future of the militias",
            ],
        ],
        [
            [
                "within the Shiite camp, and the militias will weigh on the outcome",
                "of every vote in the provinces.",
            ],
            ["Washington will watch the long-term presence of its forces closely."],
        ],
    ]
    for number, paragraphs in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(LEFT, HEIGHT - 40, HEADER)
        pdf.drawString(WIDTH / 2, 30, str(number))
        y = HEIGHT - 90
        if number == 1:
            pdf.setFont("Helvetica-Bold", 18)
            pdf.drawString(LEFT, y, "Iraq on the Day after the Liberation of Mosul")
            pdf.setFont("Helvetica", 11)
            pdf.drawString(LEFT, y - 28, "Eldad Shavit and Joshua Schwartz")
            pdf.drawString(LEFT, y - 44, "July 6, 2017")
            y -= 74
        for index, lines in enumerate(paragraphs):
            for row, text in enumerate(lines):
                pdf.setFont("Times-Roman", 11)
                pdf.drawString(LEFT, y, text)
                if (number, index, row) == (1, 1, 1):  # a footnote marker after "elections"
                    pdf.setFont("Times-Roman", 7)
                    pdf.drawString(LEFT + pdf.stringWidth(text, "Times-Roman", 11) + 1, y + 4, "1")
                y -= LEADING
            y -= PARAGRAPH_SKIP
        if number == 1:
            pdf.setFont("Times-Roman", 8)
            pdf.drawString(LEFT, 60, "1 See the report of the electoral commission, 2017.")
        pdf.showPage()
    pdf.save()
    return path


def _record(path: Path) -> InputRecord:
    (item,) = list(records_of(path))
    assert isinstance(item, InputRecord), item
    return item


def test_paragraphs_are_rebuilt_with_their_page_numbers(tmp_path: Path) -> None:
    record = _record(_report(tmp_path / "report.pdf"))
    assert record.kind == "body"
    assert record.pages == (
        (
            1,
            "The liberation of Mosul ends a chapter, and the reconstruction of the city will "
            "test the government in Baghdad and its allies for years to come.",
        ),
        (
            1,
            "The major disagreements between Nuri al-Maliki and Muqtada al-Sadr may spark "
            "tensions before the elections planned for next spring.",
        ),
        (
            1,
            "The Kataib Hezbollah brigades, supported by Iran, keep fighting in Syria and their "
            "return will raise the question of the future of the militias within the Shiite "
            "camp, and the militias will weigh on the outcome of every vote in the provinces.",
        ),
        (1, "1 See the report of the electoral commission, 2017."),
        (2, "Washington will watch the long-term presence of its forces closely."),
    )
    assert record.text == "\n\n".join(text for _, text in record.pages)
    assert HEADER not in record.text


def test_title_authors_and_date(tmp_path: Path) -> None:
    record = _record(_report(tmp_path / "report.pdf"))
    assert record.title == "Iraq on the Day after the Liberation of Mosul"
    assert record.authors == ("Eldad Shavit", "Joshua Schwartz")
    assert record.date == "2017-07-06"  # printed on the first page, over the file's creation date
    assert record.key == "document"


def test_without_document_metadata_the_first_page_says(tmp_path: Path) -> None:
    record = _record(_report(tmp_path / "bare.pdf", metadata=False))
    assert record.title == "Iraq on the Day after the Liberation of Mosul"
    assert record.authors == ("Eldad Shavit", "Joshua Schwartz")
    assert not record.pages[0][1].startswith("Iraq on the Day")  # the title block is not body


def test_a_scan_with_no_text_layer_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.rect(LEFT, LEFT, 200, 300, fill=1)  # where a scanned image would be
        pdf.showPage()
    pdf.save()
    (item,) = list(records_of(path))
    assert isinstance(item, RecordProblem)
    assert "no text layer on its 2 pages" in item.reason


def test_a_file_that_is_no_pdf_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("not a pdf", encoding="utf-8")
    (item,) = list(records_of(path))
    assert isinstance(item, RecordProblem)
    assert item.reason.startswith("not a readable PDF")
