"""Language detection on real pages, and per-language analysis in a real Whoosh index on disk."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from corpusearch.engine.analysis import text_analyzer
from corpusearch.engine.languages import (
    LanguageFilter,
    language_analyzer,
    language_fields,
    language_filter,
    languages_present,
    query_fields,
    stored_text,
    text_field,
)
from corpusearch.extract.language import detect_language, language_name
from corpusearch.extract.pipeline import load_article
from corpusearch.stored import analysis_filter

FRENCH = (
    "Le gouvernement irakien a annoncé jeudi que l'offensive pour reprendre Mossoul au groupe "
    "État islamique était entrée dans sa phase finale. La libération de la ville ouvrira une "
    "période difficile pour les milices chiites, dont celles de Moqtada al-Sadr."
)
ARABIC = (
    "أعلنت الحكومة العراقية يوم الخميس أن الهجوم لاستعادة الموصل من تنظيم الدولة الإسلامية قد "
    "دخل مرحلته الأخيرة. وقال مقتدى الصدر إن تحرير المدينة سيفتح مرحلة صعبة للفصائل المسلحة."
)
ENGLISH = (
    "The Iraqi government announced on Thursday that the offensive to retake Mosul from the "
    "Islamic State group had entered its final phase. The liberation of the city will open a "
    "difficult period for the Shiite militias, among them those of Muqtada al-Sadr."
)


def _page(path: Path, title: str, body: str, *, lang: str = "", rtl: bool = False) -> Path:
    direction = ' dir="rtl"' if rtl else ""
    paragraphs = "".join(
        f"<p>{sentence.strip()}.</p>" for sentence in body.split(".") if sentence.strip()
    )
    path.write_text(
        f"<html{' lang=' + repr(lang) if lang else ''}{direction}><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}"
        "</article></body></html>",
        encoding="utf-8",
    )
    return path


def test_french_and_arabic_pages_are_detected(tmp_path: Path) -> None:
    pytest.importorskip("py3langid")
    # no lang attribute: the body's text decides
    french = load_article(_page(tmp_path / "fr.html", "Mossoul, le jour d'après", FRENCH))
    arabic = load_article(_page(tmp_path / "ar.html", "الموصل بعد التحرير", ARABIC, rtl=True))
    assert detect_language(french.body_text()) == "fr"
    assert detect_language(arabic.body_text()) == "ar"
    assert detect_language(ENGLISH) == "en"
    assert language_name("fr") == "French"


def test_text_too_short_or_unclear_is_no_language() -> None:
    pytest.importorskip("py3langid")
    assert detect_language("") is None
    assert detect_language("Mosul 2017") is None
    assert detect_language("Kataib Hezbollah and Asaib Ahl al-Haq fighters in Syria.") is None


def test_each_language_has_its_field() -> None:
    assert text_field(None) == "text"
    assert text_field("en") == "text"
    assert text_field("fr") == "text_fr"
    assert text_field("ar") == "text_ar"
    assert text_field("he") == "text_other"
    assert query_fields(["en", "fr", "he", "fa", None]) == ["text", "text_fr", "text_other"]


def _terms(code: str, text: str) -> list[str]:
    return [token.text for token in language_analyzer(code)(text)]


def test_french_is_stemmed_and_stopped_in_french() -> None:
    assert _terms("fr", "La libération des villes") == ["liber", "vill"]
    assert _terms("fr", "liberation ville") == ["liber", "vill"]  # typed without accents
    assert _terms("fr", "Moqtada al-Sadr") == ["moqtad", "al", "sadr"]


def test_arabic_is_stemmed_and_its_marks_fold() -> None:
    assert _terms("ar", "العراقية") == _terms("ar", "العراق")
    assert _terms("ar", "مُقتدى") == _terms("ar", "مقتدى")  # a short vowel written or not
    assert _terms("ar", "في") == []  # a stop word


def test_filters_pickle_by_registered_name() -> None:
    function, arguments = LanguageFilter("fr").__reduce__()
    assert function is analysis_filter
    assert arguments == ("lang:fr",)
    assert language_filter("fr") == LanguageFilter("fr") != LanguageFilter("de")
    with pytest.raises(ValueError):
        LanguageFilter("xx")
    assert pickle.dumps(language_analyzer("fr"))  # the schema can be written to disk


def _schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        text=TEXT(analyzer=text_analyzer(), stored=True),
        **language_fields(),
    )


@pytest.fixture
def searcher(tmp_path: Path) -> Any:
    directory = tmp_path / "index"
    directory.mkdir()
    ix = index.create_in(str(directory), _schema())
    with ix.writer() as writer:
        for language, text in (("en", ENGLISH), ("fr", FRENCH), ("ar", ARABIC)):
            writer.add_document(id=language, language=language, **{text_field(language): text})
    # opened as a later process would (the schema given: see the report on corpusearch.stored)
    reopened = index.open_dir(str(directory), schema=_schema())
    with reopened.searcher() as opened:
        yield opened


def _search(searcher: Any, query: str) -> list[str]:
    present = languages_present(searcher.reader())
    parser = MultifieldParser(query_fields(present), searcher.schema, group=OrGroup)
    return sorted(hit["id"] for hit in searcher.search(parser.parse(query)))


def test_a_query_is_analysed_for_each_language_present(searcher: Any) -> None:
    assert _search(searcher, "villes") == ["fr"]  # French plural to French stem
    assert _search(searcher, "city") == ["en"]
    assert _search(searcher, "militia") == ["en"]  # English stem of "militias"
    assert _search(searcher, "milice") == ["fr"]  # French stem of "milices"
    assert _search(searcher, "العراق") == ["ar"]  # meets "العراقية"


def test_names_meet_across_languages(searcher: Any) -> None:
    assert _search(searcher, "Sadr") == ["en", "fr"]
    assert _search(searcher, "الصدر") == ["ar"]


def test_the_stored_text_is_read_from_its_language_field(searcher: Any) -> None:
    texts = {fields["id"]: stored_text(fields) for fields in searcher.all_stored_fields()}
    assert texts == {"en": ENGLISH, "fr": FRENCH, "ar": ARABIC}
    assert sorted(languages_present(searcher.reader())) == ["ar", "en", "fr"]
