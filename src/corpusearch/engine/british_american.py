"""British spellings to American, so both meet in the index: general rules plus a short list.

Rules (on a lowercase, accent-folded word, before stemming): -ise/-isation -> -ize/-ization,
-yse -> -yze, -our -> -or, -tre/-bre -> -ter/-ber, -elled/-alling -> -eled/-aling, "ae" between
consonants -> "e" (haemorrhage, paediatric), a leading "oe" before a consonant -> "e" (oestrogen).
Each rule has a list of the common words it must leave alone; irregular pairs are listed.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Irregular pairs no rule covers (and words a rule would get wrong), British -> American.
WORDS = {
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "defences": "defenses",
    "offence": "offense",
    "offences": "offenses",
    "licence": "license",
    "licences": "licenses",
    "pretence": "pretense",
    "practise": "practice",
    "practised": "practiced",
    "practising": "practicing",
    "grey": "gray",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "dialogue": "dialog",
    "dialogues": "dialogs",
    "analogue": "analog",
    "analogues": "analogs",
    "ageing": "aging",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "scepticism": "skepticism",
    "mould": "mold",
    "moulds": "molds",
    "plough": "plow",
    "aluminium": "aluminum",
    "sulphur": "sulfur",
    "judgement": "judgment",
    "judgements": "judgments",
    "acknowledgement": "acknowledgment",
    "enrol": "enroll",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "skilful": "skillful",
    "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers",
    "foetus": "fetus",
    "foetal": "fetal",
    "coeliac": "celiac",
    "diarrhoea": "diarrhea",
    "amoeba": "ameba",
    "tyre": "tire",
    "tyres": "tires",
    "kerb": "curb",
    "cheque": "check",
    "cheques": "checks",
    "draught": "draft",
    "gaol": "jail",
}

# Words ending in -ise that are spelled so in American English too.
ISE_KEEP = frozenset(
    [
        "advertise",
        "advise",
        "apprise",
        "arise",
        "braise",
        "chastise",
        "circumcise",
        "comprise",
        "compromise",
        "concise",
        "demise",
        "despise",
        "devise",
        "disguise",
        "enterprise",
        "excise",
        "exercise",
        "expertise",
        "franchise",
        "improvise",
        "incise",
        "merchandise",
        "noise",
        "otherwise",
        "paradise",
        "poise",
        "praise",
        "precise",
        "premise",
        "promise",
        "raise",
        "reprise",
        "revise",
        "rise",
        "supervise",
        "surmise",
        "surprise",
        "televise",
        "treatise",
        "cruise",
        "bruise",
        "valise",
        "anise",
        "tortoise",
        "porpoise",
        "mortise",
        "turquoise",
        "cerise",
        "guise",
        "prise",
        "remise",
    ]
)
OUR_KEEP = frozenset(
    [
        "contour",
        "detour",
        "devour",
        "glamour",
        "paramour",
        "troubadour",
        "velour",
        "amour",
        "scour",
        "flour",
    ]
)
LL_KEEP = frozenset(
    [
        "compel",
        "excel",
        "propel",
        "expel",
        "repel",
        "dispel",
        "rebel",
        "impel",
        "install",
        "forestall",
        "snowball",
        "stonewall",
        "enthrall",
        "befall",
        "overall",
    ]
)

_ISE = re.compile(r"^(\w{2,}?)is(e|es|ed|ing|er|ers|ation|ations|ational)$")
_YSE = re.compile(r"^(\w+)ys(e|es|ed|ing|er|ers)$")
_OUR = re.compile(
    r"^(\w{2,}?)our(s|ed|ing|ite|ites|able|ably|al|ally|er|ers|ful|less|ist|ists|ism|isms)?$"
)
_TRE = re.compile(r"^(\w{2,})([tb])re(s|d)?$")
_LL = re.compile(r"^(\w*[^aeiou\W](?:e|(?<=\w{4})a))ll(ed|ing|er|ers)$")
_AE = re.compile(r"(?<=[^aeiouy\W])ae(?=[^aeiouy\W])")
_OE = re.compile(r"^oe(?=[^aeiouy\W])")


@lru_cache(maxsize=100_000)
def americanize(word: str) -> str:
    """The American spelling of a lowercase English word (the word itself when none applies)."""
    if word in WORDS:
        return WORDS[word]
    if not word.isalpha() or len(word) < 5:
        return word
    match = _ISE.match(word)
    if match and match.group(1) + "ise" not in ISE_KEEP and not match.group(1).endswith("w"):
        return f"{match.group(1)}iz{match.group(2)}"
    match = _YSE.match(word)
    if match:
        return f"{match.group(1)}yz{match.group(2)}"
    match = _OUR.match(word)
    if match and match.group(1) + "our" not in OUR_KEEP:
        return f"{match.group(1)}or{match.group(2) or ''}"
    match = _TRE.match(word)
    if match:
        ending = {"s": "s", "d": "ed"}.get(match.group(3) or "", "")
        return f"{match.group(1)}{match.group(2)}er{ending}"
    match = _LL.match(word)
    if (
        match
        and len(match.group(1)) >= 4
        and not {match.group(1) + "l", match.group(1) + "ll"} & LL_KEEP
    ):
        return f"{match.group(1)}l{match.group(2)}"
    return _OE.sub("e", _AE.sub("e", word))
