"""Hostile queries for the fuzz tests: operators, wildcards, fuzzy marks, fields, ranges, quotes,
parentheses and characters of every kind (lone surrogates from undecodable shell bytes included),
mixed at random.

Shared by ``tests/test_fuzz_queries.py`` (as Hypothesis strategies) and
``bench/fuzz_queries.py`` (as a seeded random generator).
"""

from __future__ import annotations

import random

__all__ = ["GLUED", "PIECES", "SEPARATORS", "WORDS", "random_query"]

# Words of the seeds and of the evaluation pages, so that wildcards and fuzzy marks expand.
WORDS = (
    "Mosul",
    "Sadr",
    "al-Sadr",
    "Iraq",
    "Iran",
    "militia",
    "militias",
    "Hezbollah",
    "Kataib",
    "stabilisation",
    "liberation",
    "s",
    "a",
    "e",
    "duvan",
    "the",
    "IS",
    "US",
    "Shī‘a",
    "Shi'ite",
    "Qassem",
    "2017",
    "café",
    "naïve",
)
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "&&", "||", "!", "+", "-", "TO")
FIELDS = (
    "title:",
    "section:",
    "author:",
    "topic:",
    "source:",
    "year:",
    "date:",
    "text:",
    "id:",
    "path:",
    "meta:",
    "words:",
    "unknown:",
    ":",
    "title:(",
)
MARKS = ("*", "?", "~", "~2", "~9", "~-1", "~0.5", "^2", "^-1", "^", "*?*", "**", "/", "\\")
BRACKETS = ("(", ")", '"', "'", "[", "]", "{", "}", "[2010 TO 2020]", "{a TO}", "<", ">", "=")
ODD = (
    "\ud800",  # a lone surrogate
    "\udce9",  # what an undecodable shell byte becomes
    "\x00",
    "\x1b[31m",
    "\u200b",  # zero-width space
    "\u202e",  # right-to-left override
    "\ufeff",
    "\U0001f600",
    "e\u0301",  # a combining accent
    "ﬁ",  # a ligature
    "İ",  # lowercases to two characters
    "ß",
    "مسلحة",
    "摩苏尔",
    "١٢٣",  # Arabic-Indic digits
    "Ⅻ",
    "\n",
    "\t",
    "--",
    "-x",
    "--help",
    "%s",
    "{0}",
    "<script>",
    "&amp;",
    "x" * 300,
    "9" * 40,
)
# Odd characters glued to a wildcard or fuzzy mark: the expansions meet the index's bytes.
GLUED = tuple(
    f"{word}{mark}"
    for word in ("\ud800", "caf\udce9", "İ", "ß", "ﬁ", "摩", "e\u0301", "\u200b", "'", '"', ")")
    for mark in ("*", "?", "~", "~2")
)
PIECES = WORDS + OPERATORS + FIELDS + MARKS + BRACKETS + ODD + GLUED
SEPARATORS = (" ", " ", " ", "", "  ", "\t")
MAX_PIECES = 14


def random_query(rng: random.Random) -> str:
    """A random mix of pieces, often glued to each other (``s*``, ``title:(Mosul~``)."""
    pieces = [rng.choice(PIECES) for _ in range(rng.randint(1, MAX_PIECES))]
    if rng.random() < 0.1:  # now and then a raw random string
        pieces.append("".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(1, 20))))
    text = pieces[0]
    for piece in pieces[1:]:
        text += rng.choice(SEPARATORS) + piece
    return text
