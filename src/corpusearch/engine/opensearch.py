"""OpenSearch export: an index body whose analysis mirrors ours, and the paragraphs as bulk NDJSON.

The index body (settings + mappings) rebuilds :mod:`corpusearch.engine.analysis` from
OpenSearch's built-in analysis components (no plugin): the same word pattern as tokenizer, stop
words and one-character words removed by a character filter (so, as in our index, later words
close up and phrases across a stop word still match), the dotted-acronym and protected-acronym
rules, lowercase, ASCII folding, apostrophes joined, the British/American word list and rules
(:mod:`corpusearch.engine.british_american`) as ``synonym`` and ``pattern_replace`` filters, and
English Snowball. The alias groups become a ``synonym_graph`` filter of a search-time analyzer for
people who query the cluster directly; queries translated by corpusearch expand aliases
themselves, weighted as locally (:mod:`corpusearch.engine.opensearch_query`). Where the two
analyses still differ is listed in :data:`ANALYSIS_DIFFERENCES`.

Documents come through the library's public API (``Corpus.articles()`` and ``Corpus.article``),
one per paragraph, with the article's metadata denormalised into each, under the paragraph id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpusearch.engine import british_american as spelling
from corpusearch.engine.aliases import Aliases
from corpusearch.engine.analysis import APOSTROPHES, GREEK, STOPS
from corpusearch.engine.rewrite import FIELD_BOOSTS
from corpusearch.engine.scoring import FIELD_B, K1
from corpusearch.errors import CorpusearchError

if TYPE_CHECKING:
    from corpusearch.corpus import Corpus
    from corpusearch.records import Article

__all__ = [
    "ACRONYM_MARK",
    "ANALYSIS_DIFFERENCES",
    "DEFAULT_INDEX_NAME",
    "DEFAULT_MAX_BYTES",
    "ExportError",
    "ExportReport",
    "analysis_settings",
    "bulk_lines",
    "document_of",
    "document_schema",
    "export_opensearch",
    "index_body",
    "index_template",
    "mappings",
    "os_term",
    "protected_acronyms",
]

DEFAULT_INDEX_NAME = "corpusearch"
# OpenSearch's guidance is bulk requests of 5-15 MB; 10 MB stays far below the default
# http.max_content_length (100 MB) and keeps one failed request cheap to retry.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MIN_MAX_BYTES = 4096  # below this a file would hold a paragraph or two: refused as a mistake
# Our analysis keeps "IS" and "US" in capitals so they never meet "is" and "us"; OpenSearch's
# lowercase filter cannot skip a token, so such an acronym is marked with this suffix before
# lowercasing ("IS" -> "is_") and kept from stop words and stemming by that mark.
ACRONYM_MARK = "_"
BULK_PREFIX = "bulk-"
INDEX_FILE = "index.json"
TEMPLATE_FILE = "index-template.json"
SCHEMA_FILE = "document.schema.json"
MANIFEST_FILE = "manifest.json"
README_FILE = "README.md"

TEXT_ANALYZER = "corpusearch_text"
ALIAS_ANALYZER = "corpusearch_text_aliases"
NAME_ANALYZER = "corpusearch_name"
VERBATIM_ANALYZER = "corpusearch_verbatim"  # terms already analysed by corpusearch
TEXT_FIELDS = tuple(FIELD_BOOSTS)  # text, title, section
NAME_FIELDS = ("authors", "topics", "source")
NAME_WORDS = "words"  # sub-field of a name field analysed into folded words, for field terms

ANALYSIS_DIFFERENCES = (
    "Accents: OpenSearch's asciifolding filter stands for Whoosh's accent_map. Both fold Latin "
    "letters with diacritics to ASCII; asciifolding also folds superscripts, subscripts and "
    "ligatures (m² -> m2, ﬁ -> fi), which ours keep, and may differ on rarer letters (install "
    "analysis-icu and put icu_folding in its place to fold every script).",
    "Snowball: Lucene's English (Porter2) stemmer stands for NLTK's. They agree but on a few "
    "stems whose final e NLTK keeps (ionization, translated, realized, mutated: ours 'ionize', "
    "Lucene 'ioniz'): 14 of the 816,113 terms of SciFact.",
    "British spellings: our rules stop at the first one that applies; the exported filters "
    "apply in sequence, so a word two rules match (very rare) can be rewritten twice, and the "
    "'ae' rule rewrites only the first 'ae' of a word.",
    "Dotted acronyms: U.S.A.-style words are joined up to 6 letters (ours: any length).",
    "Greek letters: spelled out by a character filter for the 24 basic letters, upper and lower "
    "case; accented Greek letters are folded, not spelled out.",
    'Stop words glued to an apostrophe ("it\'s"): ours drop them and close the gap, '
    "OpenSearch's stop filter drops them but leaves a position gap, so a phrase across one "
    "needs a slop of 1 there.",
    "Protected acronyms (IS, US, ...): indexed as 'is_', 'us_' (see ACRONYM_MARK) instead of "
    "'IS', 'US'; translated queries use the marked form.",
    "Per-field BM25: ours normalises title and section length less (b=0.3) than text (b=0.85); "
    "the export sets one BM25 similarity (k1=1.4, b=0.85) because combined_fields scores every "
    "field with one.",
)


class ExportError(CorpusearchError):
    """The export cannot be written (bad output folder, size bound, unreadable index)."""


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: counts, the files, and articles it had to skip."""

    out_dir: Path
    index_name: str
    articles: int
    paragraphs: int
    bulk_files: tuple[Path, ...]
    bytes: int
    skipped: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "index": self.index_name,
            "articles": self.articles,
            "paragraphs": self.paragraphs,
            "bulk_files": [path.name for path in self.bulk_files],
            "bytes": self.bytes,
            "skipped": [{"article": a, "reason": r} for a, r in self.skipped],
        }


def protected_acronyms() -> tuple[str, ...]:
    """The capitalised stop words our analysis keeps as acronyms ("IS", "US", ...)."""
    return tuple(sorted(w.upper() for w in STOPS if len(w) > 1 and w.isalpha()))


def os_term(term: str) -> str:
    """The OpenSearch index term of one of our index terms ("IS" -> "is_", others unchanged)."""
    if term in protected_acronyms():
        return term.lower() + ACRONYM_MARK
    return term


# --- analysis --------------------------------------------------------------------------------

_JOINERS = "." + APOSTROPHES
# Python's \w also matches superscript and subscript digits and fractions (Unicode "No"), Java's
# does not: the class adds them, so "m²" stays one word as in our index.
_W = r"[\w\p{No}]"
_WORD_PATTERN = rf"(?U){_W}+(?:[{_JOINERS}]{_W}+)*"
_LETTERS5 = r"^(?=[^\W\d_]{5,}$)"  # americanize() leaves shorter or non-alphabetic words alone
_DOTTED_LETTERS = 6


def _alternation(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _stop_pattern() -> str:
    # A whole word (not part of a joined word like "it's" or "a.m") that is one character, or a
    # stop word not written as a capital acronym.
    edge_before = rf"(?<!{_W})(?<!{_W}[{_JOINERS}])"
    edge_after = rf"(?!{_W})(?![{_JOINERS}]{_W})"
    stops = _alternation(STOPS)
    return rf"(?U){edge_before}(?:{_W}|(?![A-Z]{{2,}}(?!{_W}))(?i:{stops})){edge_after}"


def _british_rules() -> dict[str, dict[str, str]]:
    """americanize()'s regular rules as pattern_replace filters, with their keep lists."""
    suffixes = "e|es|ed|ing|er|ers|ation|ations|ational"
    ise_keep = _alternation(w[:-3] for w in spelling.ISE_KEEP)
    our_keep = _alternation(w[:-3] for w in spelling.OUR_KEEP)
    our_suffixes = "s|ed|ing|ite|ites|able|ably|al|ally|er|ers|ful|less|ist|ists|ism|isms"
    ll_stems = {k[:-1] for k in spelling.LL_KEEP} | {
        k[:-2] for k in spelling.LL_KEEP if k.endswith("ll")
    }
    ll_keep = _alternation(ll_stems)
    vowel = "aeiouy"
    return {
        "ise": {
            "pattern": rf"{_LETTERS5}(?!(?:{ise_keep})is(?:{suffixes})$)(\w{{2,}}?)(?<!w)is({suffixes})$",
            "replacement": "$1iz$2",
        },
        "yse": {"pattern": rf"{_LETTERS5}(\w+)ys(e|es|ed|ing|er|ers)$", "replacement": "$1yz$2"},
        "our": {
            "pattern": rf"{_LETTERS5}(?!(?:{our_keep})our(?:{our_suffixes})?$)(\w{{2,}}?)our({our_suffixes})?$",
            "replacement": "$1or$2",
        },
        "tre": {"pattern": rf"{_LETTERS5}(\w{{2,}})([tb])re(s?)$", "replacement": "$1$2er$3"},
        "tred": {"pattern": rf"{_LETTERS5}(\w{{2,}})([tb])red$", "replacement": "$1$2ered"},
        "ll": {
            "pattern": rf"{_LETTERS5}(?=\w{{4,}}ll(?:ed|ing|er|ers)$)(?!(?:{ll_keep})ll(?:ed|ing|er|ers)$)(\w*[^aeiou\W](?:e|(?<=\w{{4}})a))ll(ed|ing|er|ers)$",
            "replacement": "$1l$2",
        },
        "ae": {
            "pattern": rf"{_LETTERS5}(\w*?[^{vowel}\W])ae(?=[^{vowel}\W])",
            "replacement": "$1e",
        },
        "oe": {"pattern": rf"{_LETTERS5}oe(?=[^{vowel}\W])", "replacement": "e"},
    }


def _greek_mappings() -> list[str]:
    lower = [*GREEK.items(), ("ς", GREEK["σ"])]
    upper = [(letter.upper(), name) for letter, name in GREEK.items()]
    return [f"{letter} => {name}" for letter, name in lower + upper]


def _alias_rules(aliases: Aliases) -> list[str]:
    # synonym_graph parses each rule with the analyzer's own chain, so names go in as written.
    rules = []
    for group in aliases.groups:
        names = [name.replace(",", " ") for name in group if name.strip()]
        if len(names) > 1:
            rules.append(", ".join(names))
    return rules


def analysis_settings(aliases: Aliases) -> dict[str, Any]:
    """The ``index.analysis`` settings: char filters, tokenizer, token filters and analyzers."""
    acronyms = protected_acronyms()
    dotted = (
        r"^([A-Za-z])\.([A-Za-z])"
        + "".join(r"(?:\.([A-Za-z]))?" for _ in range(_DOTTED_LETTERS - 2))
        + "$"
    )
    rules = _british_rules()
    token_filters: dict[str, Any] = {
        "corpusearch_dotted_acronym": {
            "type": "pattern_replace",
            "pattern": dotted,
            "replacement": "".join(f"${n}" for n in range(1, _DOTTED_LETTERS + 1)),
        },
        "corpusearch_mark_acronyms": {
            "type": "pattern_replace",
            "pattern": f"^({'|'.join(acronyms)})$",
            "replacement": "$1" + ACRONYM_MARK,
        },
        "corpusearch_possessive": {
            "type": "pattern_replace",
            "pattern": f"[{APOSTROPHES}]s$",
            "replacement": "",
        },
        "corpusearch_apostrophes": {
            "type": "pattern_replace",
            "pattern": f"[{APOSTROPHES}]",
            "replacement": "",
        },
        "corpusearch_british_words": {
            "type": "synonym",
            "synonyms": [f"{uk} => {us}" for uk, us in sorted(spelling.WORDS.items())],
        },
        **{
            f"corpusearch_british_{name}": {"type": "pattern_replace", **rule}
            for name, rule in rules.items()
        },
        "corpusearch_stop": {"type": "stop", "stopwords": sorted(STOPS)},
        "corpusearch_min_length": {"type": "length", "min": 2},
        "corpusearch_keep_acronyms": {
            "type": "keyword_marker",
            "keywords": [a.lower() + ACRONYM_MARK for a in acronyms],
        },
        "corpusearch_snowball": {"type": "snowball", "language": "English"},
        "corpusearch_aliases": {
            "type": "synonym_graph",
            "lenient": True,
            "synonyms": _alias_rules(aliases),
        },
    }
    fold = [
        "corpusearch_dotted_acronym",
        "corpusearch_mark_acronyms",
        "lowercase",
        "corpusearch_possessive",
        "asciifolding",
        "corpusearch_apostrophes",
    ]
    text_filters = [
        *fold,
        "corpusearch_british_words",
        *(f"corpusearch_british_{name}" for name in rules),
        "corpusearch_stop",
        "corpusearch_min_length",
        "corpusearch_keep_acronyms",
        "corpusearch_snowball",
    ]
    char_filters = ["corpusearch_greek", "corpusearch_stopwords"]
    return {
        "char_filter": {
            "corpusearch_greek": {"type": "mapping", "mappings": _greek_mappings()},
            "corpusearch_stopwords": {
                "type": "pattern_replace",
                "pattern": _stop_pattern(),
                "replacement": "",
            },
        },
        "tokenizer": {
            "corpusearch_words": {"type": "pattern", "pattern": _WORD_PATTERN, "group": 0}
        },
        "filter": token_filters,
        "analyzer": {
            TEXT_ANALYZER: {
                "type": "custom",
                "char_filter": char_filters,
                "tokenizer": "corpusearch_words",
                "filter": text_filters,
            },
            ALIAS_ANALYZER: {
                "type": "custom",
                "char_filter": char_filters,
                "tokenizer": "corpusearch_words",
                "filter": [*text_filters, "corpusearch_aliases"],
            },
            NAME_ANALYZER: {
                "type": "custom",
                "char_filter": ["corpusearch_greek"],
                "tokenizer": "corpusearch_words",
                # no acronym mark: names are not stemmed or stopped, so "US" stays "us"
                "filter": [f for f in fold if f != "corpusearch_mark_acronyms"],
            },
            VERBATIM_ANALYZER: {"type": "custom", "tokenizer": "whitespace"},
        },
    }


def mappings() -> dict[str, Any]:
    """The paragraph document's fields; ``dynamic: strict`` refuses any other field."""
    text = {"type": "text", "analyzer": TEXT_ANALYZER}

    def name() -> dict[str, Any]:
        words = {"type": "text", "analyzer": NAME_ANALYZER}
        return {"type": "keyword", "fields": {NAME_WORDS: words}}

    return {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "keyword"},
            "article": {"type": "keyword"},
            "position": {"type": "integer"},
            "text": dict(text),
            "section": dict(text),
            "title": dict(text),
            "authors": name(),
            "topics": name(),
            "source": name(),
            "date": {"type": "date", "format": "strict_date||yyyy-MM||yyyy"},
            "year": {"type": "short"},
            "language": {"type": "keyword"},
            "copies": {"type": "keyword"},
            "series": {"type": "keyword"},
            "url": {"type": "keyword", "index": False},
            "path": {"type": "keyword", "index": False},
        },
    }


def index_body(aliases: Aliases) -> dict[str, Any]:
    """The body of ``PUT /INDEX``: settings (analysis, BM25) and mappings."""
    return {
        "settings": {
            "index": {
                "similarity": {"default": {"type": "BM25", "k1": K1, "b": FIELD_B["text"]}},
                "analysis": analysis_settings(aliases),
            }
        },
        "mappings": mappings(),
    }


def index_template(aliases: Aliases, index_name: str = DEFAULT_INDEX_NAME) -> dict[str, Any]:
    """The body of ``PUT /_index_template/NAME``: the same index body for ``NAME-*`` indexes."""
    return {"index_patterns": [f"{index_name}-*"], "template": index_body(aliases)}


# --- documents -------------------------------------------------------------------------------

_SCALARS = {"keyword": "string", "text": "string", "integer": "integer", "short": "integer"}
_LIST_FIELDS = frozenset({"authors", "topics", "copies"})
# The dates the mapping's format (strict_date||yyyy-MM||yyyy) accepts.
DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def document_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one exported document, derived from :func:`mappings`."""
    properties: dict[str, Any] = {}
    for field, spec in mappings()["properties"].items():
        if spec["type"] == "date":
            one: dict[str, Any] = {"type": "string", "pattern": DATE.pattern}
        else:
            one = {"type": _SCALARS[spec["type"]]}
        if field in _LIST_FIELDS:
            one = {"type": "array", "items": one}
        properties[field] = {"anyOf": [one, {"type": "null"}]}
    for field in ("id", "article", "position", "text", "title"):
        properties[field] = {"type": _SCALARS[mappings()["properties"][field]["type"]]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "corpusearch paragraph document",
        "type": "object",
        "properties": properties,
        "required": ["id", "article", "position", "text", "title"],
        "additionalProperties": False,
    }


def document_of(article: Article, position: int, section: str | None, text: str) -> dict[str, Any]:
    """One paragraph as an OpenSearch document, its article's metadata denormalised into it."""
    date = article.date if article.date and DATE.match(article.date) else None
    document: dict[str, Any] = {
        "id": f"{article.id}-{position}",
        "article": article.id,
        "position": position,
        "text": text,
        "section": section,
        "title": article.title,
        "authors": list(article.authors),
        "topics": list(article.topics),
        "source": article.source,
        "date": date,
        "year": int(date[:4]) if date else None,
        "series": article.series,
        "url": article.url,
        "path": article.path,
    }
    # Fields a newer Article record may carry; absent ones are left out, not sent as null.
    for extra in ("language", "copies"):
        value = getattr(article, extra, None)
        if value:
            document[extra] = list(value) if extra == "copies" else value
    return document


def bulk_lines(document: dict[str, Any], index_name: str) -> bytes:
    """The action line and the document line of one ``index`` action, newline-terminated."""
    action = {"index": {"_index": index_name, "_id": document["id"]}}
    return (_dumps(action) + "\n" + _dumps(document) + "\n").encode("utf-8")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _documents(corpus: Corpus, skipped: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    for summary in sorted(corpus.articles(), key=lambda s: s.id):
        try:
            article = corpus.article(summary.id)
        except CorpusearchError as error:  # reported and skipped, the export goes on
            skipped.append((summary.id, str(error)))
            continue
        for paragraph in article.paragraphs:
            yield document_of(article, paragraph.position, paragraph.section, paragraph.text)


class _BulkWriter:
    """Bulk NDJSON files of at most ``max_bytes`` each (a lone larger action gets its own file)."""

    def __init__(self, out_dir: Path, max_bytes: int) -> None:
        self.out_dir = out_dir
        self.max_bytes = max_bytes
        self.files: list[Path] = []
        self.total = 0
        self._buffer: list[bytes] = []
        self._size = 0

    def add(self, lines: bytes) -> None:
        if self._buffer and self._size + len(lines) > self.max_bytes:
            self.flush()
        self._buffer.append(lines)
        self._size += len(lines)

    def flush(self) -> None:
        if not self._buffer:
            return
        path = self.out_dir / f"{BULK_PREFIX}{len(self.files) + 1:05d}.ndjson"
        path.write_bytes(b"".join(self._buffer))
        self.files.append(path)
        self.total += self._size
        self._buffer, self._size = [], 0


def export_opensearch(
    corpus: Corpus,
    out_dir: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    index_name: str = DEFAULT_INDEX_NAME,
) -> ExportReport:
    """Write the index body, template, document schema, bulk files and a README to ``out_dir``.

    Bulk files from an earlier export in ``out_dir`` are removed first, so the folder always
    holds exactly one export.
    """
    if max_bytes < MIN_MAX_BYTES:
        raise ExportError(f"--max-bytes must be at least {MIN_MAX_BYTES}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", index_name):
        raise ExportError(
            f"{index_name!r} is not an OpenSearch index name",
            hint="lowercase letters, digits, '-', '_' and '.', not starting with a sign",
        )
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob(f"{BULK_PREFIX}*.ndjson"):
            old.unlink()
    except OSError as error:
        raise ExportError(f"cannot write to {out} ({error.strerror or error})") from error
    aliases = corpus.aliases()
    skipped: list[tuple[str, str]] = []
    writer = _BulkWriter(out, max_bytes)
    paragraphs = 0
    articles: set[str] = set()
    for document in _documents(corpus, skipped):
        writer.add(bulk_lines(document, index_name))
        paragraphs += 1
        articles.add(document["article"])
    writer.flush()
    report = ExportReport(
        out,
        index_name,
        len(articles),
        paragraphs,
        tuple(writer.files),
        writer.total,
        tuple(skipped),
    )
    _write_json(out / INDEX_FILE, index_body(aliases))
    _write_json(out / TEMPLATE_FILE, index_template(aliases, index_name))
    _write_json(out / SCHEMA_FILE, document_schema())
    _write_json(out / MANIFEST_FILE, report.to_json() | {"out_dir": "."})
    (out / README_FILE).write_text(readme(report), encoding="utf-8")
    return report


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def readme(report: ExportReport) -> str:
    """The README written beside an export: what each file is and how to load it."""
    name = report.index_name
    differences = "\n".join(f"- {line}" for line in ANALYSIS_DIFFERENCES)
    return f"""# corpusearch export for OpenSearch

{report.paragraphs} paragraphs of {report.articles} articles, one document per paragraph
(`_id` = paragraph id `ARTICLE-N`), in {len(report.bulk_files)} bulk file(s) of at most the
chosen size.

| file | what |
|---|---|
| `{INDEX_FILE}` | body of `PUT /{name}`: analysis settings mirroring corpusearch, BM25, mappings |
| `{TEMPLATE_FILE}` | the same as an index template for `{name}-*` indexes |
| `{BULK_PREFIX}NNNNN.ndjson` | bulk API bodies: an `index` action line, then the document |
| `{SCHEMA_FILE}` | JSON Schema of one document |
| `{MANIFEST_FILE}` | counts and file names |

## Load with curl

```sh
URL=http://localhost:9200
curl -fsS -XPUT "$URL/{name}" -H 'Content-Type: application/json' --data-binary @{INDEX_FILE}
for f in {BULK_PREFIX}*.ndjson; do
  curl -fsS -XPOST "$URL/_bulk?filter_path=errors" -H 'Content-Type: application/x-ndjson' --data-binary @"$f"
done
curl -fsS -XPOST "$URL/{name}/_refresh"
```

## Load with opensearch-py (or: corpusearch export opensearch DIR --opensearch URL)

```python
import json, pathlib
from opensearchpy import OpenSearch, helpers

client = OpenSearch("http://localhost:9200")
client.indices.create(index="{name}", body=json.loads(pathlib.Path("{INDEX_FILE}").read_text()))
for path in sorted(pathlib.Path(".").glob("{BULK_PREFIX}*.ndjson")):
    lines = path.read_text(encoding="utf-8").splitlines()
    actions = ({{"_op_type": "index", **json.loads(a)["index"], "_source": json.loads(d)}}
               for a, d in zip(lines[::2], lines[1::2]))
    helpers.bulk(client, actions)
client.indices.refresh(index="{name}")
```

Query it with the DSL corpusearch writes: `corpusearch search QUERY --explain --as opensearch`.
Searching the cluster directly, pass `"analyzer": "{ALIAS_ANALYZER}"` in a `match` query to
have the alias groups expanded as synonyms.

## Where OpenSearch's analysis differs from corpusearch's

{differences}
"""
