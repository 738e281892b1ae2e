"""Turn what a user typed, and the filters they chose, into a Whoosh query that is safe to run."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whoosh import query as q
from whoosh.qparser import (
    EveryPlugin,
    FieldAliasPlugin,
    MultifieldParser,
    OrGroup,
    RangePlugin,
)

from corpusearch.analysis import name_analyzer
from corpusearch.errors import BadDateError, QueryError, UnknownFieldError

MAX_QUERY_CHARS = 512
MAX_NESTING = 16
# The fields a free-text word searches, with their BM25F weights.
FIELD_BOOSTS = {"text": 1.0, "title": 0.5, "section": 0.3}
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


@dataclass(frozen=True)
class Filters:
    """Restrictions on which paragraphs may match, whatever the query."""

    author: str | None = None
    topic: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class QueryPlan:
    """A query ready to run: the Whoosh query, the words to highlight, and what to tell the user."""

    query: Any
    terms: frozenset[str]
    suggestion: str | None = None
    notices: tuple[str, ...] = ()


def plan_query(text: str, searcher: Any) -> QueryPlan:
    """Parse ``text`` against the index behind ``searcher``."""
    parsed = parse_query(text, searcher.schema)
    return QueryPlan(parsed, highlight_terms(parsed), suggestion=suggest(searcher, text))


def parse_query(text: str, schema: Any) -> Any:
    """The Whoosh query for ``text``: OR of the words, more terms matched ranking higher."""
    cleaned = sanitize(text)
    parser = MultifieldParser(
        list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS, group=OrGroup.factory(0.9)
    )
    parser.remove_plugin_class(RangePlugin)  # open ranges expand to every term of a field
    parser.remove_plugin_class(EveryPlugin)
    aliases: dict[str, list[str]] = {}
    for user, field in USER_FIELDS.items():
        if user != field:
            aliases.setdefault(field, []).append(user)
    parser.add_plugin(FieldAliasPlugin(aliases))
    try:
        parsed = parser.parse(cleaned)
    except Exception as error:  # whoosh's parser has no error type of its own
        raise QueryError(f"cannot parse the query {text!r} ({error})") from error
    return lift_negations(parsed)


def sanitize(text: str) -> str:
    """Check limits and fields, and balance stray quotes and parentheses so the query still runs."""
    text = " ".join(text.split())
    if not text:
        raise QueryError("the query is empty", hint='try: corpusearch search "Muqtada al-Sadr"')
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    for match in FIELD_PREFIX.finditer(text):
        if match.group(1).lower() not in USER_FIELDS:
            known = ", ".join(sorted(set(USER_FIELDS)))
            raise UnknownFieldError(f"unknown field {match.group(1)!r}", hint=f"fields: {known}")
    text = FIELD_PREFIX.sub(lambda m: m.group(1).lower() + ":", text)
    if re.search(r"(?:^|[\s(:])[*?]", text):
        raise QueryError(
            "a word cannot start with a wildcard (* or ?)", hint="put letters first: stabili*"
        )
    if text.count('"') % 2:
        text = _drop_last(text, '"')
    return _balance_parentheses(text)


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
    if isinstance(node, q.CompoundQuery):
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
            words = [token.text for token in name_analyzer()(value)]
            if not words:
                raise QueryError(f"the {field} filter {value!r} has no words")
            parts.append(q.Term(field, words[0]) if len(words) == 1 else q.Phrase(field, words))
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
    """The analysed words of the query that a snippet should mark (text, title and section terms)."""
    terms: set[str] = set()
    for field, word in parsed.iter_all_terms():
        if field in FIELD_BOOSTS and isinstance(word, str):
            terms.add(word)
    for field, word in _negated_terms(parsed):
        if field in FIELD_BOOSTS:
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


def suggest(searcher: Any, text: str) -> str | None:
    """The query with each word the index has never seen replaced by its closest known word."""
    words = re.findall(r"\w+(?:['’]\w+)*", text)
    if not words:
        return None
    reader = searcher.reader()
    changed = False
    corrected = text
    corrector = searcher.corrector("words")
    for word in words:
        folded = [token.text for token in name_analyzer()(word)]
        if len(folded) != 1 or len(folded[0]) < 4 or word.isupper():
            continue
        if reader.doc_frequency("words", folded[0]):
            continue
        options = corrector.suggest(folded[0], limit=1, maxdist=2)
        if options:
            corrected = re.sub(rf"\b{re.escape(word)}\b", options[0], corrected, count=1)
            changed = True
    return corrected if changed else None
