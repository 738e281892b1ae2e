"""The local web form: search with filters and facets, article view, JSON API and export."""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import sys
import threading
import webbrowser
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from math import ceil
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from corpusearch.citations import render as render_citations
from corpusearch.corpus import Corpus
from corpusearch.engine.query import MAX_QUERY_CHARS
from corpusearch.errors import (
    ArticleNotFoundError,
    CorpusearchError,
    IndexNotFoundError,
    QueryError,
)
from corpusearch.web.cache import ResultCache, index_version
from corpusearch.web.export import EXPORTS, MEDIA_TYPES, citation, export_name
from corpusearch.web.overview import FACET_TOP, Overview, overview_of
from corpusearch.web.params import FACET_FILTERS, FACET_LABELS, SearchParams
from corpusearch.web.security import (
    allowed_hosts,
    form_allowed,
    host_name,
    http_url,
    is_loopback,
    safe_snippet,
)

PAGE_SIZE = 10
MAX_API_LIMIT = 100
ARTICLE_ID = re.compile(r"[\w.\-]{1,200}")
CONTEXT_DEFAULT = 2  # paragraphs either side in /api/context
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
DEFAULTS: dict[str, Any] = {
    "HOST": "127.0.0.1",  # the address the server is bound to (allowed in the Host header)
    "EXTRA_HOSTS": (),  # more Host header names to accept
    "MAX_QUERY_LENGTH": MAX_QUERY_CHARS,  # characters of q, as the engine allows; longer get 413
    "MAX_QUERY_STRING": 4096,  # bytes of the whole query string; longer get 413
    "MAX_CONTENT_LENGTH": 16 * 1024,  # request bodies (the form never sends one)
    "EXPORT_LIMIT": 1000,  # hits in a CSV/JSON download
    "CACHE_SIZE": 1024,  # cached search results (keyed by index version)
    "SEARCHES_AT_ONCE": 2,  # concurrent index searches; more only contend for the GIL
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    "BATCH_MAX_QUERIES": 500,  # queries in one batch from the form (the body limit caps it too)
    "BATCH_HITS": 10,  # hits per query in a batch download
    # FORM_TOKEN: the secret the form posts carry; a fresh random one per app unless set.
}
log = logging.getLogger(__name__)


@dataclass
class _State:
    """Per-app state: the corpus and the caches in front of it."""

    index: Path
    corpus: Corpus
    cache: ResultCache
    gate: threading.BoundedSemaphore
    token: str
    meta: dict[str, tuple[object, Any]] = field(default_factory=dict)

    @property
    def saved(self) -> Any:
        from corpusearch.saved import SavedSearches

        return SavedSearches(self.corpus)

    def version(self) -> tuple[object, ...]:
        if "version" not in g:
            g.version = index_version(self.index)
        return g.version  # type: ignore[no-any-return]

    def search(self, params: SearchParams, limit: int = PAGE_SIZE) -> Any:
        """``Corpus.search`` through the result cache."""
        key = (self.version(), params.key(), limit)
        return self.cache.get_or_compute(key, lambda: self._search(params, limit))

    def _search(self, params: SearchParams, limit: int) -> Any:
        # Searching is CPU-bound Python: with a few at a time, cached pages and articles are
        # still served at once while the rest of the searches wait their turn.
        with self.gate:
            query, _ = params.search_args()
            return self.corpus.search(
                query, **params.search_kwargs(), limit=limit, page=params.page
            )

    def overview(self, params: SearchParams) -> Overview:
        """Every facet value and the timeline of a search (any page, any order), cached."""
        whole = replace(params, page=1, sort="relevance", group=False)
        key = ("overview", self.version(), whole.key())

        def compute() -> Overview:
            query, filters = whole.search_args()
            with self.gate:
                result = self.corpus.search(query, limit=1, **filters)
            return overview_of(result)

        return self.cache.get_or_compute(key, compute)

    def cached(self, name: str, compute: Any) -> Any:
        """A value derived from the whole index (choices, article list), kept per index version."""
        version = self.version()
        stored = self.meta.get(name)
        if stored is None or stored[0] != version:
            stored = (version, compute())
            self.meta[name] = stored
        return stored[1]


def _state() -> _State:
    return current_app.extensions["corpusearch"]  # type: ignore[no-any-return]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app over the index at ``config["INDEX"]`` (default ``./index``)."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    index = Path(app.config.get("INDEX", "index"))
    app.extensions["corpusearch"] = _State(
        index,
        Corpus(index),
        ResultCache(int(app.config["CACHE_SIZE"])),
        threading.BoundedSemaphore(int(app.config["SEARCHES_AT_ONCE"])),
        str(app.config.get("FORM_TOKEN") or secrets.token_urlsafe(32)),
    )
    app.config["ALLOWED_HOSTS"] = allowed_hosts(app.config["HOST"], app.config["EXTRA_HOSTS"])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["marked"] = lambda text: Markup(safe_snippet(text))
    app.jinja_env.filters["http_url"] = http_url
    app.jinja_env.globals["facet_labels"] = FACET_LABELS
    app.jinja_env.globals["facet_top"] = FACET_TOP
    app.before_request(_check_request)
    app.after_request(_secure_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    _routes(app)
    return app


def _check_request() -> None:
    """Refuse foreign Host headers (DNS rebinding) and oversized requests before any work."""
    if host_name(request.headers.get("Host", "")) not in current_app.config["ALLOWED_HOSTS"]:
        abort(400, "This server only answers requests addressed to its own host name.")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    if len(request.query_string) > current_app.config["MAX_QUERY_STRING"]:
        abort(413, "The request is too long.")
    if len(request.args.get("q", "")) > current_app.config["MAX_QUERY_LENGTH"]:
        abort(413, f"Queries are limited to {current_app.config['MAX_QUERY_LENGTH']} characters.")


def _secure_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _json_text(data: Any, indent: int | None = None) -> str:
    """``data`` as JSON with ``<``, ``>`` and ``&`` escaped, so no browser can read it as HTML."""
    text = json.dumps(
        data, ensure_ascii=False, indent=indent, separators=(",", ": ") if indent else (",", ":")
    )
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text + "\n"


def _json(data: Any, status: int = 200) -> Response:
    return Response(_json_text(data), status=status, mimetype="application/json")


def _error_page(status: int, title: str, message: str) -> tuple[Any, int]:
    if _wants_json():
        return _json({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=title, message=message), status


def _http_error(err: HTTPException) -> Any:
    status = err.code or 500
    if err.description == RequestEntityTooLarge.description:
        message = "The request is too large."
    else:
        message = err.description or ""
    return _error_page(status, err.name, message)


def _server_error(err: InternalServerError) -> Any:
    log.exception("Internal error", exc_info=err.original_exception)
    return _error_page(500, "Something went wrong", "The server could not answer this request.")


def _corpus_error(err: CorpusearchError) -> tuple[Any, int]:
    if isinstance(err, IndexNotFoundError):
        message = f"{err} Build it with “corpusearch index FILES…”, then reload this page."
        return _error_page(503, "No index yet", message)
    if isinstance(err, ArticleNotFoundError):
        return _error_page(404, "Article not found", str(err) or "No article has this id.")
    return _error_page(400, "Cannot search", str(err))


def _params() -> SearchParams:
    return SearchParams.from_args(request.args)


def _api_limit() -> int:
    try:
        return min(max(int(request.args.get("limit", PAGE_SIZE)), 1), MAX_API_LIMIT)
    except ValueError:
        return PAGE_SIZE


def _as_json(record: Any) -> Any:
    to_json = getattr(record, "to_json", None)
    if callable(to_json):
        return to_json()
    return asdict(record)


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """Page links to show: first, last and a window around ``page`` (``None`` for a gap)."""
    wanted = sorted({1, pages, *range(max(page - 2, 1), min(page + 2, pages) + 1)})
    shown: list[int | None] = []
    for number in wanted:
        if shown and isinstance(shown[-1], int) and number - shown[-1] > 1:
            shown.append(None)
        shown.append(number)
    return shown


def _article_id(article_id: str) -> str:
    if not ARTICLE_ID.fullmatch(article_id):
        abort(404, "No article has this id.")
    return article_id


def _highlight(state: _State, text: str, query: str) -> Markup:
    """``text`` as HTML with the words of ``query`` marked (plain when the query is unusable)."""
    if query:
        try:
            return Markup(safe_snippet(state.corpus.highlight(text, query)))
        except QueryError:
            pass
    return escape(text)


def _form_context(state: _State, params: SearchParams) -> dict[str, Any]:
    return {"params": params, "choices": state.cached("choices", state.corpus.choices)}


def _results_page(state: _State, params: SearchParams) -> str:
    result = state.search(params)
    pages = max(ceil(result.total / result.limit), 1)
    # The page's own search counted every facet value and date of the matching articles.
    overview = overview_of(result) if result.total else None
    facets = dict(overview.facets) if overview else result.facets
    if overview:
        # A facet offers the values its own filter left out (choosing one adds it: OR).
        for name, key in FACET_FILTERS.items():
            others = params.without(key)
            if getattr(params, key) and others.active:
                facets[name] = state.overview(others).facets[name]
    return render_template(
        "search.html",
        **_form_context(state, params),
        result=result,
        overview=overview,
        facets=facets,
        pages=pages,
        page_numbers=_page_numbers(min(params.page, pages), pages),
    )


def _check_form() -> None:
    """Refuse a form post that did not come from one of this server's pages."""
    sent = request.form.get("token", "")
    if not form_allowed(sent, _state().token, request.headers.get("Sec-Fetch-Site")):
        abort(403, "This form must be sent from the page that shows it; reload it and try again.")


def _download(body: str, extension: str, name: str) -> Response:
    response = Response(body, mimetype=MEDIA_TYPES.get(extension, "application/octet-stream"))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _routes(app: Flask) -> None:  # noqa: C901  # a route table: one short view per URL
    @app.get("/")
    def search_page() -> Any:
        state = _state()
        params = _params()
        try:
            if not params.active:
                articles = state.cached("articles", state.corpus.articles)
                return render_template(
                    "search.html", **_form_context(state, params), articles=articles
                )
            # Whole pages are cached: a repeated search (paging back, reloading, a shared
            # link) costs no search and no rendering until the index changes.
            key = ("page", state.version(), params.key())
            return state.cache.get_or_compute(key, lambda: _results_page(state, params))
        except QueryError as err:
            context = _form_context(state, params)
            return render_template("search.html", **context, error=str(err)), 400
        except CorpusearchError as err:
            return _corpus_error(err)

    @app.get("/article/<article_id>")
    def article_page(article_id: str) -> Any:
        state = _state()
        params = _params()
        try:
            article = state.corpus.article(_article_id(article_id))
        except CorpusearchError as err:
            return _corpus_error(err)
        paragraphs = [(p, _highlight(state, p.text, params.q)) for p in article.paragraphs]
        return render_template(
            "article.html", **_form_context(state, params), article=article, paragraphs=paragraphs
        )

    @app.get("/api/search")
    def api_search() -> Any:
        params = _params()
        if not params.active:
            return _error_page(400, "Bad request", "Give a query with ?q=…")
        try:
            return _json(_state().search(params, _api_limit()).to_json())
        except CorpusearchError as err:
            return _corpus_error(err)

    @app.get("/api/articles")
    def api_articles() -> Any:
        state = _state()
        try:
            articles = state.cached("articles", state.corpus.articles)
        except CorpusearchError as err:
            return _corpus_error(err)
        return _json([_as_json(summary) for summary in articles])

    @app.get("/api/article/<article_id>")
    def api_article(article_id: str) -> Any:
        try:
            return _json(_as_json(_state().corpus.article(_article_id(article_id))))
        except CorpusearchError as err:
            return _corpus_error(err)

    @app.get('/export.<any(csv, json, ris, bib, "csl.json"):extension>')
    def export(extension: str) -> Any:
        params = SearchParams.from_args(request.args)
        if not params.active:
            abort(400, "Nothing to export: give a query with ?q=…")
        params = replace(params, page=1)
        try:
            result = _state().search(params, int(current_app.config["EXPORT_LIMIT"]))
        except CorpusearchError as err:
            return _corpus_error(err)
        if extension == "json":
            hits = [{**hit.to_json(), "citation": citation(hit)} for hit in result.hits]
            data = {
                "query": result.query,
                "total": result.total,
                "filters": params.filters(),
                "hits": hits,
            }
            body = _json_text(data, indent=2)
        else:
            body = render_citations(result.hits, EXPORTS[extension])
        return _download(body, extension, export_name(params.q, extension))

    _workflow_routes(app)

    @app.context_processor
    def helpers() -> dict[str, Any]:
        def hit_url(hit: Any, params: SearchParams) -> str:
            base = url_for("article_page", article_id=hit.article, **params.to_args(page=1))
            return f"{base}#p{hit.position}"

        def search_url(params: SearchParams, **changes: Any) -> str:
            return url_for("search_page", **params.to_args(**changes))

        def url_of(params: SearchParams) -> str:
            return url_for("search_page", **params.to_args())

        def facet_url(params: SearchParams, facet: str, value: str) -> str:
            """The search with ``value`` added to (or, if chosen, taken from) its facet's filter."""
            if facet == "year":
                return search_url(params, since=value, until=value, page=1)
            return url_of(params.toggled(FACET_FILTERS.get(facet, facet), value))

        def timeline_svg(params: SearchParams, timeline: Any) -> Markup:
            def link(period: Any) -> str:
                return search_url(params, since=period.since, until=period.until, page=1)

            label = (
                f"Matching articles by {timeline.unit}; each bar narrows the search to its period"
            )
            return Markup(timeline.svg(link, label=label))

        return {
            "hit_url": hit_url,
            "search_url": search_url,
            "facet_url": facet_url,
            "url_of": url_of,
            "facet_filters": FACET_FILTERS,
            "timeline_svg": timeline_svg,
            "citation": citation,
            "form_token": _state().token,
        }


def _paragraph_id(paragraph_id: str) -> str:
    if not ARTICLE_ID.fullmatch(paragraph_id):
        abort(404, "No paragraph has this id.")
    return paragraph_id


def _workflow_routes(app: Flask) -> None:  # noqa: C901  # a route table: one short view per URL
    """Similar paragraphs, context, citations, saved searches and batch search."""

    @app.get("/similar/<paragraph_id>")
    def similar_page(paragraph_id: str) -> Any:
        from corpusearch.context import context

        state = _state()
        params = _params()
        try:
            window = context(state.corpus, _paragraph_id(paragraph_id), 0)
            with state.gate:
                result = state.corpus.similar(paragraph_id, limit=PAGE_SIZE)
        except CorpusearchError as err:
            return _corpus_error(err)
        return render_template(
            "similar.html", **_form_context(state, params), window=window, result=result
        )

    @app.get("/api/similar/<paragraph_id>")
    def api_similar(paragraph_id: str) -> Any:
        state = _state()
        try:
            with state.gate:
                result = state.corpus.similar(_paragraph_id(paragraph_id), limit=_api_limit())
        except CorpusearchError as err:
            return _corpus_error(err)
        return _json(result.to_json())

    @app.get("/api/context/<paragraph_id>")
    def api_context(paragraph_id: str) -> Any:
        from corpusearch.context import context

        try:
            around = int(request.args.get("n", CONTEXT_DEFAULT))
        except ValueError:
            around = CONTEXT_DEFAULT
        try:
            window = context(_state().corpus, _paragraph_id(paragraph_id), around)
        except CorpusearchError as err:
            return _corpus_error(err)
        return _json(window.to_json())

    @app.get("/api/timeline")
    def api_timeline() -> Any:
        params = _params()
        if not params.active:
            return _error_page(400, "Bad request", "Give a query with ?q=…")
        try:
            return _json(_state().overview(params).timeline.to_json())
        except CorpusearchError as err:
            return _corpus_error(err)

    @app.get("/cite/<paragraph_id>")
    def cite_page(paragraph_id: str) -> Any:
        from corpusearch.citations import cite_paragraphs

        state = _state()
        params = _params()
        try:
            (record,) = cite_paragraphs(state.corpus, [_paragraph_id(paragraph_id)])
        except CorpusearchError as err:
            return _corpus_error(err)
        extension = request.args.get("format", "")
        if extension in EXPORTS:
            body = render_citations([record], EXPORTS[extension])
            return _download(body, extension, f"{paragraph_id}.{extension}")
        formats = {
            name: render_citations([record], fmt)
            for name, fmt in (("RIS", "ris"), ("BibTeX", "bibtex"), ("CSL-JSON", "csl-json"))
        }
        return render_template(
            "cite.html",
            **_form_context(state, params),
            record=record,
            formats=formats,
            extensions=EXPORTS,
        )

    @app.get("/saved")
    def saved_page() -> Any:
        state = _state()
        try:
            runs = state.saved.run_all(mark=False)
        except CorpusearchError as err:
            return _corpus_error(err)
        return render_template("saved.html", **_form_context(state, SearchParams()), runs=runs)

    @app.get("/saved/<name>")
    def saved_search_page(name: str) -> Any:
        state = _state()
        try:
            run = state.saved.run(name, mark=False)
        except CorpusearchError as err:
            return _saved_error(err)
        params = SearchParams(q=run.search.query, **dict(run.search.filters))
        return render_template("saved.html", **_form_context(state, params), run=run)

    @app.post("/saved")
    def saved_add() -> Any:
        _check_form()
        state = _state()
        params = SearchParams.from_args(request.form)
        name = request.form.get("name", "") or params.q
        query, filters = params.search_args()
        try:
            state.saved.add(name, query, replace=True, **filters)
        except CorpusearchError as err:
            return _saved_error(err)
        return redirect(url_for("saved_page"), 303)

    @app.post("/saved/<name>/seen")
    def saved_seen(name: str) -> Any:
        _check_form()
        try:
            _state().saved.run(name, mark=True)
        except CorpusearchError as err:
            return _saved_error(err)
        return redirect(url_for("saved_page"), 303)

    @app.post("/saved/<name>/remove")
    def saved_remove(name: str) -> Any:
        _check_form()
        try:
            _state().saved.remove(name)
        except CorpusearchError as err:
            return _saved_error(err)
        return redirect(url_for("saved_page"), 303)

    @app.get("/batch")
    def batch_page() -> Any:
        state = _state()
        return render_template("batch.html", **_form_context(state, SearchParams()), queries="")

    @app.post("/batch")
    def batch_run() -> Any:
        _check_form()
        return _batch(request.form)


def _saved_error(err: CorpusearchError) -> tuple[Any, int]:
    from corpusearch.saved import SavedSearchError

    if isinstance(err, SavedSearchError) and "no saved search" in str(err):
        return _error_page(404, "No such saved search", str(err))
    if isinstance(err, SavedSearchError | QueryError):
        return _error_page(400, "Cannot save this search", str(err))
    return _corpus_error(err)


def _batch(form: Mapping[str, str]) -> Any:
    """Run the queries of the batch form; a table of counts, or the rows as a download."""
    from corpusearch.batch import (
        BatchError,
        BatchQuery,
        batch_search,
        parse_queries,
        write_results,
    )

    state = _state()
    params = SearchParams.from_args(form)
    text = form.get("queries", "")
    download = form.get("download", "")
    limit = int(current_app.config["BATCH_HITS"])
    try:
        queries = parse_queries(text)
        most = int(current_app.config["BATCH_MAX_QUERIES"])
        if len(queries) > most:
            raise BatchError(f"{len(queries)} queries; the form runs at most {most} at once")
        results: list[Any] = []
        for query in queries:  # through the gate one query at a time: searches go on meanwhile
            rewritten, filters = replace(params, q=query.query).search_args()
            with state.gate:
                found = batch_search(
                    state.corpus, [BatchQuery(query.line, rewritten)], limit=limit, **filters
                )
                results.extend(replace(result, query=query.query) for result in found)
    except IndexNotFoundError as err:
        return _corpus_error(err)
    except CorpusearchError as err:
        context = _form_context(state, params)
        return render_template("batch.html", **context, queries=text, error=str(err)), 400
    if download in ("csv", "json"):
        buffer = io.StringIO()
        write_results(results, download, buffer)
        return _download(buffer.getvalue(), download, f"corpusearch-batch.{download}")
    return render_template(
        "batch.html", **_form_context(state, params), queries=text, results=results
    )


def make_server(app: Flask, host: str, port: int, threads: int = 8) -> Any:
    """A waitress server for ``app``, bound now, with corpusearch's limits (not waitress's)."""
    try:
        return _create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="corpusearch",
            max_request_body_size=int(app.config["MAX_CONTENT_LENGTH"]),
            max_request_header_size=32 * 1024,
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=True,
            channel_timeout=30,
        )
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise CorpusearchError(f"Cannot listen on {host}:{port}: {reason}") from err


@contextmanager
def background_server(app: Flask, host: str = "127.0.0.1", threads: int = 8) -> Iterator[str]:
    """Serve ``app`` with waitress on a free port in a background thread; yields its base URL."""
    server = make_server(app, host, 0, threads)
    thread = threading.Thread(target=server.run, name="corpusearch-web", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}/"
    finally:
        # Closing every dispatcher (the listener, open connections, the trigger) empties the
        # map, which ends the server's loop; then the worker threads are stopped.
        while server._map:
            for dispatcher in list(server._map.values()):
                dispatcher.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)


def _create_server(app: Flask, **options: Any) -> Any:
    from waitress.server import create_server

    return create_server(app, **options)


def serve(index: Path, *, host: str, port: int, open_browser: bool) -> None:
    """Serve the web form over ``index`` with waitress until interrupted."""
    if not host or not 0 <= port <= 65535:
        raise CorpusearchError(f"Cannot listen on {host or '(no host)'}:{port}: bad host or port.")
    app = create_app({"INDEX": str(index), "HOST": host})
    server = make_server(app, host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.effective_port}/"
    print(f"Serving {index} on {url} (Ctrl-C to stop)", file=sys.stderr)
    if not Corpus(index).exists():
        print(
            f"Note: there is no index at {index} yet; build it with “corpusearch index FILES…” "
            "and the page will pick it up.",
            file=sys.stderr,
        )
    if not is_loopback(host):
        print(
            f"Warning: listening on {host}, not on 127.0.0.1: anyone who can reach this machine "
            "can read the index.",
            file=sys.stderr,
        )
    if open_browser:
        wildcard = host in ("0.0.0.0", "::")
        local = f"http://127.0.0.1:{server.effective_port}/" if wildcard else url
        threading.Timer(0.5, webbrowser.open, args=(local,)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
