"""Turn what a user typed, and the filters they chose, into a Whoosh query that is safe to run."""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from whoosh import query as q
from whoosh.qparser import (
    EveryPlugin,
    FieldAliasPlugin,
    FuzzyTermPlugin,
    OrGroup,
    QueryParser,
    RangePlugin,
)

from corpusearch.engine import rewrite
from corpusearch.engine.aliases import Aliases, shipped
from corpusearch.engine.analysis import (
    NAME_PARTICLES,
    fold,
    is_protected_acronym,
    name_analyzer,
    query_words,
    term,
)
from corpusearch.engine.rewrite import FIELD_BOOSTS as FIELD_BOOSTS
from corpusearch.engine.scoring import Budget
from corpusearch.errors import BadDateError, QueryError, UnknownFieldError

# A query's evaluation stops taking new parts after this long, and says so: no query holds a
# search slot of the web form for more than about a second.
QUERY_SECONDS = 1.0
MAX_QUERY_CHARS = 512  # longer queries are refused: parsing time grows with length
MAX_NESTING = 16  # parentheses deeper than this are refused
# Field names users may write before a colon, and the index field each one means.
USER_FIELDS = {
    "text": "text",
    "title": "title",
    "section": "section",
    "author": "authors",
    "authors": "authors",
    "topic": "topics",
    "topics": "topics",
    "source": "source",
    "year": "year",
}
FIELD_PREFIX = re.compile(r"(?<![\w\"'])([A-Za-z_]\w*):(?=[^\s/])")
ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
SUGGEST_MIN_CHARS = 4  # shorter unknown words get no "did you mean"
FALLBACK_MIN_CHARS = 5  # shorter (or non-alphabetic) unmatched words are not replaced
# In a query of more words than this, the words that match carry the search and an unmatched one is
# more often a rare name than a typo: it gets the "did you mean" but is not replaced.
FALLBACK_MAX_WORDS = 6


@dataclass(frozen=True)
class Filters:
    """Restrictions on which paragraphs may match, whatever the query."""

    author: str | None = None
    topic: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None
    language: str | None = None  # an ISO 639-1 code: "fr"


@dataclass(frozen=True)
class QueryPlan:
    """A query ready to run: the Whoosh query, the words to highlight, and what to tell the user.

    ``explain`` says how the query was analysed and expanded (``corpusearch search --explain``);
    ``notices`` say what was searched instead of words that match nothing; ``suggestion`` is the
    query with unknown words replaced by the closest words of the index ("did you mean").
    """

    query: Any
    terms: frozenset[str]
    suggestion: str | None = None
    notices: tuple[str, ...] = ()
    explain: tuple[str, ...] = ()
    # Filled as the query runs: paragraphs matching words of their own text or section.
    own: set[int] = dataclasses.field(default_factory=set, compare=False)
    # The time the query may take (started when planned): see engine.scoring.Budget.
    budget: Budget = dataclasses.field(default_factory=lambda: Budget(QUERY_SECONDS), compare=False)


def plan_query(
    text: str,
    searcher: Any,
    *,
    aliases: Aliases | None = None,
    suggestions: Suggestions | None = None,
) -> QueryPlan:
    """Parse ``text`` against the index behind ``searcher``, expand aliases and fix typos.

    ``suggestions`` caches the closest vocabulary words of unknown words for the index version.
    """
    reader = searcher.reader()
    parsed = parse_query(text, searcher.schema)
    lines = [f"analysed: {_words_line(text)}"]
    aliases = aliases or shipped()
    # A wildcard or fuzzy word asks for variants already, and a word an alias of which matches
    # is a spelling the aliases know: neither is a typo.
    patterns = rewrite.pattern_words(parsed)
    parsed = rewrite.bound_patterns(parsed, reader, lines)
    skip = patterns | rewrite.alias_matched(parsed, aliases, reader)
    suggestion, replacements, notices = corrections(
        text, reader, searcher, skip=skip, cache=suggestions
    )
    if replacements:
        parsed = rewrite.map_terms(parsed, lambda leaf: _replace_unknown(leaf, replacements))
        lines.extend(f"typo: {notice}" for notice in notices)
    parsed = rewrite.expand_aliases(parsed, aliases, lines)
    own: set[int] = set()
    final = rewrite.to_fields(parsed, own)
    lines.append(f"query: {final}")
    return QueryPlan(final, highlight_terms(final), suggestion, tuple(notices), tuple(lines), own)


class Suggestions(Protocol):
    """A cache of typo suggestions: engine.searcher.BoundedCache."""

    def get_or_compute(self, key: Hashable, compute: Callable[[], list[str]]) -> list[str]: ...


def _words_line(text: str) -> str:
    shown = []
    for word in query_words(text):
        result = term(word)
        shown.append(f"{word} -> {result}" if result is not None else f"{word} -> (stop word)")
    return "; ".join(shown) or "(no words)"


class _Parser(QueryParser):  # type: ignore[misc]  # whoosh is untyped
    """A word the analyzer splits ("al-Sadr", "IL-6") matches by any of its parts, ranked by how
    many it has; a quoted "al-Sadr" is the phrase of its parts. Wildcard words are folded only."""

    def multitoken_query(self, spec: str, texts: Any, fieldname: str, *args: Any) -> Any:  # noqa: ARG002  # whoosh's QueryParser signature
        # "al-Sadr" searches "sadr": the particle alone would match every "al-" name.
        kept = [text for text in texts if text not in NAME_PARTICLES] or list(texts)
        if len(kept) == 1:
            termclass, boost = args
            return termclass(fieldname, kept[0], boost=boost)
        return super().multitoken_query("or", kept, fieldname, *args)

    def term_query(self, fieldname: str, text: str, termclass: Any, *args: Any, **kw: Any) -> Any:
        # The text analyzer would stem a pattern ("stabil?ty" -> "stabil?ti"): patterns are
        # matched against the unstemmed vocabulary, so they are only folded.
        if termclass in (q.Prefix, q.Wildcard) and fieldname in rewrite.FIELD_BOOSTS:
            boost = kw.get("boost", args[0] if args else 1.0)
            return termclass(fieldname, fold(text), boost=boost)
        return super().term_query(fieldname, text, termclass, *args, **kw)


def parse_query(text: str, schema: Any) -> Any:
    """The Whoosh tree for ``text``: OR of the words, free words in the ``text`` field.

    Free words stay ``Term("text", ...)`` and phrases ``Phrase("text", ...)`` until
    :func:`corpusearch.engine.rewrite.to_fields` spreads them over the weighted fields.
    """
    cleaned = sanitize(text)
    parser = _Parser(rewrite.TEXT, schema, group=OrGroup)
    parser.remove_plugin_class(RangePlugin)  # open ranges expand to every term of a field
    parser.remove_plugin_class(EveryPlugin)
    parser.add_plugin(FuzzyTermPlugin())
    aliases: dict[str, list[str]] = {}
    for user, field in USER_FIELDS.items():
        if user != field:
            aliases.setdefault(field, []).append(user)
    parser.add_plugin(FieldAliasPlugin(aliases))
    try:
        parsed = parser.parse(cleaned)
    except Exception:  # whoosh's parser has no error type; a fuzzy "~" on a stop word trips it  # noqa: BLE001  # whoosh's parser has no error type
        try:
            parsed = parser.parse(re.sub(r"~\d*", " ", cleaned))
        except Exception as error:
            raise QueryError(f"cannot parse the query {text!r} ({error})") from error
    return lift_negations(parsed)


def sanitize(text: str) -> str:
    """Check limits and fields, and balance stray quotes and parentheses so the query still runs."""
    text = " ".join(without_surrogates(text).split())
    if not text:
        raise QueryError("the query is empty", hint='try: corpusearch search "Muqtada al-Sadr"')
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    for match in FIELD_PREFIX.finditer(text):
        if match.group(1).lower() not in USER_FIELDS:
            known = ", ".join(sorted(set(USER_FIELDS)))
            raise UnknownFieldError(f"unknown field {match.group(1)!r}", hint=f"fields: {known}")
    text = FIELD_PREFIX.sub(lambda m: m.group(1).lower() + ":", text)
    if re.search(r"(?<!\w)[*?]", text):  # after a space, a quote, a bracket...
        raise QueryError(
            "a word cannot start with a wildcard (* or ?)", hint="put letters first: stabili*"
        )
    if text.count('"') % 2:
        text = _drop_last(text, '"')
    return _balance_parentheses(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Lone surrogates (from undecodable command-line bytes) become U+FFFD: they cannot be encoded."""
    return _SURROGATE.sub("\ufffd", text)


def _drop_last(text: str, char: str) -> str:
    at = text.rindex(char)
    return text[:at] + " " + text[at + 1 :]


def _balance_parentheses(text: str) -> str:
    depth = 0
    kept: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"parentheses are nested more than {MAX_NESTING} deep")
        elif char == ")":
            if depth == 0:
                continue
            depth -= 1
        kept.append(char)
    return "".join(kept) + ")" * depth


def lift_negations(node: Any) -> Any:
    """``a OR NOT b`` means "a, without b" to users; Whoosh would match everything lacking b."""
    if isinstance(node, q.CompoundQuery) and not isinstance(node, q.BinaryQuery):
        node = node.__class__(
            [lift_negations(child) for child in node.subqueries], boost=node.boost
        )
        if isinstance(node, q.Or):
            negated = [child.query for child in node.subqueries if isinstance(child, q.Not)]
            positive = [child for child in node.subqueries if not isinstance(child, q.Not)]
            if negated:
                base = q.Or(positive, scale=node.scale) if positive else q.Every()
                return q.AndNot(base, q.Or(negated))
    return node


def filter_query(filters: Filters) -> Any | None:
    """A query every result must also match, or None without filters."""
    parts: list[Any] = []
    for field, value in (
        ("authors", filters.author),
        ("topics", filters.topic),
        ("source", filters.source),
    ):
        if value:
            words = [token.text for token in name_analyzer()(without_surrogates(value))]
            if not words:
                raise QueryError(f"the {field} filter {value!r} has no words")
            parts.append(q.Term(field, words[0]) if len(words) == 1 else q.Phrase(field, words))
    if filters.language:
        parts.append(q.Term("language", without_surrogates(filters.language).strip().lower()))
    if filters.since or filters.until:
        start = parse_day(filters.since, end=False) if filters.since else None
        end = parse_day(filters.until, end=True) if filters.until else None
        if start and end and start > end:
            raise BadDateError(f"--since {filters.since} is after --until {filters.until}")
        parts.append(q.DateRange("date", start, end))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else q.And(parts)


def parse_day(value: str, *, end: bool) -> datetime:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first (or, with ``end``, last) moment it covers."""
    match = ISO_PREFIX.match(value.strip())
    if match is None:
        raise BadDateError(f"{value!r} is not a date", hint="use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    try:
        last = calendar.monthrange(year, month)[1]
        day = int(match.group(3) or (last if end else 1))
        if end:
            return datetime(year, month, day, 23, 59, 59, 999999)
        return datetime(year, month, day)
    except (ValueError, calendar.IllegalMonthError) as error:
        raise BadDateError(f"{value!r} is not a valid date", hint="use YYYY-MM-DD") from error


def highlight_terms(parsed: Any) -> frozenset[str]:
    """What a snippet should mark: the analysed words of the query's free words, and each quoted
    phrase as its words joined by a space (marked only where the whole phrase stands)."""
    terms: set[str] = set()
    for leaf in parsed.leaves():
        if isinstance(leaf, q.Phrase):
            if leaf.fieldname in rewrite.FIELD_BOOSTS:
                terms.add(" ".join(leaf.words))
            continue
        for field, word in leaf.iter_all_terms():
            if field in rewrite.FIELD_BOOSTS and isinstance(word, str):
                terms.add(word)
    for field, word in _negated_terms(parsed):
        if field in rewrite.FIELD_BOOSTS:
            terms.discard(word)
    return frozenset(terms)


def _negated_terms(node: Any) -> set[tuple[str, str]]:
    if isinstance(node, q.AndNot):
        return set(node.b.iter_all_terms()) | _negated_terms(node.a)
    if isinstance(node, q.Not):
        return set(node.query.iter_all_terms())
    if isinstance(node, q.CompoundQuery):
        return set().union(*(_negated_terms(child) for child in node.subqueries))
    return set()


def corrections(
    text: str,
    reader: Any,
    searcher: Any,
    *,
    skip: Collection[str] = (),
    cache: Suggestions | None = None,
) -> tuple[str | None, dict[str, list[str]], list[str]]:
    """The "did you mean" query, the index terms to search for unmatched words, and notices.

    A word the index's vocabulary lacks gets its closest vocabulary word in the suggestion; when
    its index term also matches nothing and the query has at most FALLBACK_MAX_WORDS words (not
    counting stop words), its closest words' terms are searched in its place. A word whose folded
    form or index term is in ``skip`` is left alone.
    """
    corrected = text
    changed = False
    replacements: dict[str, list[str]] = {}
    notices: list[str] = []
    words = list(dict.fromkeys(query_words(FIELD_PREFIX.sub(" ", text))))  # not field names
    replace = sum(term(word) is not None for word in words) <= FALLBACK_MAX_WORDS
    for word in words:
        folded = fold(word)
        wanted = term(word)
        if len(folded) < SUGGEST_MIN_CHARS or is_protected_acronym(word) or word.isupper():
            continue
        if folded in skip or wanted in skip:
            continue
        if reader.doc_frequency(rewrite.VOCABULARY, folded):
            continue

        def closest(folded: str = folded) -> list[str]:
            # Whoosh's spelling automaton takes ~0.1 s on a large vocabulary: cached per version.
            return list(
                searcher.corrector(rewrite.VOCABULARY).suggest(
                    folded, limit=rewrite.TYPO_CHOICES, maxdist=2, prefix=1
                )
            )

        options = closest() if cache is None else cache.get_or_compute(folded, closest)
        if not options:
            continue
        corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", options[0], corrected, count=1)
        changed = True
        if (
            replace
            and wanted is not None
            and len(folded) >= FALLBACK_MIN_CHARS
            and folded.isalpha()
            and not rewrite.known(reader, wanted)
        ):
            terms = rewrite.vocabulary_terms(reader, options)
            if terms:
                replacements[wanted] = terms
                notices.append(f"no match for {word!r}; searched for {', '.join(options)} instead")
    return (corrected if changed else None), replacements, notices


def _replace_unknown(leaf: Any, replacements: dict[str, list[str]]) -> Any:
    if isinstance(leaf, q.Term) and leaf.fieldname == rewrite.TEXT and leaf.text in replacements:
        boost = leaf.boost * rewrite.TYPO_WEIGHT
        return q.Or([q.Term(rewrite.TEXT, t, boost=boost) for t in replacements[leaf.text]])
    if (
        isinstance(leaf, q.Phrase)
        and leaf.fieldname == rewrite.TEXT
        and any(w in replacements for w in leaf.words)
    ):
        words = [replacements.get(w, [w])[0] for w in leaf.words]
        return q.Phrase(rewrite.TEXT, words, slop=leaf.slop, boost=leaf.boost)
    return leaf
