"""Whoosh file storage whose commits survive a power loss: files are fsynced before they are published.

Whoosh 2.7.4 writes a commit as new segment files, then a table of contents (TOC) into a
temporary file that it renames into place: the rename publishes the commit. Without fsync, the
kernel may write the rename to disk before the files' data, so a power loss after a "successful"
commit can leave a TOC naming empty or partial segments. :class:`DurableFileStorage` flushes and
fsyncs every file it creates when that file is closed (so before any rename that names it), and
fsyncs the folder after each rename so that the new name itself is on disk.

Only the files of the index folder are synced: the writer's temporary pools and column files go
through :meth:`FileStorage.temp_storage`, which Whoosh builds as a plain :class:`FileStorage`.
"""

from __future__ import annotations

import os
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

__all__ = ["DurableFileStorage", "durable_storage", "fsync_folder"]


class DurableFileStorage(FileStorage):  # type: ignore[misc]  # whoosh has no type hints
    """A :class:`FileStorage` that fsyncs each file it creates on close and its folder on rename."""

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> Any:
        structfile = super().create_file(name, excl=excl, mode=mode, **kwargs)
        then = structfile.onclose

        def sync_then_close(closing: StructFile) -> None:
            if then is not None:
                then(closing)
            _sync_file(closing)

        structfile.onclose = sync_then_close
        return structfile

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        super().rename_file(oldname, newname, safe=safe)
        fsync_folder(self.folder)


def durable_storage(path: str | os.PathLike[str]) -> DurableFileStorage:
    """The durable storage of the index folder at ``path`` (not created here)."""
    return DurableFileStorage(os.fspath(path))


def fsync_folder(path: str | os.PathLike[str]) -> None:
    """Make the names in a folder (files created, renamed, deleted) durable."""
    descriptor = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_file(structfile: StructFile) -> None:
    raw = structfile.file
    if getattr(raw, "closed", False) or not hasattr(raw, "fileno"):
        return
    raw.flush()
    os.fsync(raw.fileno())
