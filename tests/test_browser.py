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


def badr_articles() -> list[Article]:
    """Dated reports on one subject over 30 months, more of them some months than others."""
    found = []
    for month in range(30):
        year, number = 2018 + month // 12, month % 12 + 1
        for copy in range(1 + (month * 7) % 5):
            found.append(
                Article(
                    id=f"badr{month:02d}{copy}",
                    path=f"/nowhere/badr{month}-{copy}.txt",
                    title=f"Badr Organization report {year}-{number:02d} ({copy + 1})",
                    paragraphs=(Paragraph(1, None, f"The Badr Organization said in {year}."),),
                    source=f"Wire {month:02d}",
                    date=f"{year}-{number:02d}-{copy + 1:02d}",
                )
            )
    return found


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    index = tmp_path_factory.mktemp("browser-index")
    corpus = Corpus(index)
    corpus.index([SEEDS])
    corpus.add([hostile_article(), *badr_articles()])
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


SCREENSHOTS = Path("/tmp")


def test_timeline_bars_narrow_the_dates(page: Page, base_url: str) -> None:
    p = page
    p.goto(f"{base_url}?q=Badr+Organization")
    chart = p.locator("svg.timeline")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 40
    bars = chart.locator("a")
    assert bars.count() >= 30  # a link per month with reports, 2018-01 to 2020-06
    assert p.locator("svg.timeline rect.bar").first.evaluate(
        "bar => getComputedStyle(bar).fill"
    ) not in ("", "none", "rgb(0, 0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    figure = p.locator("figure.timeline-box")
    figure.screenshot(path=str(SCREENSHOTS / "corpusearch-timeline.png"))
    figure.screenshot(path=str(ARTIFACTS / "timeline.png"))
    p.screenshot(path=str(SCREENSHOTS / "corpusearch-results-timeline.png"), full_page=True)
    href = bars.last.get_attribute("href") or ""
    period = re.search(r"since=([\d-]+)", href)
    assert period is not None
    bars.last.click()
    p.wait_for_url(re.compile(rf"since={period.group(1)}&until={period.group(1)}"))
    dates = p.locator("li.card time").all_inner_texts()
    assert dates and all(date.startswith(period.group(1)) for date in dates)
    assert_no_script_ran(p)


def test_keyboard_order_is_one_stop_per_hit_and_its_cite_disclosure(
    page: Page, base_url: str
) -> None:
    p = page
    p.goto(f"{base_url}?q=militias")
    titles = p.locator("li.card h2 a")
    titles.first.focus()
    p.keyboard.press("Tab")
    focused = p.evaluate("document.activeElement.outerHTML")
    assert focused.startswith("<summary>Cite or find similar")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.closest('h2') !== null")
    assert p.evaluate("document.activeElement.href") == titles.nth(1).evaluate("a => a.href")
    p.keyboard.press("Shift+Tab")
    p.keyboard.press("Enter")  # opens the disclosure
    citation = p.locator("li.card").first.locator("details.cite textarea")
    assert citation.is_visible() and "para." in citation.input_value()
    p.locator("li.card").first.get_by_role("link", name="Similar paragraphs").click()
    p.wait_for_url(re.compile(r"/similar/"))
    assert p.locator("blockquote.quoted").is_visible() and p.locator("li.card").count() > 0
    assert_no_script_ran(p)


def test_save_a_search_and_batch_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    p = context.new_page()
    p.goto(f"{base_url}?q=Kataib+Hezbollah")
    p.get_by_label("Save this search as").fill("kh watch")
    p.get_by_role("button", name="Save").click()
    p.wait_for_url(re.compile(r"/saved$"))
    row = p.locator("tr", has_text="kh watch")
    assert row.count() == 1
    new = int(row.locator("td.num").first.inner_text())
    assert new > 0
    row.get_by_role("button", name="Mark all as seen").click()
    p.wait_for_url(re.compile(r"/saved$"))
    assert p.locator("tr", has_text="kh watch").locator("td.num").first.inner_text() == "0"
    p.screenshot(path=str(SCREENSHOTS / "corpusearch-saved.png"), full_page=True)

    p.goto(f"{base_url}batch")
    p.get_by_label("Queries, one per line").fill("Sadr\nfoo:bar\nMaliki")
    p.get_by_role("button", name="Run").click()
    assert p.locator("table.table tbody tr").count() == 3
    assert p.locator("tr.failed").count() == 1
    p.screenshot(path=str(SCREENSHOTS / "corpusearch-batch.png"), full_page=True)
    with p.expect_download() as download:
        p.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename == "corpusearch-batch.csv"
    context.close()


def test_facets_come_before_results_on_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    p = context.new_page()
    p.goto(f"{base_url}?q=iraq")
    facets = p.locator("aside.facets").bounding_box()
    first = p.locator("li.card").first.bounding_box()
    assert facets is not None and first is not None and facets["y"] < first["y"]
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_long_facet_folds_and_its_find_box_narrows(page: Page, base_url: str) -> None:
    p = page
    p.goto(f"{base_url}?q=Badr+Organization")
    sources = p.get_by_role("complementary").locator("section", has_text="Sources")
    assert sources.locator("details.more").is_visible()
    assert not sources.locator("details.more li").first.is_visible()  # folded
    sources.locator("details.more summary").click()
    assert sources.locator("details.more li").first.is_visible()
    box = sources.get_by_label(re.compile("Find in Sources"))
    box.fill("Wire 07")
    sources.screenshot(path=str(SCREENSHOTS / "corpusearch-facet-find.png"))
    box.press("Enter")
    p.wait_for_url(re.compile(r"source=Wire\+07"))
    metas = p.locator("li.card .meta").all_inner_texts()
    assert metas and all("Wire 07" in meta for meta in metas)
    sources = p.get_by_role("complementary").locator("section", has_text="Sources")
    assert sources.locator("a.on").inner_text().startswith("Wire 07")  # chosen: a click removes it
    other = sources.locator("> ul a:not(.on)").first
    second = other.inner_text().rsplit(maxsplit=1)[0]
    other.click()  # a second value of the same facet: either source
    p.wait_for_url(re.compile(rf"source=Wire\+07&source={second.replace(' ', '[+]')}"))
    shown = set(p.locator("li.card .meta span").all_inner_texts())  # no authors: the sources
    assert shown == {"Wire 07", second}
    p.screenshot(path=str(SCREENSHOTS / "corpusearch-two-sources.png"), full_page=True)
    assert_no_script_ran(p)
