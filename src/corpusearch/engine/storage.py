"""Whoosh file storage whose commits survive a power loss: files are fsynced before they are published.

Whoosh 2.7.4 writes a commit as new segment files, then a table of contents (TOC) into a
temporary file that it renames into place: that rename publishes the commit (it is the only
rename Whoosh makes). Without fsync, the kernel may write the rename to disk before the files'
data, so a power loss after a "successful" commit can leave a TOC naming empty or partial
segments. :class:`DurableFileStorage` remembers the files it created and, just before a rename,
fsyncs those that still exist (the segment's component files, already copied into its compound
``.seg`` file and deleted, are skipped: 3 fsyncs a commit instead of 8), then fsyncs the folder
after the rename so that the new name itself is on disk.

Only the files of the index folder are synced: the writer's temporary pools and column files go
through :meth:`FileStorage.temp_storage`, which Whoosh builds as a plain :class:`FileStorage`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

__all__ = ["DurableFileStorage", "durable_storage", "fsync_folder", "write_durably"]


class DurableFileStorage(FileStorage):  # type: ignore[misc]  # whoosh has no type hints
    """A :class:`FileStorage` that fsyncs the files it wrote before a rename and its folder after."""

    def __init__(self, path: str, **options: Any) -> None:
        super().__init__(path, **options)
        self._unsynced: set[str] = set()
        self._guard = threading.Lock()

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> Any:
        structfile = super().create_file(name, excl=excl, mode=mode, **kwargs)
        with self._guard:
            self._unsynced.add(self._fpath(name))
        return structfile

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        self.sync_files()
        super().rename_file(oldname, newname, safe=safe)
        fsync_folder(self.folder)

    def sync_files(self) -> None:
        """fsync every file created here since the last sync that still exists."""
        with self._guard:
            paths, self._unsynced = self._unsynced, set()
        for path in sorted(paths):
            try:
                descriptor = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue  # deleted (a component copied into the compound segment file)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def durable_storage(path: str | os.PathLike[str]) -> DurableFileStorage:
    """The durable storage of the index folder at ``path`` (not created here)."""
    return DurableFileStorage(os.fspath(path))


def write_durably(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` atomically and durably (for the small files
    beside the index: a crash or power loss leaves the old content or the new, never a mix)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_folder(path.parent)


def fsync_folder(path: str | os.PathLike[str]) -> None:
    """Make the names in a folder (files created, renamed, deleted) durable."""
    descriptor = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
