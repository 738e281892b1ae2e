"""The web form through Flask's test client: routes, escaping, the Host check and the limits."""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from corpusearch.cli import cli
from corpusearch.corpus import Corpus
from corpusearch.errors import CorpusearchError
from corpusearch.records import Article, Paragraph
from corpusearch.web.app import create_app, make_server
from corpusearch.web.cache import ResultCache
from corpusearch.web.security import safe_snippet

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
EVIL_QUERY = '"><script>alert(1)</script>'


def evil_article(article_id: str = "evil", word: str = "payload") -> Article:
    """An article whose text and metadata try to inject markup."""
    return Article(
        id=article_id,
        path=f"/nowhere/{article_id}.txt",
        title='Quotes " and <b>tags</b> in a title',
        paragraphs=(
            Paragraph(1, "<i>Section</i>", f"A {word} paragraph: {SCRIPT} then more words."),
            Paragraph(2, None, f"Another {word} paragraph with {IMG} inside it."),
            Paragraph(3, None, f'The {word} closes an attribute: "><svg onload=alert(1)>'),
        ),
        authors=("Mallory <b>Bold</b>",),
        date="2020-02-02",
        topics=("<u>Topic</u>",),
        source="Evil & Co",
        url="javascript:alert(1)",
    )


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    index = tmp_path_factory.mktemp("evil-index")
    Corpus(index).add([evil_article()])
    return create_app({"INDEX": str(index), "TESTING": True}).test_client()


@pytest.fixture
def author(client: FlaskClient) -> str:
    """The author with the most paragraphs about Iraq in the seed index."""
    facets = client.get("/api/search?q=iraq").get_json()["facets"]["authors"]
    assert facets, "the seed index should name some authors"
    return str(facets[0]["value"])


def first_article(app: Flask) -> Any:
    return Corpus(app.config["INDEX"]).articles()[0]


# --- the form and its results -------------------------------------------------------------


def test_home_page_is_a_plain_get_form_with_labelled_filters(client: FlaskClient) -> None:
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<form class="search" action="/" method="get"' in html
    for name in ("q", "f-author", "f-topic", "f-source", "f-since", "f-until", "f-sort"):
        assert f'for="{name}"' in html and f'id="{name}"' in html
    for name in Corpus(client.application.config["INDEX"]).choices()["authors"]:
        assert f"<option>{escape(name)}</option>" in html  # choices come from the index
    assert "<script" not in html  # the form needs no JavaScript


def test_search_shows_cards_with_highlighted_snippets_and_links_in_context(
    client: FlaskClient,
) -> None:
    html = client.get("/?q=militias").get_data(as_text=True)
    assert 'class="card"' in html
    assert "<mark>" in html
    assert 'class="meta"' in html
    assert 'href="/article/' in html and "?q=militias#p" in html


def test_misspelled_query_offers_did_you_mean(client: FlaskClient) -> None:
    html = client.get("/?q=hezbolah").get_data(as_text=True)
    assert 'Did you mean <a href="/?q=hezbollah">hezbollah</a>?' in html


def test_author_filter_and_facet_links_narrow_the_results(client: FlaskClient, author: str) -> None:
    every = client.get("/api/search?q=iraq&limit=100").get_json()
    narrowed = client.get("/api/search", query_string={"q": "iraq", "author": author}).get_json()
    assert 0 < narrowed["total"] < every["total"]
    assert all(author in hit["authors"] for hit in narrowed["hits"])
    html = client.get("/?q=iraq").get_data(as_text=True)
    assert f'href="/?{escape(urlencode({"q": "iraq", "author": author}))}"' in html
    chip = client.get("/", query_string={"q": "iraq", "author": author}).get_data(as_text=True)
    assert f'aria-label="Remove filter author: {escape(author)}"' in chip


def test_pagination_moves_through_the_results(client: FlaskClient) -> None:
    first = client.get("/api/search?q=iraq").get_json()
    assert first["total"] > 10
    second = client.get("/api/search?q=iraq&page=2").get_json()
    assert {h["id"] for h in first["hits"]}.isdisjoint(h["id"] for h in second["hits"])
    html = client.get("/?q=iraq").get_data(as_text=True)
    assert 'rel="next" href="/?q=iraq&amp;page=2"' in html
    assert 'aria-current="page">2<' in client.get("/?q=iraq&page=2").get_data(as_text=True)


def test_sort_by_date_puts_newest_first(client: FlaskClient) -> None:
    hits = client.get("/api/search?q=iraq&sort=date&limit=100").get_json()["hits"]
    dates = [hit["date"] for hit in hits if hit["date"]]
    assert dates == sorted(dates, reverse=True)


def test_filters_without_a_query_browse_what_they_allow(client: FlaskClient, author: str) -> None:
    page = client.get("/", query_string={"author": author})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"<option selected>{escape(author)}</option>" in html
    assert "matching paragraphs in the chosen filters" in html
    assert escape(author) in html.split("matching paragraphs")[1]


def test_bad_date_is_a_friendly_400(client: FlaskClient) -> None:
    page = client.get("/?q=iraq&since=yesterday")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'role="alert"' in html and "Traceback" not in html


# --- article view ---------------------------------------------------------------------------


def test_article_view_numbers_paragraphs_and_highlights_the_query(
    app: Flask, client: FlaskClient
) -> None:
    summary = first_article(app)
    html = client.get(f"/article/{summary.id}?q=iraq&author=x").get_data(as_text=True)
    for position in range(1, summary.paragraphs + 1):
        assert f'id="p{position}"' in html
    assert "<mark>" in html
    assert 'href="/?q=iraq&amp;author=x">← Back to results' in html
    plain = client.get(f"/article/{summary.id}").get_data(as_text=True)
    assert "<mark>" not in plain


@pytest.mark.parametrize("article_id", ["nope", "..%2F..%2Fetc%2Fpasswd", "a b", "%00"])
def test_unknown_articles_are_friendly_404s(client: FlaskClient, article_id: str) -> None:
    page = client.get(f"/article/{article_id}")
    assert page.status_code == 404
    assert "Back to search" in page.get_data(as_text=True)


def test_no_url_reaches_the_file_system(client: FlaskClient) -> None:
    for url in ("/static/../web.py", "/static/%2e%2e/web.py", "/../pyproject.toml", "/etc/passwd"):
        assert client.get(url).status_code == 404


# --- JSON API and export ----------------------------------------------------------------------


def test_api_returns_the_library_json(app: Flask, client: FlaskClient, author: str) -> None:
    corpus = Corpus(app.config["INDEX"])
    args = {"q": "mosul", "author": author, "limit": "5"}
    got = client.get("/api/search", query_string=args).get_json()
    assert got["hits"]
    assert got == json.loads(json.dumps(corpus.search("mosul", author=author, limit=5).to_json()))
    assert client.get("/api/articles").get_json() == [a.to_json() for a in corpus.articles()]
    summary = corpus.articles()[0]
    assert client.get(f"/api/article/{summary.id}").get_json() == json.loads(
        json.dumps(corpus.article(summary.id).to_json())
    )
    missing = client.get("/api/article/nope")
    assert missing.status_code == 404 and "error" in missing.get_json()
    assert client.get("/api/search?q=foo:bar").status_code == 400


def test_api_matches_the_cli_json(
    seed_index: Path, client: FlaskClient, runner: CliRunner, author: str
) -> None:
    def cli_json(*args: str) -> Any:
        result = runner.invoke(cli, ["--index", str(seed_index), *args, "--format", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    search = cli_json("search", "mosul", "--author", author, "--sort", "date", "--group")
    args = {"q": "mosul", "author": author, "sort": "date", "group": "1"}
    api = client.get("/api/search", query_string=args).get_json()
    assert api["hits"] and api == search
    articles = cli_json("articles")
    assert client.get("/api/articles").get_json() == articles
    article_id = articles[0]["id"]
    assert client.get(f"/api/article/{article_id}").get_json() == cli_json("show", article_id)


def test_csv_export_has_a_citation_per_hit(client: FlaskClient) -> None:
    response = client.get("/export.csv?q=mosul")
    assert response.mimetype == "text/csv"
    assert 'filename="corpusearch-mosul.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    total = client.get("/api/search?q=mosul").get_json()["total"]
    assert len(rows) == total
    first = rows[0]
    assert first["paragraph"].isdigit() and first["title"] in first["citation"]
    assert f"para. {first['paragraph']}" in first["citation"]


def test_json_export_has_a_citation_per_hit(client: FlaskClient, author: str) -> None:
    args = {"q": "mosul", "author": author}
    data = json.loads(client.get("/export.json", query_string=args).get_data())
    assert data["filters"] == {"author": author}
    assert data["hits"] and all(author in hit["citation"] for hit in data["hits"])


# --- safety -----------------------------------------------------------------------------------


def test_corpus_text_and_metadata_are_escaped(evil_client: FlaskClient) -> None:
    pages = [evil_client.get("/?q=payload").get_data(as_text=True)]
    pages.append(evil_client.get("/article/evil?q=payload").get_data(as_text=True))
    pages.append(evil_client.get("/article/evil").get_data(as_text=True))
    for html in pages:
        assert "<mark>payload</mark>" in html or "payload" in html
        for bad in (SCRIPT, IMG, "<svg onload", "<b>", "<i>", "<u>", 'href="javascript:'):
            assert bad not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Evil &amp; Co" in pages[0]


def test_the_query_is_escaped_everywhere(client: FlaskClient) -> None:
    for url in ("/", "/article/x", "/api/search"):
        html = client.get(url, query_string={"q": EVIL_QUERY}).get_data(as_text=True)
        assert "<script>alert(1)" not in html
    api = client.get("/api/search", query_string={"q": EVIL_QUERY}).get_json()
    assert api["query"] == EVIL_QUERY  # the JSON holds the query as typed, escaped as \u003c
    html = client.get("/", query_string={"q": EVIL_QUERY}).get_data(as_text=True)
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for url in ("/", "/?q=iraq", "/nope", "/api/articles", "/static/style.css"):
        headers = client.get(url).headers
        assert "script-src" not in headers["Content-Security-Policy"]  # falls back to 'none'
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8765", "127.0.0.1:8765", "[::1]:8765", "LOCALHOST"]
)
def test_loopback_host_headers_are_served(client: FlaskClient, host: str) -> None:
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "192.168.1.5", ""]
)
def test_foreign_host_headers_get_400(client: FlaskClient, host: str) -> None:
    page = client.get("/?q=iraq", headers={"Host": host})
    assert page.status_code == 400
    assert "Traceback" not in page.get_data(as_text=True)


def test_the_bound_host_is_allowed(seed_index: Path) -> None:
    app = create_app({"INDEX": str(seed_index), "TESTING": True, "HOST": "192.168.1.5"})
    assert app.test_client().get("/", headers={"Host": "192.168.1.5:8765"}).status_code == 200


def test_long_queries_and_large_requests_get_413(client: FlaskClient) -> None:
    assert client.get("/", query_string={"q": "a" * 512}).status_code == 200
    assert client.get("/", query_string={"q": "a" * 513}).status_code == 413
    assert client.get("/api/search", query_string={"q": "a" * 513}).status_code == 413
    assert client.get("/", query_string={"author": "x" * 5000}).status_code == 413
    assert client.get("/", data=b"x" * 20_000).status_code == 413
    assert client.post("/", data={"q": "iraq"}).status_code == 405


def test_missing_index_is_a_friendly_page(tmp_path: Path) -> None:
    client = create_app({"INDEX": str(tmp_path / "none"), "TESTING": True}).test_client()
    page = client.get("/?q=iraq")
    assert page.status_code == 503
    assert "corpusearch index" in page.get_data(as_text=True)


def test_a_reindexed_corpus_is_picked_up_without_restart(tmp_path: Path) -> None:
    Corpus(tmp_path).add([evil_article("one", "alpha")])
    client = create_app({"INDEX": str(tmp_path), "TESTING": True}).test_client()
    assert client.get("/api/search?q=omega").get_json()["total"] == 0
    assert client.get("/api/search?q=omega").get_json()["total"] == 0  # now cached
    Corpus(tmp_path).add([evil_article("two", "omega")])
    assert client.get("/api/search?q=omega").get_json()["total"] == 3


def test_result_cache_computes_a_key_once_for_concurrent_callers() -> None:
    cache = ResultCache(4)
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> int:
        gate.wait(5)
        calls.append(1)
        return 42

    results: list[int] = []
    workers = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow)))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    gate.set()
    for worker in workers:
        worker.join(5)
    assert results == [42] * 4 and len(calls) == 1
    for key in range(6):
        cache.get_or_compute(key, lambda: 0)
    assert cache.get_or_compute("k", lambda: 7) == 7  # evicted: least recently used first


def test_safe_snippet_keeps_only_mark_tags() -> None:
    assert safe_snippet('<mark>a</mark> "b" &lt;i&gt;') == "<mark>a</mark> &quot;b&quot; &lt;i&gt;"
    assert (
        safe_snippet("<script>x</script><mark>y") == "&lt;script&gt;x&lt;/script&gt;<mark>y</mark>"
    )
    assert safe_snippet("</mark><img src=x>") == "&lt;img src=x&gt;"


def test_server_refuses_a_port_in_use_with_one_line(app: Flask) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CorpusearchError, match=f"Cannot listen on 127.0.0.1:{port}"):
            make_server(app, "127.0.0.1", port)


def test_server_keeps_its_own_limits_not_waitress_defaults(app: Flask) -> None:
    server = make_server(app, "127.0.0.1", 0)
    try:
        assert server.adj.host == "127.0.0.1"
        assert server.adj.max_request_body_size == app.config["MAX_CONTENT_LENGTH"]
        assert server.adj.max_request_header_size <= 64 * 1024
        assert server.adj.expose_tracebacks is False
    finally:
        server.close()


# --- the analyst's workflow: timeline, citations, similar, context, saved, batch, facets -------

TOKEN = "test-token"


@pytest.fixture
def writable(seed_index: Path, tmp_path: Path) -> FlaskClient:
    """A client over a writable copy of the seed index, with a known form token."""
    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy)
    return create_app({"INDEX": str(copy), "TESTING": True, "FORM_TOKEN": TOKEN}).test_client()


def test_results_show_a_timeline_whose_bars_narrow_the_dates(client: FlaskClient) -> None:
    html = client.get("/?q=iraq").get_data(as_text=True)
    svg = html[html.index('<svg class="timeline"') : html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    links = [a.get("href") or "" for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert links and all("since=" in link and "until=" in link for link in links)
    narrowed = client.get(links[0])
    assert narrowed.status_code == 200 and "matching paragraph" in narrowed.get_data(as_text=True)
    assert "<script" not in html
    timeline = client.get("/api/timeline?q=iraq").get_json()
    assert timeline["unit"] in ("month", "year") and timeline["bins"]
    articles = client.get("/api/search?q=iraq&group=1").get_json()["total"]
    assert sum(b["count"] for b in timeline["bins"]) + timeline["undated"] == articles


def test_the_query_syntax_help_is_collapsed_and_the_article_keeps_the_search_box(
    app: Flask, client: FlaskClient
) -> None:
    assert '<details class="help" id="syntax-help">' in client.get("/").get_data(as_text=True)
    summary = first_article(app)
    html = client.get(f"/article/{summary.id}?q=iraq").get_data(as_text=True)
    assert 'id="q" name="q" value="iraq"' in html and "Back to results" in html


def test_every_export_format_parses_back(client: FlaskClient) -> None:
    import bibtexparser
    import rispy

    total = client.get("/api/search?q=mosul").get_json()["total"]
    ris = client.get("/export.ris?q=mosul")
    assert 'filename="corpusearch-mosul.ris"' in ris.headers["Content-Disposition"]
    assert len(rispy.loads(ris.get_data(as_text=True))) == total
    bib = bibtexparser.parse_string(client.get("/export.bib?q=mosul").get_data(as_text=True))
    assert len(bib.entries) == total and not bib.failed_blocks
    csl = json.loads(client.get("/export.csl.json?q=mosul").get_data())
    assert len(csl) == total and all(item["type"] == "webpage" for item in csl)
    html = client.get("/?q=mosul").get_data(as_text=True)
    for extension in ("ris", "bib", "csl.json"):
        assert f'href="/export.{extension}?q=mosul"' in html


def test_each_hit_has_a_citation_without_javascript(client: FlaskClient) -> None:
    hit = client.get("/api/search?q=mosul").get_json()["hits"][0]
    html = client.get("/?q=mosul").get_data(as_text=True)
    assert '<details class="cite">' in html and f'id="cite-{hit["id"]}" readonly' in html
    assert f"para. {hit['position']}" in html
    page = client.get(f"/cite/{hit['id']}?q=mosul").get_data(as_text=True)
    assert "TY  - ELEC" in page and "@online{" in page and escape('"type": "webpage"') in page
    ris = client.get(f"/cite/{hit['id']}?format=ris")
    assert ris.headers["Content-Disposition"] == f'attachment; filename="{hit["id"]}.ris"'
    assert client.get("/cite/nope-1").status_code == 404
    assert client.get("/cite/a%20b").status_code == 404


def test_similar_paragraphs_and_context_pages(app: Flask, client: FlaskClient) -> None:
    corpus = Corpus(app.config["INDEX"])
    hit = corpus.search("Muqtada al-Sadr", limit=1).hits[0]
    api = client.get(f"/api/similar/{hit.id}?limit=3").get_json()
    assert api == json.loads(json.dumps(corpus.similar(hit.id, limit=3).to_json()))
    page = client.get(f"/similar/{hit.id}?q=Sadr").get_data(as_text=True)
    assert 'class="card"' in page and escape(hit.text) in page
    window = client.get(f"/api/context/{hit.id}?n=1").get_json()
    assert [p["position"] for p in window["paragraphs"]] == [
        hit.position - 1,
        hit.position,
        hit.position + 1,
    ]
    assert client.get(f"/api/context/{hit.article}-999").status_code == 404
    assert client.get("/api/similar/nope-1").status_code == 404


def test_saving_a_search_needs_the_form_token(writable: FlaskClient) -> None:
    form = {"name": "militias", "q": "militias", "since": "2000"}
    assert writable.post("/saved", data=form).status_code == 403
    assert writable.post("/saved", data={**form, "token": "guess"}).status_code == 403
    cross = writable.post(
        "/saved", data={**form, "token": TOKEN}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    assert "militias" not in writable.get("/saved").get_data(as_text=True)


def test_save_list_open_mark_and_remove_a_search(writable: FlaskClient) -> None:
    results = writable.get("/?q=militias").get_data(as_text=True)
    assert f'name="token" value="{TOKEN}"' in results and 'action="/saved"' in results
    saved = writable.post(
        "/saved", data={"name": "militias", "q": "militias", "since": "2000", "token": TOKEN}
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/saved")
    listing = writable.get("/saved").get_data(as_text=True)
    total = writable.get("/api/search?q=militias&since=2000").get_json()["total"]
    assert 'href="/saved/militias"' in listing and f"<strong>{total}</strong>" in listing
    page = writable.get("/saved/militias").get_data(as_text=True)
    assert f"militias: {total} new of {total}" in page and page.count('class="card"') == total
    seen = writable.post("/saved/militias/seen", data={"token": TOKEN})
    assert seen.status_code == 303
    assert "militias: 0 new of" in writable.get("/saved/militias").get_data(as_text=True)
    assert writable.post("/saved/militias/remove", data={"token": TOKEN}).status_code == 303
    assert writable.get("/saved/militias").status_code == 404
    bad = writable.post("/saved", data={"name": "x", "q": "foo:bar", "token": TOKEN})
    assert bad.status_code == 400 and "Traceback" not in bad.get_data(as_text=True)


def test_batch_form_counts_each_query_and_downloads_the_rows(writable: FlaskClient) -> None:
    assert 'name="queries"' in writable.get("/batch").get_data(as_text=True)
    queries = "Sadr\nfoo:bar\nMaliki\nzzzqqq\n"
    assert writable.post("/batch", data={"queries": queries}).status_code == 403
    page = writable.post("/batch", data={"queries": queries, "token": TOKEN})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "4 queries" in html
    assert html.count('class="failed"') == 1 and "unknown field" in html
    sadr = writable.get("/api/search?q=Sadr").get_json()["total"]
    assert f'<td class="num">{sadr}</td>' in html
    download = writable.post(
        "/batch", data={"queries": queries, "token": TOKEN, "download": "csv", "source": "France"}
    )
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert {row["query"] for row in rows} == {"Sadr", "foo:bar", "Maliki", "zzzqqq"}
    assert all(row["source"] == "France 24" for row in rows if row["rank"])
    too_many = writable.post("/batch", data={"queries": "x\n" * 501, "token": TOKEN})
    assert too_many.status_code == 400 and "at most 500" in too_many.get_data(as_text=True)


@pytest.fixture(scope="module")
def many_sources(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    index = tmp_path_factory.mktemp("many-sources")
    Corpus(index).add(
        Article(
            id=f"src{number:02d}",
            path=f"/nowhere/src{number}.txt",
            title=f"Report {number}",
            paragraphs=(Paragraph(1, None, f"Militias report number {number}."),),
            source=f"Publisher {number:02d}",
            date=f"2019-{number % 12 + 1:02d}-01",
        )
        for number in range(25)
    )
    return create_app({"INDEX": str(index), "TESTING": True}).test_client()


def test_a_long_facet_folds_beyond_ten_and_can_be_searched(many_sources: FlaskClient) -> None:
    html = many_sources.get("/?q=militias").get_data(as_text=True)
    sources = html[html.index('id="facet-source"') :]
    sources = sources[: sources.index("</section>")]
    assert sources.count("<li>") == 25
    assert "<summary>15 more</summary>" in sources
    assert 'list="list-source"' in sources and sources.count("<option value=") == 25
    assert '<input type="hidden" name="q" value="militias">' in sources
    narrowed = many_sources.get("/?q=militias&source=Publisher+07").get_data(as_text=True)
    assert "1 matching paragraph" in narrowed


def test_several_values_of_a_facet_are_ored_and_facets_are_anded(client: FlaskClient) -> None:
    authors = [f["value"] for f in client.get("/api/search?q=iraq").get_json()["facets"]["authors"]]
    # the INSS article's two authors come first (one article each, by name); Jacinto wrote the other
    first, second = authors[0], authors[-1]
    one = client.get("/api/search", query_string={"q": "iraq", "author": first}).get_json()
    both_args = [("q", "iraq"), ("author", first), ("author", second), ("limit", "100")]
    both = client.get("/api/search?" + urlencode(both_args)).get_json()
    assert both["total"] > one["total"]
    assert all(first in hit["authors"] or second in hit["authors"] for hit in both["hits"])
    source = both["hits"][0]["source"]
    narrowed = client.get("/api/search?" + urlencode([*both_args, ("source", source)])).get_json()
    assert 0 < narrowed["total"] <= both["total"]
    assert all(hit["source"] == source for hit in narrowed["hits"])

    html = client.get("/", query_string={"q": "iraq", "author": first}).get_data(as_text=True)
    added = escape(urlencode([("q", "iraq"), ("author", first), ("author", second)]))
    assert f'href="/?{added}"' in html  # another author is added, not swapped in
    removed = escape(urlencode([("q", "iraq")]))
    assert f'<a class="on" href="/?{removed}" aria-current="true"' in html
    page = client.get("/?" + urlencode(both_args[:3])).get_data(as_text=True)
    assert f'aria-label="Remove filter author: {escape(second)}"' in page
    assert 'multiple size="4"' in page  # the form keeps both values when sent again


def test_search_params_read_repeated_values_and_build_the_query() -> None:
    from werkzeug.datastructures import MultiDict

    from corpusearch.web.params import SearchParams

    params = SearchParams.from_args(
        MultiDict(
            [("q", "iraq"), ("source", 'A "x"'), ("source", "B"), ("source", "B"), ("topic", "T")]
        )
    )
    assert params.source == ('A "x"', "B") and params.topic == ("T",)
    query, kwargs = params.search_args()
    assert query == '(iraq) AND (source:"A  x " OR source:"B")'
    assert kwargs["source"] is None and kwargs["topic"] == "T"
    assert params.to_args()["source"] == ['A "x"', "B"]
    assert params.filters() == {"topic": "T", "source": ['A "x"', "B"]}
    assert params.toggled("source", "B").source == ('A "x"',)
    assert params.toggled("source", "C").source == ('A "x"', "B", "C")
    assert params.without("source").source == ()
    assert SearchParams.from_args({"author": "One"}).author == ("One",)


def test_text_in_any_direction_displays_right(client: FlaskClient) -> None:
    """Arabic or Hebrew titles, snippets and paragraphs set their own direction (dir="auto")."""
    page = client.get("/", query_string={"q": "Sadr"}).get_data(as_text=True)
    assert '<p class="snippet" dir="auto"' in page and '<h2 dir="auto">' in page
