"""OpenSearch export and query translation (issue 16): real indexes, real files, no cluster.

Golden files in tests/golden/opensearch/ pin the DSL of every query feature of the README's
"Query syntax" section; regenerate them with
``CORPUSEARCH_UPDATE_GOLDEN=1 pytest tests/test_opensearch.py`` and say why in the commit.
Tests of the live path run only when ``CORPUSEARCH_OPENSEARCH`` names a cluster.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from corpusearch import Article, Corpus, Paragraph
from corpusearch.cli import cli
from corpusearch.cli_opensearch import explain_as_opensearch, export
from corpusearch.engine.aliases import shipped
from corpusearch.engine.opensearch import (
    ANALYSIS_DIFFERENCES,
    ExportError,
    bulk_lines,
    document_schema,
    export_opensearch,
    index_body,
    os_term,
)
from corpusearch.engine.opensearch_check import (
    lucene_classpath,
    lucene_parity,
    lucene_rule_errors,
    parity,
    simulate,
)
from corpusearch.engine.opensearch_query import (
    QueryTranslationError,
    Translator,
    translate_query,
)
from corpusearch.errors import CorpusearchError, QueryError, UnknownFieldError
from seedpaths import SEEDS

GOLDEN = Path(__file__).parent / "golden" / "opensearch"
UPDATE = os.environ.get("CORPUSEARCH_UPDATE_GOLDEN") == "1"
SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "scifact" / "corpus.jsonl"
SCALE_PARAGRAPHS = 10_000  # the "10k-paragraph corpus"
SENTENCES_PER_PARAGRAPH = 2  # SciFact abstracts cut into paragraphs of this many sentences
SMALL_FILES = 64 * 1024  # bulk-file bound for the 10k export: forces many files

# Every feature of the README's "Query syntax" section: (golden name, query, search options).
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("words", "Sadr militias", {}),
    ("stemming", "liberate", {}),
    ("phrase", '"League of the Righteous"', {}),
    ("and", "Khazali AND Maliki", {}),
    ("not", "Mosul NOT Iran", {}),
    ("or_not", "Sadr OR NOT Iran", {}),
    ("grouped_or_and", "(Sadr OR Khazali) AND Iran", {}),
    ("prefix", "stabili*", {}),
    ("field_title", "title:Mosul", {}),
    ("field_section", "section:militias", {}),
    ("field_author", "author:Jacinto", {}),
    ("field_topic_phrase", 'topic:"Islamic State"', {}),
    ("field_source", "source:INSS", {}),
    ("field_year", "year:2017", {}),
    ("accents", "Shī‘a", {}),
    ("apostrophe", "Shi'ite", {}),
    ("british", "stabilisation programme", {}),
    ("hyphenated_name", "al-Sadr", {}),
    ("acronyms", "IS US", {}),
    ("stop_word_stem", "having", {}),
    ("alias", "ISIL", {}),
    ("alias_multiword", "Qasem Suleimani", {}),
    ("typo", "Hezbolah", {}),
    ("fuzzy", "Mosul~2", {}),
    ("unbalanced", '"Mosul (Sadr OR Iran', {}),
    ("filter_author", "Sadr", {"author": "Jacinto"}),
    ("filter_topic_source", "Iraq", {"topic": "Islamic State", "source": "INSS"}),
    ("filter_dates", "Mosul", {"since": "2017", "until": "2017-07-06"}),
    ("filters_alone", "", {"author": "Jacinto", "sort": "date"}),
    ("group_facets_page", "Sadr", {"group": True, "limit": 2, "page": 2}),
    ("sort_date", "Mosul", {"sort": "date", "limit": 5}),
]


def _golden(name: str, data: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if UPDATE or not path.exists():
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {path.name}: check it and commit it")
    assert json.loads(path.read_text(encoding="utf-8")) == data, f"{path.name} differs"


# --- query translation -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "query", "options"), CASES, ids=[c[0] for c in CASES])
def test_translation_golden(corpus: Corpus, name: str, query: str, options: dict[str, Any]) -> None:
    body = translate_query(corpus, query, **options)
    _golden(name, {"query": query, "options": options, "body": body})


def test_golden_files_cover_the_cases() -> None:
    names = {path.stem for path in GOLDEN.glob("*.json")} - {"index-body"}
    assert names == {name for name, _, _ in CASES}


def _leaves(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _leaves(value)
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item)


def _kinds(body: dict[str, Any]) -> set[str]:
    return {key for key, _ in _leaves(body["query"])}


def test_words_are_bm25f_over_text_title_section(corpus: Corpus) -> None:
    body = translate_query(corpus, "Sadr")
    fields = body["query"]["combined_fields"]["fields"]
    assert sorted(fields) == ["section^1", "text^2", "title^5"]  # 0.5 : 1 : 2.5, lowest made 1


def test_operators_map_to_bool(corpus: Corpus) -> None:
    assert "must" in _kinds(translate_query(corpus, "Khazali AND Maliki"))
    not_body = translate_query(corpus, "Mosul NOT Iran")["query"]["bool"]
    assert not_body["must_not"][0]["combined_fields"]["query"] == "iran"


def test_phrases_are_verbatim_terms_side_by_side(corpus: Corpus) -> None:
    body = translate_query(corpus, '"League of the Righteous"')
    phrases = [v for k, v in _leaves(body["query"]) if k == "match_phrase"]
    text = next(p["text"] for p in phrases if "text" in p)
    assert text == {"query": "leagu righteous", "analyzer": "corpusearch_verbatim"}


def test_aliases_are_weighted_below_the_words_typed(corpus: Corpus) -> None:
    body = translate_query(corpus, "ISIL")
    boosts = {
        v["query"]: v.get("boost", 1.0) for k, v in _leaves(body["query"]) if k == "combined_fields"
    }
    assert boosts["isil"] == 1.0
    assert boosts["is_"] == 0.3  # the acronym in its OpenSearch form


def test_unstable_terms_are_not_analysed_again(corpus: Corpus) -> None:
    # "having" stems to "have", a stop word: combined_fields would analyse it away.
    body = translate_query(corpus, "having")
    assert "combined_fields" not in _kinds(body)
    assert {v["value"] for k, v in _leaves(body["query"]) if k == "text"} == {"have"}


def test_filters_grouping_facets_and_highlighting(corpus: Corpus) -> None:
    body = translate_query(
        corpus, "Sadr", author="Jacinto", since="2017", until="2017-06", group=True, sort="date"
    )
    restrict = body["query"]["bool"]["filter"][0]["bool"]["must"]
    assert {"term": {"authors.words": {"value": "jacinto"}}} in restrict
    ranges = [v for k, v in _leaves(restrict) if k == "range"]
    assert ranges == [{"date": {"gte": "2017-01-01", "lte": "2017-06-30", "format": "strict_date"}}]
    assert body["collapse"]["field"] == "article"
    assert set(body["aggs"]) == {"authors", "topics", "source", "year", "articles"}
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert body["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}


def test_bad_queries_raise_library_errors(corpus: Corpus) -> None:
    with pytest.raises(UnknownFieldError):
        translate_query(corpus, "colour:red")
    with pytest.raises(QueryError):
        translate_query(corpus, "*stab")
    with pytest.raises(QueryError):
        translate_query(corpus, "Mosul", since="2018", until="2017")


def test_untranslatable_node_is_a_library_error() -> None:
    from whoosh import query as q

    with pytest.raises(QueryTranslationError):
        Translator().translate(q.Regex("text", "mos.l"))


def test_search_explain_as_opensearch_prints_json(corpus: Corpus) -> None:
    printed = json.loads(explain_as_opensearch(corpus, "Sadr", group=True))
    assert printed == translate_query(corpus, "Sadr", group=True)


# --- index body ------------------------------------------------------------------------------


BUILT_IN_FILTERS = {"lowercase", "asciifolding"}
BUILT_IN_TOKENIZERS = {"whitespace"}


def test_index_body_golden() -> None:
    body = index_body(shipped())
    analysis = body["settings"]["index"]["analysis"]
    for analyzer in analysis["analyzer"].values():
        assert analyzer["tokenizer"] in analysis["tokenizer"] | dict.fromkeys(BUILT_IN_TOKENIZERS)
        for name in analyzer.get("filter", []):
            assert name in analysis["filter"] or name in BUILT_IN_FILTERS
        for name in analyzer.get("char_filter", []):
            assert name in analysis["char_filter"]
    for spec in [*analysis["filter"].values(), *analysis["char_filter"].values()]:
        if "pattern" in spec:  # Java and Python agree on the syntax used here
            re.compile(spec["pattern"].replace("(?U)", "").replace(r"\p{No}", ""))
    properties = body["mappings"]["properties"]
    for name in ("text", "title", "section"):
        assert properties[name]["analyzer"] == "corpusearch_text"
    # The alias rules follow the shipped alias file, which changes on its own: checked apart.
    rules = analysis["filter"]["corpusearch_aliases"].pop("synonyms")
    assert "Islamic State, IS, ISIS, ISIL, Daesh, Da'ish" in rules[0]
    assert len(rules) == sum(len(group) > 1 for group in shipped().groups)
    _golden("index-body", {"query": "", "options": {}, "body": body})


def test_exported_analysis_reproduces_ours_on_the_seeds() -> None:
    texts = [
        line
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    result = parity(index_body(shipped()), texts)
    assert result.same_terms == result.tokens, result.differences
    assert result.same_texts >= result.texts - 2  # "it's"-style gaps, see ANALYSIS_DIFFERENCES


needs_lucene = pytest.mark.skipif(
    lucene_classpath() is None, reason="needs java, javac and Debian's liblucene8-java"
)


@needs_lucene
def test_lucene_runs_the_exported_analysis_like_ours() -> None:
    # Lucene's own classes, as OpenSearch builds them from the settings: no simulation.
    texts = [
        line
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += ["The U.S. and IS in Shī‘a Mosul; the programme of stabilisation, TNF-α, 3 kg"]
    result = lucene_parity(index_body(shipped()), texts)
    assert result.same_terms == result.tokens, result.differences
    assert result.same_texts >= result.texts - 2


@needs_lucene
def test_lucene_accepts_every_alias_rule() -> None:
    assert lucene_rule_errors(index_body(shipped())) == {}


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("The U.S. and IS", ["us_", "is_"]),
        ("is us", []),
        ("Shī‘a Shi'ite Iraq's", ["shia", "shiit", "iraq"]),
        ("programme stabilisation colour centres travelled", None),
        ("League of the Righteous", ["leagu", "righteous"]),
        ("TNF-α", ["tnf", "alpha"]),
    ],
)
def test_simulated_analysis_examples(text: str, terms: list[str] | None) -> None:
    from corpusearch.engine.opensearch_check import ours

    simulated = simulate(index_body(shipped()), "corpusearch_text", text)
    assert simulated == ours(text)
    if terms is not None:
        assert [t for t, _ in simulated] == terms


def test_stable_terms_come_back_from_combined_fields_analysis() -> None:
    # combined_fields analyses its query: a term sent that way must analyse to itself.
    from corpusearch.engine.analysis import text_analyzer
    from corpusearch.engine.opensearch_query import _stable

    body = index_body(shipped())
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    terms = {token.text for text in texts for token in text_analyzer()(text)}
    stable = [t for t in sorted(terms) if _stable(t)]
    assert len(stable) > 0.95 * len(terms)
    for term in stable:
        assert simulate(body, "corpusearch_text", os_term(term)) == [(os_term(term), 0)]


def test_os_term_marks_protected_acronyms_only() -> None:
    assert os_term("IS") == "is_"
    assert os_term("isil") == "isil"


def test_analysis_differences_are_written_down(tmp_path: Path, corpus: Corpus) -> None:
    export_opensearch(corpus, tmp_path)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert all(line in readme for line in ANALYSIS_DIFFERENCES)
    assert "curl" in readme and "helpers.bulk" in readme


# --- export ----------------------------------------------------------------------------------


def _check_export(out: Path, paragraphs: int) -> list[dict[str, Any]]:
    """Parse every bulk file with opensearch-py's serializer and check it against the schema."""
    serializer = pytest.importorskip("opensearchpy.serializer").JSONSerializer()
    helpers = pytest.importorskip("opensearchpy.helpers")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((out / "document.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    action_schema = {
        "type": "object",
        "required": ["index"],
        "additionalProperties": False,
        "properties": {
            "index": {
                "type": "object",
                "required": ["_index", "_id"],
                "additionalProperties": False,
                "properties": {"_index": {"type": "string"}, "_id": {"type": "string"}},
            }
        },
    }
    documents: list[dict[str, Any]] = []
    for path in sorted(out.glob("bulk-*.ndjson")):
        raw = path.read_bytes()
        assert raw.endswith(b"\n")  # the bulk API needs the final newline
        lines = raw.decode("utf-8").splitlines()
        assert len(lines) % 2 == 0
        for action_line, document_line in zip(lines[::2], lines[1::2], strict=True):
            action, document = serializer.loads(action_line), serializer.loads(document_line)
            jsonschema.validate(action, action_schema)
            validator.validate(document)
            assert action["index"]["_id"] == document["id"]
            # the bulk helper turns the document back into the same two lines
            expanded = helpers.expand_action({"_id": document["id"], "_source": document})
            assert serializer.loads(serializer.dumps(expanded[1])) == document
            documents.append(document)
    assert len(documents) == paragraphs
    assert len({d["id"] for d in documents}) == paragraphs
    return documents


def test_export_of_the_seeds(tmp_path: Path, corpus: Corpus) -> None:
    report = export_opensearch(corpus, tmp_path / "out")
    assert report.articles == 2 and report.paragraphs == sum(
        a.paragraphs for a in corpus.articles()
    )
    documents = _check_export(tmp_path / "out", report.paragraphs)
    inss = next(d for d in documents if d["source"] == "INSS")
    assert inss["date"] == "2017-07-06" and inss["year"] == 2017
    assert inss["authors"] == ["Eldad Shavit", "Joshua Schwartz"]
    body = json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))
    assert body == index_body(corpus.aliases())
    schema = json.loads((tmp_path / "out" / "document.schema.json").read_text(encoding="utf-8"))
    assert schema == document_schema()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["paragraphs"] == report.paragraphs


def test_bulk_files_are_bounded_and_a_new_export_replaces_the_old(
    tmp_path: Path, corpus: Corpus
) -> None:
    out = tmp_path / "out"
    small = export_opensearch(corpus, out, max_bytes=8192)
    assert len(small.bulk_files) > 1
    largest = max(len(bulk_lines(d, "corpusearch")) for d in _check_export(out, small.paragraphs))
    for path in small.bulk_files:
        assert path.stat().st_size <= max(8192, largest)
    again = export_opensearch(corpus, out)
    assert len(again.bulk_files) == 1
    assert sorted(out.glob("bulk-*.ndjson")) == list(again.bulk_files)


def test_export_refuses_bad_arguments(tmp_path: Path, corpus: Corpus) -> None:
    with pytest.raises(ExportError):
        export_opensearch(corpus, tmp_path, max_bytes=10)
    with pytest.raises(ExportError):
        export_opensearch(corpus, tmp_path, index_name="Bad Name")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CorpusearchError):
        export_opensearch(corpus, blocker / "out")


def _scifact_articles(limit: int) -> Iterator[Article]:
    """SciFact abstracts as articles of two-sentence paragraphs, with made-up metadata."""
    sources = ("Nature", "Cell", "The Lancet", "Science", "BMJ")
    written = 0
    with SCIFACT.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            record = json.loads(line)
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", record["text"].strip())
            chunks = [
                " ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH])
                for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
            ]
            chunks = [c for c in chunks if c][: limit - written]
            if not chunks:
                continue
            paragraphs = tuple(Paragraph(i, None, text) for i, text in enumerate(chunks, 1))
            yield Article(
                id=f"scifact{record['_id']}",
                path=f"scifact/{record['_id']}.txt",
                title=record["title"] or f"SciFact {record['_id']}",
                paragraphs=paragraphs,
                authors=(f"Author {number % 97}",),
                date=None
                if number % 11 == 0
                else f"{2000 + number % 20}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                topics=(f"Topic {number % 13}",),
                source=sources[number % len(sources)],
            )
            written += len(chunks)
            if written >= limit:
                return


@pytest.fixture(scope="module")
def scale_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    if not SCIFACT.is_file():
        pytest.skip(f"no SciFact corpus at {SCIFACT}")
    corpus = Corpus(tmp_path_factory.mktemp("scale") / "index")
    corpus.add(_scifact_articles(SCALE_PARAGRAPHS))
    return corpus


def test_export_of_a_10k_paragraph_corpus(tmp_path: Path, scale_corpus: Corpus) -> None:
    report = export_opensearch(scale_corpus, tmp_path, max_bytes=SMALL_FILES)
    assert report.paragraphs == SCALE_PARAGRAPHS and not report.skipped
    assert len(report.bulk_files) > 10
    documents = _check_export(tmp_path, SCALE_PARAGRAPHS)
    assert sum(d["date"] is None for d in documents) > 0  # undated articles export as null
    body = translate_query(scale_corpus, '"white matter" AND brain', since="2005", group=True)
    assert body["collapse"]["field"] == "article"


def test_bulk_actions_feed_the_bulk_helper_the_exported_lines(
    tmp_path: Path, corpus: Corpus
) -> None:
    helpers = pytest.importorskip("opensearchpy.helpers")
    serializer = pytest.importorskip("opensearchpy.serializer").JSONSerializer()
    from corpusearch.engine.opensearch_live import bulk_actions

    report = export_opensearch(corpus, tmp_path, max_bytes=8192)
    lines = [
        json.loads(line)
        for path in report.bulk_files
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    sent: list[Any] = []
    for action in bulk_actions(tmp_path):
        head, source = helpers.expand_action(action)
        sent.extend([head, serializer.loads(serializer.dumps(source))])
    assert sent == lines


def _response_of(corpus: Corpus, query: str, *, group: bool) -> dict[str, Any]:
    """What OpenSearch answers, built from a local search of the same query (same hits)."""
    local = corpus.search(query, group=group, limit=3)
    hits = []
    for hit in local.hits:
        raw: dict[str, Any] = {
            "_index": "corpusearch",
            "_id": hit.id,
            "_score": hit.score,
            "_source": {
                k: v for k, v in hit.to_json().items() if k not in ("snippet", "score", "others")
            },
            "highlight": {"text": [hit.snippet]},
        }
        if group:
            raw["inner_hits"] = {
                "others": {"hits": {"total": {"value": hit.others + 1}, "hits": []}}
            }
        hits.append(raw)
    aggregations: dict[str, Any] = {
        name: {
            "buckets": [{"key": int(v) if name == "year" else v, "doc_count": n} for v, n in values]
        }
        for name, values in local.facets.items()
    }
    aggregations["articles"] = {"value": local.total}
    total = {"value": local.total, "relation": "eq"}
    return {
        "took": 3,
        "hits": {"total": total, "max_score": None, "hits": hits},
        "aggregations": aggregations,
    }


@pytest.mark.parametrize("group", [False, True])
def test_responses_render_like_local_results(corpus: Corpus, group: bool) -> None:
    from corpusearch.engine.opensearch_query import plan_translation, result_of_response
    from corpusearch.engine.query import Filters
    from corpusearch.engine.search import SearchRequest

    query = "Muqtada al-Sadr"
    request = SearchRequest(query, Filters(), limit=3, group=group)
    result = result_of_response(
        _response_of(corpus, query, group=group), plan_translation(corpus, request)
    )
    assert result.to_json() == corpus.search(query, group=group, limit=3).to_json()


# --- command line ----------------------------------------------------------------------------


def test_cli_export_command(tmp_path: Path, seed_index: Path) -> None:
    cli.add_command(export)  # as corpusearch.cli registers it
    result = CliRunner().invoke(
        cli, ["--index", str(seed_index), "export", "opensearch", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "paragraphs of 2 articles" in result.output
    assert (tmp_path / "out" / "bulk-00001.ndjson").is_file()


def test_cli_export_errors_are_one_line(tmp_path: Path, seed_index: Path) -> None:
    cli.add_command(export)
    result = CliRunner().invoke(
        cli,
        ["--index", str(seed_index), "export", "opensearch", str(tmp_path), "--name", "Bad Name"],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_cluster_is_a_one_line_error(tmp_path: Path, seed_index: Path) -> None:
    pytest.importorskip("opensearchpy")
    url = f"http://127.0.0.1:{_closed_port()}"
    cli.add_command(export)
    for arguments in (
        ["export", "opensearch", str(tmp_path)],
        ["export", "opensearch", str(tmp_path / "b")],
    ):
        result = CliRunner().invoke(
            cli, ["--index", str(seed_index), *arguments, "--opensearch", url]
        )
        assert result.exit_code == 1
        assert f"Error: cannot reach OpenSearch at {url}" in result.output
        assert "Traceback" not in result.output


def test_search_on_unreachable_cluster_raises_library_error(corpus: Corpus) -> None:
    pytest.importorskip("opensearchpy")
    from corpusearch.engine.opensearch_live import OpenSearchUnavailableError, search_opensearch

    with pytest.raises(OpenSearchUnavailableError, match="cannot reach"):
        search_opensearch(corpus, f"http://127.0.0.1:{_closed_port()}", "Sadr")


# --- live path (only with a cluster) ---------------------------------------------------------


LIVE_URL = os.environ.get("CORPUSEARCH_OPENSEARCH")
live = pytest.mark.skipif(
    not LIVE_URL, reason="set CORPUSEARCH_OPENSEARCH=URL to test against an OpenSearch cluster"
)


@live
def test_live_load_and_search_match_local_shapes(tmp_path: Path, corpus: Corpus) -> None:
    pytest.importorskip("opensearchpy")
    from corpusearch.engine.opensearch_live import load_export, search_opensearch

    assert LIVE_URL is not None
    name = "corpusearch-test-seeds"
    from corpusearch.engine.opensearch_live import client

    client(LIVE_URL).indices.delete(index=name, ignore_unavailable=True)
    export_opensearch(corpus, tmp_path, index_name=name)
    loaded = load_export(LIVE_URL, tmp_path, index_name=name)
    assert loaded.created and not loaded.errors
    assert loaded.indexed == sum(a.paragraphs for a in corpus.articles())
    remote = search_opensearch(corpus, LIVE_URL, "Muqtada al-Sadr", index_name=name, limit=3)
    local = corpus.search("Muqtada al-Sadr", limit=3)
    assert remote.to_json().keys() == local.to_json().keys()
    assert remote.total > 0
    assert {h.article for h in remote.hits} <= {a.id for a in corpus.articles()}
    grouped = search_opensearch(corpus, LIVE_URL, "Sadr", index_name=name, group=True)
    assert grouped.total == len({h.article for h in grouped.hits})
