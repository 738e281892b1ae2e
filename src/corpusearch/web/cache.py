"""Caching search pages per index version."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")


def index_version(index_dir: Path) -> tuple[object, ...]:
    """A cheap fingerprint of an index directory that changes whenever the index is rewritten."""
    try:
        stat = os.stat(index_dir)
        tocs = sorted(e.name for e in os.scandir(index_dir) if e.name.endswith(".toc"))
    except OSError:
        return ("missing",)
    return (stat.st_mtime_ns, *tocs)


class ResultCache:
    """A small thread-safe LRU cache; keys should include the index version.

    Concurrent requests for the same missing key wait for one computation instead of each
    running the same search (a popular query arriving from several tabs at once).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[object, object] = OrderedDict()
        self._pending: dict[object, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: object, compute: Callable[[], T]) -> T:
        """The cached value of ``key``, computing (outside the lock) and storing it if absent."""
        if self._size <= 0:
            return compute()
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    self.hits += 1
                    return cast(T, self._items[key])
                pending = self._pending.get(key)
                if pending is None:
                    self.misses += 1
                    done = self._pending[key] = threading.Event()
                    break
            pending.wait()  # then look again: stored, or failed and ours to retry
        try:
            value = compute()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._pending[key]
            done.set()
