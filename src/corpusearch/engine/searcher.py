"""The engine handle of one index folder: Whoosh searchers, the index version, and every cache.

One :class:`Engine` per index folder owns what searching needs: a Whoosh searcher per thread
(Whoosh searchers are not thread-safe), one notion of index version (the generation of the table
of contents the searchers read), and the caches derived from an index version, shared by all
threads and bounded: per-segment field lengths, filter document sets, typo suggestions, the
article table. A new index version (after ``corpusearch index``) is picked up by the next
search; caches of older versions are dropped with them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from corpusearch.engine.analysis import STEMS_FILE, load_stems
from corpusearch.engine.article_table import ArticleTable, build_table, load_table
from corpusearch.engine.index import ARTICLE, incomplete, open_index
from corpusearch.engine.scoring import LuceneBM25F

__all__ = ["BoundedCache", "Engine", "View"]

T = TypeVar("T")

# Entries per cache of one index version: filters and typo suggestions repeat across searches of
# a session; more distinct ones than this are recomputed (each costs milliseconds).
FILTER_CACHE_SIZE = 64
SUGGESTION_CACHE_SIZE = 4096
# Field-length arrays are kept per segment: a few segments of a few fields each.
LENGTH_CACHE_SIZE = 64


# The version of an index that has no segment yet (a first build stopped before its commit).
EMPTY_GENERATION = -1


class BoundedCache:
    """A thread-safe least-recently-used cache of at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                value: T = self._items[key]
                return value
        value = compute()  # outside the lock: two threads may both compute, one value stays
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


class ArticleColumn:
    """Document number -> article id, decoded from Whoosh's column once per document and kept
    (searches look up the article of every match, several times)."""

    def __init__(self, column: Any) -> None:
        self._column = column
        self._known: dict[int, str] = {}

    def __getitem__(self, docnum: int) -> str:
        found = self._known.get(docnum)
        if found is None:
            found = self._known[docnum] = self._column[docnum]
        return found


class View:
    """What one index version knows, shared by the threads that search it."""

    def __init__(self, directory: Path, generation: int, lengths: BoundedCache) -> None:
        self.directory = directory
        self.generation = generation
        self.lengths = lengths  # per segment, so shared across versions (segments never change)
        self.filters = BoundedCache(FILTER_CACHE_SIZE)
        self.suggestions = BoundedCache(SUGGESTION_CACHE_SIZE)
        self._articles: ArticleTable | None = None
        self._article_of: ArticleColumn | None = None
        self._lock = threading.Lock()

    def articles(self, searcher: Any) -> ArticleTable:
        """The article table of this version: saved by the indexing run that made it, else read
        from the article documents (see engine/article_table.py)."""
        with self._lock:
            if self._articles is None:
                self._articles = load_table(self.directory, self.generation) or build_table(
                    searcher, sorted(self.article_docs(searcher))
                )
            return self._articles

    def docs(self, searcher: Any, key: Hashable, query: Any) -> set[int]:
        """The document numbers ``query`` matches, cached under ``key`` for this version.

        A set, as Whoosh takes filters; callers must not change it.
        """
        return self.filters.get_or_compute(key, lambda: set(searcher.docs_for_query(query)))

    def article_of(self, searcher: Any) -> ArticleColumn:
        """Each document's article id (read from the article column once per document)."""
        with self._lock:
            if self._article_of is None:
                self._article_of = ArticleColumn(searcher.reader().column_reader("article"))
            return self._article_of

    def article_docs(self, searcher: Any) -> set[int]:
        from whoosh import query as q

        return self.docs(searcher, ("kind", ARTICLE), q.Term("kind", ARTICLE))


class Engine:
    """The searchers, index version and caches of the index at ``path``; safe to share."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ix: Any = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self._lengths = BoundedCache(LENGTH_CACHE_SIZE)
        self._weighting = LuceneBM25F(lengths=self._lengths)
        self._view: View | None = None
        self._stems_loaded = False

    def searcher(self) -> Any:
        """This thread's Whoosh searcher over the newest committed version of the index."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            if searcher.up_to_date():
                return searcher
            fresh = searcher.refresh()
            self._local.searcher = fresh
            return fresh
        with self._lock:
            if self._ix is None:
                self._ix = open_index(self.path)
        self.load_stems()
        searcher = self._ix.searcher(weighting=self._weighting)
        self._local.searcher = searcher
        return searcher

    def load_stems(self) -> None:
        """Preload the index's stem cache (once), so most query words stem without nltk."""
        with self._lock:
            if not self._stems_loaded:
                load_stems(self.path / STEMS_FILE)
                self._stems_loaded = True

    def view(self, searcher: Any) -> View:
        """The shared state of the index version ``searcher`` reads."""
        stamp = searcher.reader().generation()
        generation = EMPTY_GENERATION if stamp is None else int(stamp)
        with self._lock:
            if self._view is None or self._view.generation != generation:
                if self._view is None or generation > self._view.generation:
                    self._view = View(self.path, generation, self._lengths)
                else:  # a thread still on an older version: its state is not kept
                    return View(self.path, generation, self._lengths)
            return self._view

    def version(self) -> int:
        """The index version the next search reads (the generation of its table of contents)."""
        return self.view(self.searcher()).generation

    def incomplete(self) -> bool:
        """Whether the last indexing run stopped before it finished (searches see part of it)."""
        return incomplete(self.path)

    def close(self) -> None:
        """Close this thread's searcher (others close when their threads end)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
