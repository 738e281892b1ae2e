"""Text-level metadata helpers: dates, bylines, titles with a site suffix, run-together topic lists.

Pure functions over strings, shared by the text-dump and HTML extractors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date as _date

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            # English, then the French, German, Spanish, Portuguese and Italian names
            ("january", "jan", "janvier", "januar", "enero", "janeiro", "gennaio"),
            ("february", "feb", "février", "fevrier", "februar", "febrero", "fevereiro", "febbraio"),
            ("march", "mar", "mars", "märz", "marzo", "março"),
            ("april", "apr", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maio", "maggio"),
            ("june", "jun", "juin", "juni", "junio", "junho", "giugno"),
            ("july", "jul", "juillet", "juli", "julio", "julho", "luglio"),
            ("august", "aug", "août", "aout", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre", "setembro", "settembre"),
            ("october", "oct", "octobre", "oktober", "octubre", "outubro", "ottobre"),
            ("november", "nov", "novembre", "noviembre", "novembro"),
            ("december", "dec", "décembre", "decembre", "dezember", "diciembre", "dezembro",
             "dicembre"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_Trie = dict[str, "_Trie"]


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, their shared prefixes factored out.

    The regex engine tries the branches of "jan|january|janvier|..." one by one at every
    position; factored, "jan(?:uary|vier|...)?", it tests each character once.
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _trie_pattern(trie)


def _trie_pattern(node: _Trie) -> str:
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = "|".join(branches)
    if "" in node:
        return f"(?:{body})?"  # greedy: the longer word first
    return body if len(branches) == 1 else f"(?:{body})"


_MONTH_NAMES = _alternation(_MONTHS)
_MONTH = r"(?P<month>" + _MONTH_NAMES + r")\.?(?!\w)"
_MONTH_WORD = re.compile(r"\b(?:" + _MONTH_NAMES + r")\b")  # a month name as a whole word
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?:(?!\d)|(?=\d{1,2}:\d\d))"
_YEAR_RUN = re.compile(r"(?:19|20)\d\d")
_SHORT_YEAR = re.compile(r"\d/\d\d(?![\d/])")  # a numeric date's two-digit year ("11/19/19")
# Month names are matched in lowercased text (much faster than re.IGNORECASE, same positions).
_NAMED_DATES = [
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR),
    # "6 July 2017", "6th of July, 2017", "22 de outubro de 2010", "13. November 2019"
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+|de\s+)?" + _MONTH + r",?\s+(?:de\s+)?" + _YEAR),
]
# Numeric dates, each with the year and separator it needs (a quick test before the slow regex).
_NUMERIC_DATES = [
    (
        re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]?\d)-(?P<day>[0-3]?\d)(?!\d)"),
        re.compile(r"(?:19|20)\d\d-"),
    ),
    (
        re.compile(r"\b(?P<year>(?:19|20)\d\d)/(?P<mnum>[01]?\d)/(?P<day>[0-3]?\d)(?!\d)"),
        re.compile(r"(?:19|20)\d\d/"),
    ),
    # US order, month first (the commonest numeric form on English pages)
    (
        re.compile(r"\b(?P<mnum>[0-3]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)\d\d)(?!\d)"),
        re.compile(r"/(?:19|20)\d\d"),
    ),
    # US order with a two-digit year ("11/19/19"): the year read as 20YY
    (
        re.compile(r"(?<![\d/])(?P<mnum>[0-3]?\d)/(?P<day>[0-3]?\d)/(?P<short>\d\d)(?![\d/])"),
        re.compile(r"\d/\d\d(?![\d/])"),
    ),
    # dotted numeric dates are written day first ("13.11.2019")
    (
        re.compile(
            r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d)"
        ),
        re.compile(r"\.(?:19|20)\d\d"),
    ),
]
# The letters re.IGNORECASE equates with a month name's but str.lower() does not map to them
# ("İ" is also the one character whose lowercase is two characters long).
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})
_UNFOLDED = re.compile("[İıſ]")

_NAME_PARTICLES = {"de", "da", "del", "della", "der", "di", "du", "la", "le", "van", "von", "bin"}
# Words that look like a name in title case but are page furniture or roles, never a person.
_NOT_NAME_WORDS = {
    "admin", "administrator", "editor", "editors", "editorial", "staff", "team", "desk", "writer",
    "reporter", "correspondent", "contributor", "guest", "news", "newsroom", "press", "media",
    "share", "print", "email", "comments", "comment", "follow", "subscribe", "home", "menu",
    "search", "edition", "more", "read", "video", "photo", "photos", "updated", "published",
    "posted", "author", "authors", "the", "sign", "login", "log", "in", "up", "us", "about",
    "contact", "support", "by", "and", "or", "of", "for", "on", "with", "via", "from", "to",
    "wire", "service", "services", "agency", "online", "magazine", "daily", "times", "journal",
    "post", "herald", "tribune", "institute", "university", "department", "office", "group",
    "company", "inc", "ltd", "llc", "corp", "my", "your", "our", "all", "new", "top", "latest",
    "key", "points", "courtesy", "site", "tools", "true", "false", "mostly", "based", "evidence",
    "business", "insider", "black", "friday", "commented", "most", "breaking", "live", "watch",
    "listen", "related", "sponsored", "image", "images", "copyright", "getty", "stock",
    # newspaper title words, as in "Jane Doe Florida Today"
    "today", "leader", "gazette", "chronicle", "courier", "sentinel", "observer", "bulletin",
    "dispatch", "enquirer", "inquirer", "examiner", "telegraph", "guardian", "independent",
    "facebook", "twitter", "linkedin", "reddit", "pinterest", "instagram", "whatsapp", "youtube",
}  # fmt: skip
_BYLINE_VERBS = (
    "examines|explores|reports|writes|looks|explains|analyses|analyzes|investigates|asks|"
    "takes|discusses|considers|argues|reviews|assesses|finds|visits|meets|talks|travels"
)
_POSSESSIVE = re.compile(
    r"(?P<org>(?:[A-Z0-9][\w&.-]*\s+){0,3}[A-Z0-9][\w&.-]*)['’]s\s+"
    r"(?P<name>(?:[A-Z][\w.'’-]*\s+){1,3}?[A-Z][\w'’-]+)\s+(?:" + _BYLINE_VERBS + r")\b"
)
_BY_PREFIX = re.compile(
    r"^\s*(?:(?:(?:written|posted|reported|story|text|words|article)\s+)?by|von|par|por|door)"
    r"\s*[:\-]?\s+",
    re.IGNORECASE,
)
_AUTHOR_PREFIX = re.compile(r"^\s*(?:authors?|written by|posted by)\s*[:\-]\s*", re.IGNORECASE)
# News agencies credited in place of a person ("By Associated Press", "Reuters").
_AGENCY = re.compile(
    r"^(?:The\s+)?(?P<agency>Associated\s+Press|Reuters|Agence\s+France-Presse|AFP|AP|PTI|IANS"
    r"|ANI|UPI|dpa|EFE|ANSA|Xinhua|Press\s+Trust\s+of\s+India|Deutsche\s+Presse-Agentur)$",
    re.IGNORECASE,
)
_WEEKDAY_TAIL = re.compile(
    r"(?:\s*,|\s+on)\s+(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s*$",
    re.IGNORECASE,
)
TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " · ", " » ")


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first calendar date in ``text`` as (ISO day, start, end), or None."""
    if _YEAR_RUN.search(text) is None and _SHORT_YEAR.search(text) is None:
        return None
    plain = text.isascii() or _UNFOLDED.search(text) is None  # translate() is slow: skip it
    lower = (text if plain else text.translate(_FOLD)).lower()
    # most lines have no month name, and skip the slow named patterns
    named = _MONTH_WORD.search(lower) is not None
    patterns = (_NAMED_DATES if named else []) + [
        pattern for pattern, hint in _NUMERIC_DATES if hint.search(text) is not None
    ]
    best: tuple[str, int, int] | None = None
    for pattern in patterns:
        for match in pattern.finditer(lower):
            groups = match.groupdict()
            month = int(groups["mnum"]) if groups.get("mnum") else _MONTHS[groups["month"]]
            year = int(groups["year"]) if groups.get("year") else _century(int(groups["short"]))
            number = int(groups["day"])
            if groups.get("mnum") and month > 12 >= number:
                month, number = number, month  # "19/11/2019": unambiguously day first
            try:
                day = _date(year, month, number)
            except ValueError:
                continue
            if best is None or match.start() < best[1]:
                best = (day.isoformat(), match.start(), match.end())
            break
    return best


_LAST_SHORT_YEAR = 39  # a two-digit year up to this is 20YY, above it 19YY


def _century(short: int) -> int:
    return 2000 + short if short <= _LAST_SHORT_YEAR else 1900 + short


def parse_date(text: str) -> str | None:
    """The first date in ``text`` ("July 6, 2017", "6 July 2017", "2017-07-06") as YYYY-MM-DD."""
    found = find_date(text)
    return found[0] if found else None


def parse_series(text: str) -> str | None:
    """The series label of a line like "Insight No. 949, July 6, 2017" ("Insight No. 949")."""
    match = re.match(r"^\s*(?P<series>.{2,80}?\b(?:No\.?|Number|Nr\.?|#)\s*\d+)\b", text)
    if match is None:
        return None
    return match.group("series").strip(" ,;:-")


def is_person_name(text: str) -> bool:
    """True when ``text`` looks like one person's name ("Sarah E. Needleman", "Ali al-Sistani")."""
    words = text.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in text):
        return False
    if re.search(r"[@:/|()\[\]{}!?;,\"“”]", text):
        return False
    capitalised = 0
    for word in words:
        bare = word.strip(".'’-")
        if not bare:
            return False
        if bare.lower().split("-")[0] in _NOT_NAME_WORDS:
            return False  # the word, or the first part of one like "Editor-at-large"
        if bare.lower() in _NAME_PARTICLES:
            continue
        bare = re.sub(r"^(?:al-|el-|d['’])", "", bare, flags=re.IGNORECASE) or bare
        if not bare[0].isupper():
            return False
        if len(bare) > 3 and bare.isupper():
            return False
        capitalised += 1
    return capitalised >= 2


def clean_name(text: str) -> str:
    """A name with spaces folded and stray punctuation trimmed."""
    return " ".join(text.split()).strip(" ,;:-–—|•")


# A role after a name ("Jane Doe, Staff Writer", "Michael HiltzikBusiness Columnist"): the
# role's noun, and the words that may stand before it.
_ROLE_NOUNS = {
    "columnist", "writer", "editor", "correspondent", "reporter", "contributor", "staff",
    "producer", "analyst", "critic", "photographer", "journalist", "redakteur", "redakteurin",
}  # fmt: skip
_ROLE_WORDS = _ROLE_NOUNS | {
    "business", "opinion", "sports", "senior", "chief", "political", "deputy", "associate",
    "managing", "contributing", "special", "national", "foreign", "international", "news",
    "science", "health", "tech", "technology", "entertainment", "culture", "travel", "food",
    "staff", "agency", "investigative", "assistant", "executive", "white", "house", "economics",
    "digital", "freelance", "politics", "legal", "education", "features", "arts", "music",
}  # fmt: skip
_GLUE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TRAILING_GLUE = re.compile(r"(?<=[a-z])(?:View|By|Follow|Email|Twitter|Bio)$")


def strip_role(name: str) -> str:
    """A byline name without the role or button text glued or set after it ("Michael
    HiltzikBusiness Columnist" and "Jose AltoverosView" give the names); a name is never cut
    below two words."""
    name = _TRAILING_GLUE.sub("", clean_name(name))
    glued = list(_GLUE.finditer(name))
    for match in glued:
        tail = name[match.start() :].split()
        if tail and tail[-1].lower() in _ROLE_NOUNS and _all_roles(tail):
            head = name[: match.start()].strip()
            if len(head.split()) >= 2:
                return head
    words = name.split()
    if words and words[-1].lower() in _ROLE_NOUNS:
        cut = len(words)
        while cut > 2 and words[cut - 1].lower().strip(",") in _ROLE_WORDS:
            cut -= 1
        return " ".join(words[:cut]).rstrip(",")
    return name


def _all_roles(words: list[str]) -> bool:
    return all(word.lower().strip(",") in _ROLE_WORDS for word in words)


def parse_byline(text: str) -> tuple[str, ...]:
    """Person names of a byline: "By A and B", "A, B and C", "ORG's A examines ...".

    Roles, site names and handles are dropped; an unparseable line gives ().
    """
    possessive = _POSSESSIVE.search(text)
    if possessive is not None and is_person_name(possessive.group("name")):
        return (clean_name(possessive.group("name")),)
    line = _AUTHOR_PREFIX.sub("", _BY_PREFIX.sub("", text))
    prefixed = line != text
    found_date = find_date(line)
    if found_date is not None:
        line = line[: found_date[1]]
    line = re.split(
        r"\s[|•·/]\s|\s[-–—]\s|\s?@|\bon\s*$|\bupdated\b|\bpublished\b", line, maxsplit=1
    )[0]
    line = _WEEKDAY_TAIL.sub("", line)
    agency = _AGENCY.match(clean_name(line))
    if agency is not None:
        return (agency.group("agency"),)
    parts = re.split(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", line)
    # a part that is only a role ("Agency Staff Writer") is no second author
    parts = [part for part in parts if part.strip() and not _role_only(part)]
    names = [_without_affiliation(strip_role(part)) for part in parts]
    if prefixed:  # "By A, B, Agency Staff": the names up to the first part that is not one
        names = names[: next((i for i, n in enumerate(names) if not is_person_name(n)), len(names))]
    if not names or not all(is_person_name(name) for name in names):
        return ()
    return tuple(dict.fromkeys(names))


def _role_only(part: str) -> bool:
    words = part.split()
    return (
        bool(words)
        and words[-1].lower() in _ROLE_NOUNS
        and (_all_roles(words[:-1]) or not is_person_name(" ".join(words[:2])))
    )


def _without_affiliation(text: str) -> str:
    """A name with the publication after it dropped ("Jane Doe USA TODAY" gives "Jane Doe")."""
    if is_person_name(text):
        return text
    words = text.split()
    for size in (2, 3):
        head, tail = words[:size], words[size:]
        last = head[-1].strip(".") if len(head) == size else ""
        if (
            not 2 <= len(tail) <= 5
            or len(last) < 2
            or last.isupper()
            or not is_person_name(" ".join(head))
        ):
            continue
        if not all(word[0].isupper() for word in tail):
            continue
        folded = [word.strip(".,").lower() for word in tail]
        if all(word.isupper() for word in tail) or any(w in _NOT_NAME_WORDS for w in folded):
            return " ".join(head)
    return text


def possessive_source(text: str) -> str | None:
    """The organisation of a possessive byline ("ORG's Jane Doe examines" gives "ORG")."""
    match = _POSSESSIVE.search(text)
    if match is None or not is_person_name(match.group("name")):
        return None
    return fold_caps(match.group("org"))


def fold_caps(text: str) -> str:
    """Title-case all-capital words longer than four letters, keeping short acronyms."""
    return " ".join(
        word.capitalize() if word.isupper() and len(word) > 4 else word for word in text.split()
    )


def split_title(text: str) -> tuple[str, str | None]:
    """Split "Headline | Site" (or " - Site") into (headline, site); (text, None) when no suffix."""
    line = " ".join(text.split())
    for separator in TITLE_SEPARATORS:
        if separator in line:
            head, _, tail = line.rpartition(separator)
            if 0 < len(tail.split()) <= 5 and len(head.split()) >= len(tail.split()):
                return head.strip(), tail.strip()
    return line, None


def segment_topics(text: str, labels: Iterable[str] = ()) -> tuple[str, ...]:
    """Split a run-together or delimited topic list into topic names.

    Delimited lists ("A, B | C") split on the delimiters. Run-together ones ("IranIraqIslamic
    State") are segmented at lower-to-upper case joins, keeping any of the page's own ``labels``
    (menu items) whole even when they contain such a join.
    """
    text = " ".join(text.split()).strip(" :")
    if re.search(r"[,|;•·]", text):
        return tuple(part.strip() for part in re.split(r"\s*[,|;•·]\s*", text) if part.strip())
    known = {label.strip() for label in labels if label.strip()}
    cuts = {0, len(text)}
    cuts.update(m.start() for m in re.finditer(r"(?<=[a-z0-9)])(?=[A-Z])", text))
    # best[i] = (unknown segments, segments) for the cheapest split of text[:i]
    best: dict[int, tuple[int, int, tuple[str, ...]]] = {0: (0, 0, ())}
    for end in range(1, len(text) + 1):
        choices = []
        for start, (unknown, count, parts) in best.items():
            piece = text[start:end].strip()
            if not piece:
                continue
            if piece in known:
                choices.append((unknown, count + 1, (*parts, piece)))
            elif end in cuts and start in cuts and not any(start < c < end for c in cuts):
                choices.append((unknown + 1, count + 1, (*parts, piece)))
        if choices:
            best[end] = min(choices, key=lambda choice: (choice[0], choice[1]))
    if len(text) not in best:
        return (text,) if text else ()
    return best[len(text)][2]


# A stock ticker ("6758.TO", "NYSE:IBM"), an identifier ("autoplay_video", "tag=123"), a CMS code
# ("6-keys: media/spln/nfl") or a bare number: furniture of the page's markup, never a topic.
_JUNK_TOPIC = re.compile(
    r"^(?:[A-Z0-9]{1,6}\.[A-Z]{1,3}|(?:NYSE|NASDAQ|LSE|TSE|HKEX)\s*:\s*\S+|\S*[_=/\\{}<>]\S*"
    r"|[\d\W]+|\d+-\w+\s*:.*|.*\S/\S.*)$"
)


def clean_topics(topics: Iterable[str]) -> tuple[str, ...]:
    """Topics without markup furniture (see :data:`_JUNK_TOPIC`), each once whatever its case
    (the first spelling kept)."""
    seen: dict[str, str] = {}
    for topic in topics:
        text = clean_name(topic)
        if text and _JUNK_TOPIC.match(text) is None:
            seen.setdefault(text.casefold(), text)
    return tuple(seen.values())


_NOT_SOURCE = frozenset({"hosted", "home", "news", "index", "homepage", "article", "story"})


def is_source_name(text: str | None) -> bool:
    """Whether ``text`` can name a publisher: not a URL path or CMS code, not a page label."""
    if not text:
        return False
    return (
        _JUNK_TOPIC.match(text) is None
        and text.casefold() not in _NOT_SOURCE
        and ("://" not in text)
    )


_HASH = re.compile(r"^[0-9a-f]{12,}$|^[0-9A-F]{12,}$")
_QUOTES = "\"'“”‘’«»„"


def is_title_like(text: str | None) -> bool:
    """Whether ``text`` can be a page's title: not a file hash, a photo caption or credit, nor a
    pull quote (a line wholly inside quotation marks)."""
    if not text or not text.strip():
        return False
    line = " ".join(text.split())
    if _HASH.match(line.replace("-", "").replace("_", "")):
        return False
    if len(line) > 2 and line[0] in _QUOTES and line[-1] in _QUOTES:
        return False
    return _CAPTION_LIKE.search(line) is None


_CAPTION_LIKE = re.compile(
    r"^(?:image|photo|picture|media)\s*(?:caption|copyright|credit)\b|\((?:photo|image|picture)"
    r"\s*(?:by|:|credit)[^)]*\)\s*$|\b(?:getty\s+images|shutterstock|ap\s+photo)\s*\)?\s*$",
    re.IGNORECASE,
)
