"""Find the files to index and read each one into a :class:`Source`: decoded text plus its sidecar."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusearch.errors import UnreadableFileError, UnsupportedFileError

KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}
MAX_BYTES = 50 * 1024 * 1024
SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class Source:
    """One input file, decoded, with the metadata its sidecar file states."""

    path: Path
    kind: str  # "text" or "html"
    text: str
    digest: str  # of the file's bytes and its sidecar's: changes when either changes
    sidecar: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Discovery:
    """The files found under some paths, and the paths that could not be used."""

    files: tuple[Path, ...]
    problems: tuple[tuple[Path, str], ...]


def kind_of(path: Path) -> str | None:
    """``"text"`` or ``"html"`` from the file name (``.gz`` looked through), None if unsupported."""
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIX):
        return None
    if name.endswith(".gz"):
        name = name[:-3]
    return KINDS.get(os.path.splitext(name)[1])


def discover(paths: Iterable[str | Path]) -> Discovery:
    """Supported files under ``paths``, recursively, hidden ones skipped, each once, in a stable order."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            problems.append((path, "no such file or directory"))
        elif path.is_dir():
            files.extend(_walk(path))
        elif kind_of(path) is None:
            problems.append((path, "unsupported file type (expected .txt, .html or .htm)"))
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return Discovery(tuple(unique.values()), tuple(problems))


def _walk(top: Path) -> Iterator[Path]:
    visited: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        stat = os.stat(dirpath)
        if (stat.st_dev, stat.st_ino) in visited:  # a symlink loop: do not descend again
            dirnames[:] = []
            continue
        visited.add((stat.st_dev, stat.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if not name.startswith(".") and kind_of(path) is not None and path.is_file():
                yield path


def sidecar_path(path: Path) -> Path | None:
    """The ``NAME.meta.json`` beside ``path`` (``NAME.txt.meta.json`` also accepted), if any."""
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    for candidate in (os.path.splitext(name)[0] + SIDECAR_SUFFIX, name + SIDECAR_SUFFIX):
        sidecar = path.with_name(candidate)
        if sidecar.is_file():
            return sidecar
    return None


def fingerprint(path: Path) -> str:
    """A digest of a file and its sidecar, cheap enough to check every file on every run."""
    sidecar = sidecar_path(path)
    return _digest(_read(path), _read(sidecar) if sidecar is not None else None)


def read_source(path: Path) -> Source:
    """Read and decode one file; raises :class:`UnreadableFileError` saying why it cannot be used."""
    kind = kind_of(path)
    if kind is None:
        raise UnsupportedFileError(f"{path}: unsupported file type (expected .txt, .html or .htm)")
    stored = _read(path)
    sidecar = sidecar_path(path)
    sidecar_bytes = _read(sidecar) if sidecar is not None else None
    text = decode(_decompress(stored, path), path)
    if not text.strip():
        raise UnreadableFileError(f"{path}: empty file")
    metadata = _parse_sidecar(sidecar, sidecar_bytes) if sidecar is not None else {}
    return Source(path, kind, text, _digest(stored, sidecar_bytes), metadata)


def _digest(stored: bytes, sidecar: bytes | None) -> str:
    digest = hashlib.sha1(stored)
    digest.update(b"\0")
    if sidecar is not None:
        digest.update(sidecar)
    digest.update(b"\0")
    return digest.hexdigest()


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableFileError(f"{path}: larger than {MAX_BYTES // 2**20} MiB, skipped")
        return path.read_bytes()
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot read ({error.strerror or error})") from error


def _decompress(stored: bytes, path: Path) -> bytes:
    if not path.name.lower().endswith(".gz"):
        return stored
    try:
        return gzip.decompress(stored)
    except (OSError, EOFError) as error:
        raise UnreadableFileError(
            f"{path}: cannot read ({error or type(error).__name__})"
        ) from error


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (BOM-aware), else cp1252; binary or undecodable bytes raise."""
    if b"\0" in raw[:8192]:
        raise UnreadableFileError(f"{path}: binary file, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(f"{path}: not UTF-8 or cp1252 text")


def _parse_sidecar(sidecar: Path, data: bytes | None) -> dict[str, Any]:
    try:
        parsed = json.loads((data or b"").decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFileError(f"{sidecar}: not a valid JSON sidecar ({error})") from error
    if not isinstance(parsed, dict):
        raise UnreadableFileError(f"{sidecar}: a sidecar must hold a JSON object")
    return parsed
