"""Lines of a text dump and the general rules that recognise page furniture among them."""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from corpusearch.extract.metadata import find_date, parse_byline

# The marks of a list item (parse_lines strips the same without the regex).
BULLET = re.compile(r"^\s*(?:[•*·▪◦‣-]\s*)+(?=\S|$)")
_BULLET_CHARS = "•*·▪◦‣-"
# Whole lines that end an article: teasers, comments, error tails (matched after _marker()).
TEASER = re.compile(
    r"^(?:related(?:\s+\w+){0,2}|more\s+(?:from|on|in|stories|news|articles|to\s+(?:read|explore))"
    r"\b.*|most\s+(?:popular|read|viewed|shared|commented)\b.*|recommended(?:\s+\w+){0,2}"
    r"|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy)\b.*|read\s+(?:next|also)|also\s+read"
    r"|see\s+also|further\s+reading|trending(?:\s+\w+)?|popular\s+(?:posts|stories|articles)"
    r"|editor['’]?s\s+picks|(?:latest|top)\s+(?:news|stories|headlines|articles|posts)"
    r"|about\s+the\s+authors?|share\s+this(?:\s+\w+)?|tags?|topics|filed\s+under"
    r"|(?:tags?|topics|keywords|categories|filed\s+under)\s*:.*|page\s+not\s+found|not\s+found"
    r"|(?:error\s+)?404(?:\s+error)?"
    # the same markers in the other languages the pages come in most
    r"|voc[eê]\s+(?:pode|tamb[eé]m)\s+(?:gostar|curtir)\b.*|(?:veja|leia)\s+tamb[eé]m"
    r"|(?:mat[eé]rias|not[ií]cias|artigos|art[ií]culos)\s+relacionad[oa]s|tambi[eé]n\s+te\s+puede"
    r"\b.*|(?:[àa]\s+)?lire\s+aussi|sur\s+le\s+m[eê]me\s+sujet|articles?\s+(?:similaires|li[ée]s)"
    r"|das\s+k[öo]nnte\s+sie\b.*|weitere\s+(?:artikel|themen|nachrichten)|mehr\s+zum\s+thema"
    r"|leggi\s+anche|articoli\s+correlati|potrebbe\s+interessarti\b.*|関連記事)$",
    re.IGNORECASE,
)
# "12 thoughts on “Title”", "One response to “Title”": the header of a blog's comments
_COMMENTS_ON = r"(?:\d+|one|no)\s+(?:thoughts?|responses?|comments?|replies)\s+(?:on|to)\s+\S.*"
_COMMENT_SECTION = (
    r"\d+\s+(?:comments?|responses|replies|reactions)|(?:\w+\s+){0,2}comments?(?:\s+\d+)?"
    r"|leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|join\s+the\s+(?:discussion"
    r"|conversation)|reader\s+comments|discussion|coment[aá]rios?|commentaires?|kommentare?|commenti"
)
# One comment's header ("Jane Doe says:"): always with a colon, and slow to try on long lines.
_COMMENT_HEADER = r"\S.{0,40}\s+(?:says|wrote):|\S.{0,60}\d.{0,20}\s+(?:says|said|wrote|replied):"
COMMENTS = re.compile(rf"^(?:{_COMMENT_SECTION}|{_COMMENT_HEADER})$", re.IGNORECASE)
# "Tags: a, b" or a run-together "TopicsIranIraq" line
TOPICS_LINE = re.compile(
    r"^(?i:topics?|tags?|keywords|categories|filed\s+under|タグ|标签)(?:\s*[:：]\s*|(?=[A-Z]))"
    r"(?P<rest>\S.*)$"
)
# The first letters of the TOPICS_LINE terms, lowercased (none folds specially): a quick "no".
TOPICS_FIRST = frozenset("tkcfタ标")
JUNK = re.compile(
    r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|share|tweet|e-?mail|print"
    r"|subscribe\b.*|sign\s+(?:up|in)\b.*|log\s*in|click\s+here\b.*|(?:read|see)\s+more\b.*"
    r"|continue\s+reading\b.*|story\s+continues\s+below.*|skip\s+to\b.*|go\s+to\s+\w+.*"
    r"|share\s+(?:on|via)\b.*|follow\s+us\b.*|bool\(\w+\)|null|undefined|\W*"
    # teasers of the site's other pages and invitations to share or comment
    r"|sponsored\s+links?|also\s+on\s+\S+\.[a-z]{2,4}\b.*|tell\s+us\s+what\s+you\s+think\W*"
    r"|(?:like|enjoyed?)\s+this\s+(?:story|article)\?.*|スポンサードリンク|広告|广告"
    # HTML markup printed as text
    r"|(?:&lt;|<)/?[a-z][a-z0-9]*(?:\s+[\w:-]+=.*|\s*/?(?:&gt;|>).*))$",
    re.IGNORECASE,
)
# is_furniture_lower() pre-checks the first word of each term: keep _FURNITURE_FIRST_WORDS in step.
FURNITURE = re.compile(
    r"\b(?:cookies?|privacy|newsletter|subscribe|subscription|javascript|browser|sign\s+up"
    r"|log\s+in|password|copyright|rights\s+reserved|terms\s+of|advertis\w*|download\s+the\s+app)\b",
    re.IGNORECASE,
)
_CREDIT_WORDS = (
    r"photo|photograph|image|picture|illustration|credit|source|video|graphic|getty|afp|reuters"
    r"|shutterstock|istock|epa|ap\s+photo|courtesy|file\s+photo"
)
_CAPTION_START = re.compile(r"^\(?(?:" + _CREDIT_WORDS + r")s?\b[^:|]{0,40}[:|]", re.IGNORECASE)
_CAPTION_END = re.compile(
    r"(?:\((?:[^()]*\b(?:" + _CREDIT_WORDS + r")\b[^()]*)\)|[/|]\s*(?:" + _CREDIT_WORDS + r")\b.*)"
    r"\s*$",
    re.IGNORECASE,
)
# "Image copyright Getty Images Image caption What the picture shows"
_IMAGE_CAPTION = re.compile(r"^image\s+(?:copyright|caption)\b|\bimage\s+caption\b", re.IGNORECASE)
_CREDIT_ONLY = re.compile(r"^(?:(?:" + _CREDIT_WORDS + r")\b\s*)+(?:images?)?$", re.IGNORECASE)
DISCLAIMER = re.compile(
    r"\b(?:opinions?|views?)\s+expressed\b|\bdo(?:es)?\s+not\s+necessarily\s+(?:reflect|represent)"
    r"|\ball\s+rights\s+reserved\b|^©|^copyright\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]」』]*$")
# Frequent function words of the languages the benchmark pages use most.
STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "the a an and or of to in on for with by at from as is are was were be been that this it "
        "its he she they we you his her their our not but have has had will would can could said "
        "which who what when there than also more le la les des du de et est un une pour dans qui "
        "que sur pas au avec der die das und ist ein eine nicht mit den von zu auf el los las del y "
        "en que por con para una es o da do dos das em um uma com não os il di che per non sono",
    )
)


class Line(NamedTuple):
    """One non-blank line of a dump."""

    text: str
    bullet: bool
    group: int  # index of the blank-line separated group
    first_in_group: bool
    words: int


def parse_lines(text: str) -> list[Line]:
    """The non-blank lines of a dump, bullets stripped, spaces folded."""
    lines: list[Line] = []
    group = 0
    previous_blank = True
    make = tuple.__new__  # Line(...) goes through a Python-level __new__: twice as slow
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if not text.isascii():  # a line of zero-width characters only is blank, not a line
        text = text.translate(_INVISIBLE)
    for raw in text.split("\n"):
        words = raw.split()
        if not words:
            if not previous_blank:
                group += 1
            previous_blank = True
            continue
        bullet = words[0][0] in _BULLET_CHARS
        if bullet:  # strip what BULLET matches: the marks and the spaces among them
            while words and not words[0].lstrip(_BULLET_CHARS):
                del words[0]
            if not words:
                continue
            words[0] = words[0].lstrip(_BULLET_CHARS)
        clean = " ".join(words)
        count = len(words) if clean.isascii() else _word_count(clean, len(words))
        lines.append(make(Line, (clean, bullet, group, previous_blank, count)))
        previous_blank = False
    return lines


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _word_count(text: str, tokens: int) -> int:
    """Words of ``text`` (``tokens`` space-separated), two CJK characters counting as one word."""
    if _WIDE.search(text) is None:  # most lines: faster than counting
        return tokens
    return tokens + len(_WIDE.findall(text)) // 2


def marker(text: str) -> str:
    """A line's text (spaces folded, as in :class:`Line`) reduced to its words, for matching
    section markers ("[ 16 comments ]")."""
    if text.replace(" ", "").isalnum():
        return text  # most short lines are words and single spaces: nothing to strip or fold
    return " ".join(_NOT_MARKER.sub(" ", text).split())


_NOT_MARKER = re.compile(r"[^\w:'’ ]+")


def is_teaser_marker(line: Line) -> bool:
    """Markers after which teasers of other pages, or the page's tags, follow."""
    return markers(line.text, line.words)[0]


def is_comment_marker(line: Line) -> bool:
    """Markers of a comment section or of one comment ("N Comments", "Jane says:")."""
    return markers(line.text, line.words)[1]


MARKER_WORDS = 16  # no section marker is longer


@lru_cache(maxsize=8192)
def markers(text: str, words: int) -> tuple[bool, bool]:
    if words > MARKER_WORDS:
        return False, False
    short = marker(text).lower()
    teaser = (short[:1] in TOPICS_FIRST and TOPICS_LINE.match(text) is not None) or (
        words <= 6 and _TEASER_LOWER.match(short) is not None
    )
    # every _COMMENT_SECTION term holds one of these words: most lines skip the regex
    hinted = (
        "comment" in short
        or "coment" in short
        or "kommentar" in short
        or "respons" in short
        or "repl" in short
        or "reaction" in short
        or "discussion" in short
        or "conversation" in short
    )
    comment = (hinted and _COMMENT_SECTION_LOWER.match(short) is not None) or (
        ":" in short and _COMMENT_HEADER_LOWER.match(short) is not None
    )
    return teaser, comment


# The marker patterns on lowercased text: much faster than re.IGNORECASE.
_TEASER_LOWER = re.compile(TEASER.pattern)
_COMMENT_SECTION_LOWER = re.compile(rf"^(?:{_COMMENT_SECTION})$")
_COMMENT_HEADER_LOWER = re.compile(rf"^(?:{_COMMENT_HEADER})$")
_COMMENTS_ON_LOWER = re.compile(_COMMENTS_ON)


def is_comments_header(line: Line) -> bool:
    """The header of a blog's comments: "12 thoughts on “Title”", "One response to “Title”"."""
    # Only a stop for the body, not one of the line model's comment markers: as a feature it moved
    # the learned weight of lines after comments and cost 0.004 F1 (cross-validated).
    first = line.text[:1]  # a number, "one" or "no": a quick "no" for other lines
    if not (first.isdecimal() or first in "oOnN"):
        return False
    return _COMMENTS_ON_LOWER.match(line.text.lower()) is not None


def is_caption(line: Line, previous: Line | None) -> bool:
    """Photo credits and captions; with ``previous``, also a long line glued under short labels."""
    return is_caption_text(line.text, line.text.lower()) or (
        previous is not None
        and not line.first_in_group
        and previous.group == line.group
        and previous.words <= 4
    )


def is_caption_text(text: str, lower: str) -> bool:
    """:func:`is_caption` by the text alone (``lower``: the text lowercased)."""
    if (
        _CREDIT_ONLY.match(text)
        # the search ignores case and is slow: most lines lack "image" (m, a, g, e fold simply)
        or ("mage" in lower and _IMAGE_CAPTION.search(text))
        or (("|" in text or ":" in text) and _CAPTION_START.match(text))
        # a credit at the end follows a "/" or "|", or stands in brackets
        or (
            ("|" in text or "/" in text or text.rstrip().endswith(")"))
            and _CAPTION_END.search(text)
        )
    ):
        return True
    head, sep, _ = text.partition(" | ")
    return bool(sep) and len(head.split()) <= 6 and "," in head  # "Name, Agency | the picture"


def is_heading(line: Line) -> bool:
    """Short, unpunctuated lines (questions allowed) that head a section."""
    text = line.text
    return (
        not line.bullet
        and line.words <= 15
        and len(text) <= 120
        and (not ends_sentence(text) or text.rstrip("\"'”’ ").endswith("?"))
        and (text[0].isupper() or text[0].isdigit())
        and not is_table_row(text)
    )


_NUMBER = re.compile(r"^[-+]?[\d.,:%/]+$")


def is_table_row(text: str) -> bool:
    """A line of a flattened table: several cells, at least a third of them numbers."""
    cells = text.split()
    numbers = len(list(filter(_NUMBER.match, cells)))
    return numbers >= 2 and 3 * numbers >= len(cells)


def is_byline_or_date(line: Line) -> bool:
    """A short line that is a date stamp or a "By ..." byline."""
    return line.words <= 12 and byline_or_dated(line, find_date(line.text))


def byline_or_dated(line: Line, found: tuple[str, int, int] | None) -> bool:
    """:func:`is_byline_or_date` given the line's :func:`find_date` (``found``), but for its length."""
    if found is not None and len(line.text) - (found[2] - found[1]) < 30:
        return True
    return line.text[:2].lower() == "by" and bool(parse_byline(line.text))


def ends_sentence(text: str) -> bool:
    """Whether a line's text matches :data:`SENTENCE_END` (without the slow regex search)."""
    return text.rstrip(_CLOSERS)[-1:] in _SENTENCE_MARKS


_SENTENCE_MARKS = ".!?…:;。！？"
_CLOSERS = "\"'”’»)]」』"


def is_prose(line: Line) -> bool:
    return line.words >= 10 and not line.bullet and ends_sentence(line.text)


def is_bullet_prose(line: Line) -> bool:
    """A list item that is a full sentence or more (articles written as bullet points)."""
    return line.bullet and line.words >= 15 and ends_sentence(line.text)


# A lower-case letter run into a capital ("NewsThe", "now?The"), matched from the character after
# the letter: a pattern that opens with one character set lets the regex engine skip ahead to
# capitals (and ?!), much rarer than lower case.
_GLUE = re.compile(r"[A-Z?!](?:(?<=[a-z][A-Z])|(?<=[a-z][?!])[A-Z])(?=[a-z]|\s)")


def is_glued_teaser(text: str) -> bool:
    """A teaser of another page: a title-case headline run into its summary ("Big NewsThe ...")."""
    start = text[:200]
    if _GLUE.search(start) is None:  # most lines: much faster than starting finditer()
        return False
    for match in _GLUE.finditer(start):
        head = text[: match.start()].split()
        if len(head) >= 4 and sum(map(str.isupper, map(_FIRST, head))) >= 0.7 * len(head):
            return True
    return False


def capitalised(text: str) -> int:
    """How many space-separated words start with an upper-case letter."""
    if text.isascii():  # capitals marked 1, spaces 32, counted by the pair: a third faster
        marked = text.encode().translate(_MARK_CAPITALS)
        return marked.count(b" \x01") + (marked[:1] == b"\x01")
    return sum(map(str.isupper, map(_FIRST, text.split())))


_FIRST = operator.itemgetter(0)
_MARK_CAPITALS = bytes(
    1 if 65 <= byte <= 90 else 32 if chr(byte).isspace() else 0 if byte == 1 else byte
    for byte in range(256)
)


def words_of(text: str) -> list[str]:
    """The ``\\w+`` words of ``text``."""
    if text.isascii():  # word characters kept as bytes, the rest made spaces: a quarter faster
        return text.encode().translate(_ASCII_WORDS).decode().split()
    return _WORD.findall(text)


_ASCII_WORDS = bytes(
    byte if byte < 128 and (chr(byte).isalnum() or byte == 95) else 32 for byte in range(256)
)


def count_digits(text: str) -> int:
    """How many characters of ``text`` are (Unicode) decimal digits."""
    if text.isascii():
        return len(text) - len(text.encode().translate(None, b"0123456789"))
    return len(_NOT_DIGITS.sub("", text))


_NOT_DIGITS = re.compile(r"\D+")


# FURNITURE and DISCLAIMER on lowercased text: much faster than re.IGNORECASE on every line.
_FURNITURE_LOWER = re.compile(FURNITURE.pattern)
# Every FURNITURE term starts with one of these whole words, or with "advertis".
_FURNITURE_FIRST_WORDS = frozenset(
    {
        "cookie", "cookies", "privacy", "newsletter", "subscribe", "subscription", "javascript",
        "browser", "sign", "log", "password", "copyright", "rights", "terms", "download",
    }
)  # fmt: skip
_DISCLAIMER_LOWER = re.compile(DISCLAIMER.pattern)


def is_furniture_lower(lower: str, words: Sequence[str]) -> bool:
    """:data:`FURNITURE` in lowercased text whose ``\\w+`` words are ``words``."""
    if _FURNITURE_FIRST_WORDS.isdisjoint(words) and "advertis" not in lower:
        return False
    return _FURNITURE_LOWER.search(lower) is not None


def is_disclaimer(text: str) -> bool:
    """:data:`DISCLAIMER` in ``text``."""
    lower = text.lower()
    # every DISCLAIMER term holds one of these, in letters whose case folds simply (no i, k, s):
    # most lines are rejected without the slow case-blind search
    hinted = (
        "expre" in lower or "nece" in lower or "rved" in lower or "©" in lower or "copyr" in lower
    )
    return hinted and DISCLAIMER.search(text) is not None


def is_disclaimer_lower(lower: str) -> bool:
    """:data:`DISCLAIMER` in lowercased text."""
    # every DISCLAIMER term holds one of these: most lines are rejected without the regex
    hinted = (
        "express" in lower
        or "necessarily" in lower
        or "rights" in lower
        or "©" in lower
        or "copyright" in lower
    )
    return hinted and _DISCLAIMER_LOWER.search(lower) is not None


_LINK = re.compile(r"https?:|www\.|@\w|#\w")


def has_link(text: str) -> bool:
    """A URL, handle or hashtag in the text."""
    hinted = ":" in text or "www." in text or "@" in text or "#" in text  # one per _LINK term
    return hinted and _LINK.search(text) is not None


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    """The words of more than three letters of ``text``, lowercased, that are not stop words."""
    return content_words_of(words_of(text.lower()))


def content_words_of(words: Sequence[str]) -> frozenset[str]:
    """:func:`content_words` of words already split and lowercased."""
    return frozenset([word for word in words if len(word) > 3 and word not in STOPWORDS])
