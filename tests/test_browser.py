"""End to end in headless Chromium: search, narrow by a facet, open a hit in context, no XSS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from corpusearch.corpus import Corpus
from corpusearch.records import Article, Paragraph
from corpusearch.web.app import background_server, create_app
from seedpaths import SEEDS

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]

# Each payload would set window.pwned or open a dialog if the page let it run.
PAYLOADS = (
    "<script>window.pwned = 1; alert(1)</script>",
    '<img src=x onerror="window.pwned = 2; alert(1)">',
    '"><svg onload="window.pwned = 3">',
)


def hostile_article() -> Article:
    return Article(
        id="hostile",
        path="/nowhere/hostile.txt",
        title="Militias of Mosul <script>window.pwned = 4</script>",
        paragraphs=tuple(
            Paragraph(i, None, f"Mosul militias paragraph {i}: {payload} end.")
            for i, payload in enumerate(PAYLOADS, 1)
        ),
        authors=("Mallory Hostile",),
        date="2021-01-01",
        source="Hostile",
        url="javascript:window.pwned=5",
    )


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    index = tmp_path_factory.mktemp("browser-index")
    corpus = Corpus(index)
    corpus.index([SEEDS])
    corpus.add([hostile_article()])
    with background_server(create_app({"INDEX": str(index)})) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


DIALOGS: list[str] = []


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    DIALOGS.clear()

    def on_dialog(dialog: Dialog) -> None:
        DIALOGS.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


def assert_no_script_ran(page: Page) -> None:
    assert page.evaluate("window.pwned") is None
    assert DIALOGS == []


def test_search_narrow_by_facet_and_open_a_hit_in_context(page: Page, base_url: str) -> None:
    p = page
    p.goto(base_url)
    box = p.get_by_label("Search paragraphs")
    box.fill("Mosul militias")
    box.press("Enter")
    p.wait_for_url(re.compile(r"\?q=Mosul\+militias"))
    cards = p.locator("li.card")
    assert cards.count() > 0
    marks = p.locator(".snippet mark")
    assert marks.first.is_visible()
    assert marks.first.inner_text().lower() in ("mosul", "militias", "militia")
    hostile = p.locator("li.card", has_text="Mallory Hostile")
    assert "<script>" in hostile.first.inner_text() or "<img" in hostile.first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)
    assert_no_script_ran(p)

    authors = p.get_by_role("complementary").locator("section", has_text="Authors")
    facet = authors.get_by_role("link").first
    author = facet.inner_text().rsplit(maxsplit=1)[0]  # "Name 12": the name, then the count
    facet.click()
    p.wait_for_url(re.compile(r"author="))
    metas = p.locator("li.card .meta").all_inner_texts()
    assert metas and all(author in meta for meta in metas)
    narrowed_url = p.url

    link = p.locator("li.card h2 a").first
    anchor = (link.get_attribute("href") or "").rsplit("#", 1)[1]
    link.click()
    p.wait_for_url(re.compile(rf"/article/\w+\?.*#{anchor}$"))
    target = p.locator(f"#{anchor}")
    assert p.evaluate("document.querySelector(':target').id") == anchor
    assert target.is_visible()
    box_in_view = target.bounding_box()
    assert box_in_view is not None and 0 <= box_in_view["y"] < 900  # scrolled to the paragraph
    assert p.locator(".reader mark").count() > 0

    p.get_by_role("link", name=re.compile("Back to results")).click()
    p.wait_for_url(narrowed_url)
    assert_no_script_ran(p)


def test_hostile_article_shows_its_markup_as_text(page: Page, base_url: str) -> None:
    p = page
    p.goto(f"{base_url}article/hostile?q=mosul")
    text = p.locator("article.reader").inner_text()
    for payload in PAYLOADS:
        assert payload in text
    assert p.locator("article.reader img, article.reader svg, article.reader script").count() == 0
    assert p.locator('a[href^="javascript:"]').count() == 0
    p.goto(f"{base_url}?q=%22%3E%3Cscript%3Ewindow.pwned%3D6%3C%2Fscript%3E")
    assert_no_script_ran(p)


def test_works_without_javascript_and_on_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.goto(base_url)
    page.get_by_label("Search paragraphs").fill("iraq")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"\?q=iraq"))
    assert page.locator("li.card").count() == 10
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator('nav.pages [aria-current="page"]').inner_text() == "2"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
    page.screenshot(path=str(ARTIFACTS / "results-phone.png"), full_page=True)
    context.close()
