"""Copies of one article: the same story saved twice, as HTML and as a dump, or syndicated.

Each article gets a MinHash signature of its body's word 5-shingles when it is indexed. Articles
whose estimated Jaccard similarity reaches COPY_THRESHOLD are copies; copies of copies are one
group (union-find). Groups are found with datasketch's LSH over every article of an index version
and kept by the engine per version; a search then shows one copy per group, with the metadata
merged across its copies, and says how many others exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from corpusearch.records import ArticleMeta

__all__ = ["COPY_THRESHOLD", "CopyTable", "copy_table", "grouped", "signature"]

# Words per shingle: five words rarely repeat across different articles, while a copy cleaned a
# little differently (a caption kept, a heading lost) still shares most of its shingles.
SHINGLE_WORDS = 5
# Permutations of the signature: 128 estimates a Jaccard similarity within about +-0.09 (one
# standard deviation 1/sqrt(128)); the LSH bands are derived from it by datasketch.
NUM_PERM = 128
# Estimated Jaccard similarity of two articles' shingles from which they are copies. An HTML page
# and the dump of the same page score 0.7-1.0 on the benchmark pages (furniture the two cleaners
# keep differently lowers it); different articles of one site score below 0.1, because menus and
# footers never reach the body. 0.5 leaves room on both sides.
COPY_THRESHOLD = 0.5
# Articles shorter than this many shingles have no signature: a two-line brief says too little
# to tell a copy from a different brief on the same event.
MIN_SHINGLES = 8
# The hashing scheme of the stored signatures, named so that a later datasketch reads them the same.
SCHEME = "affine32"
_WORD = re.compile(r"\w+")
# Paths of HTML pages: their metadata is usually fuller than a text dump's (see canonical_order).
_HTML = re.compile(r"\.x?html?(\.gz)?$", re.IGNORECASE)


def signature(texts: Iterable[str]) -> tuple[int, ...]:
    """The MinHash signature of the word 5-shingles of ``texts`` (empty when too short)."""
    words = [word.lower() for text in texts for word in _WORD.findall(text)]
    shingles = {
        " ".join(words[at : at + SHINGLE_WORDS]).encode("utf-8")
        for at in range(max(0, len(words) - SHINGLE_WORDS + 1))
    }
    if len(shingles) < MIN_SHINGLES:
        return ()
    from datasketch import MinHash  # numpy underneath: loaded only when articles are indexed

    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(shingles))
    return tuple(int(value) for value in minhash.hashvalues)


@dataclass(frozen=True)
class CopyTable:
    """Which articles are copies of which, and each group's merged metadata."""

    group_of: dict[str, str]  # article id -> the group's canonical article id
    members: dict[str, tuple[str, ...]]  # canonical id -> every copy, canonical first
    merged: dict[str, ArticleMeta]  # canonical id -> metadata merged across the copies

    def canonical(self, article: str) -> str:
        return self.group_of.get(article, article)

    def others(self, article: str) -> int:
        """How many other copies the article has."""
        return len(self.members.get(self.canonical(article), (article,))) - 1

    def copies_of(self, article: str) -> tuple[str, ...]:
        return self.members.get(self.canonical(article), (article,))


def copy_table(
    signatures: Mapping[str, Sequence[int]], meta: Mapping[str, ArticleMeta]
) -> CopyTable:
    """Group the articles whose signatures say they are copies."""
    return grouped(_groups(signatures), meta)


def grouped(groups: Iterable[Iterable[str]], meta: Mapping[str, ArticleMeta]) -> CopyTable:
    """The table of groups of copies already found (each two or more article ids)."""
    group_of: dict[str, str] = {}
    members: dict[str, tuple[str, ...]] = {}
    merged: dict[str, ArticleMeta] = {}
    for found in groups:
        group = [article for article in found if article in meta]
        if len(group) < 2:
            continue
        ordered = sorted(group, key=lambda article: canonical_order(meta[article]))
        head = ordered[0]
        members[head] = tuple(ordered)
        merged[head] = merge(meta[article] for article in ordered)
        for article in ordered:
            group_of[article] = head
    return CopyTable(group_of, members, merged)


def canonical_order(meta: ArticleMeta) -> tuple[int, int, str]:
    """Sort key of the copy that stands for its group: an HTML page before a dump, then the one
    stating most metadata, then the lowest id (so the choice is stable)."""
    stated = sum(
        bool(value) for value in (meta.title, meta.authors, meta.date, meta.source, meta.url)
    )
    return (0 if _HTML.search(meta.path) else 1, -stated, meta.id)


def merge(copies: Iterable[ArticleMeta]) -> ArticleMeta:
    """The first copy's metadata, its empty fields filled from the next copies in order."""
    ordered = list(copies)
    head = ordered[0]
    filled: dict[str, Any] = {}
    for name in ("authors", "date", "topics", "source", "url", "series"):
        if not getattr(head, name):
            value = next((getattr(c, name) for c in ordered[1:] if getattr(c, name)), None)
            if value:
                filled[name] = value
    return replace(head, **filled) if filled else head


def _groups(signatures: Mapping[str, Sequence[int]]) -> list[set[str]]:
    """Sets of two or more articles linked by estimated similarity >= COPY_THRESHOLD."""
    usable = {article: values for article, values in signatures.items() if values}
    if len(usable) < 2:
        return []
    import numpy
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=COPY_THRESHOLD, num_perm=NUM_PERM)
    hashes = {
        article: LeanMinHash(
            seed=1, hashvalues=numpy.array(values, dtype=numpy.uint64), scheme=SCHEME
        )
        for article, values in usable.items()
    }
    with lsh.insertion_session() as session:
        for article, minhash in hashes.items():
            session.insert(article, minhash)
    parent = {article: article for article in hashes}

    def root(article: str) -> str:
        while parent[article] != article:
            parent[article] = parent[parent[article]]
            article = parent[article]
        return article

    for article, minhash in hashes.items():
        for other in lsh.query(minhash):
            if other != article and minhash.jaccard(hashes[other]) >= COPY_THRESHOLD:
                parent[root(other)] = root(article)
    found: dict[str, set[str]] = {}
    for article in hashes:
        found.setdefault(root(article), set()).add(article)
    return [group for group in found.values() if len(group) > 1]
