"""Find the files to index and read each one into a :class:`Source`: decoded text plus its sidecar.

Every input is bounded and every bad one is reported, never fatal: a file over the size budget
of its kind (:data:`MAX_TEXT_BYTES`), a ``.gz`` that would expand past it (decompressed as a
stream, so a gzip bomb is refused once its budget is read, not inflated), a truncated archive,
bytes that are not text by their character classes, a dump of more lines than any page has, a
file name that is not valid UTF-8, a link that loops or leads nowhere, a FIFO or an unreadable
folder all raise :class:`UnreadableFileError` or become one of :attr:`Discovery.problems`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusearch.errors import UnreadableFileError, UnsupportedFileError

__all__ = [
    "KINDS",
    "MAX_LINES",
    "MAX_SIDECAR_BYTES",
    "MAX_TEXT_BYTES",
    "MAX_VISIBLE_CHARS",
    "SIDECAR_SUFFIX",
    "Discovery",
    "Source",
    "decode",
    "discover",
    "fingerprint",
    "kind_of",
    "printable",
    "read_source",
    "sidecar_path",
]

KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}
# The size and line budgets keep one file from holding the index's write lock for minutes: a
# 10 MiB dump of 49,000 prose lines took 142 s and 1.9 GB to index. The largest pages of the
# evaluation corpus are a 31 KB dump of 787 lines and a 1.5 MB HTML page; cleaning 8 MB of HTML
# takes about 1 s. A budget applies to a file's bytes and, for a .gz, to what it expands to.
MAX_TEXT_BYTES = {"text": 2 * 2**20, "html": 8 * 2**20}
# An HTML page's indexing time grows with its text, not its markup: an 8 MiB page of paragraphs
# took 130 s and 1.6 GB. Its text outside tags, scripts and styles has a dump's budget.
MAX_VISIBLE_CHARS = MAX_TEXT_BYTES["text"]
# A dump's cleaning and indexing time grow with its lines; a file of more is a log or a
# concatenation, not a page.
MAX_LINES = 10_000
MAX_SIDECAR_BYTES = 2**20  # a sidecar holds a few fields
SIDECAR_SUFFIX = ".meta.json"
_CHUNK = 2**20  # decompression step: memory stays at a few chunks whatever the ratio

# Character-class statistics of a sample tell text from binary data (thresholds measured on the
# 246 pages of ../shared/eval/aeb and the seeds: control characters at most 0.04% of a page,
# letters, digits, marks and spaces at least 74% of an HTML page; random bytes have 23% control
# characters, random printable ASCII 66% letters and one space in 95 characters).
_SAMPLE_CHARS = 20_000  # per window; three windows (start, middle, end)
_MAX_CONTROL_SHARE = 0.01
_MIN_WORDISH_SHARE = 0.5
_MAX_HIGH_BYTE_SHARE = 0.3  # cp1252 text is mostly ASCII; random bytes are half high bytes
_LONG_TOKEN = 30  # characters: longer whitespace-free runs are URLs, CJK sentences or noise
# In a long run, the share of letters, digits and URL punctuation: 100% in a URL or a sentence
# of a script without spaces, about 80% in random printable ASCII.
_MIN_LONG_TOKEN_WORDISH = 0.9
_MAX_NOISE_SHARE = 0.3  # of a dump's characters in long tokens that are not words
_HIGH_BYTES = bytes(range(0x80, 0x100))


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
    """The files found under some paths, and the paths that could not be used, with why.

    A problem's path is printable: a name that is not valid UTF-8 shows its bad bytes as
    ``\\xNN`` escapes (see :func:`printable`).
    """

    files: tuple[Path, ...]
    problems: tuple[tuple[Path, str], ...]


def kind_of(path: Path) -> str | None:
    """``"text"``, ``"html"`` or ``"records"`` (JSONL/CSV exports, WARC, PDF) from the file name
    (``.gz`` looked through), None if unsupported."""
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIX):
        return None
    from corpusearch.extract.formats import is_multi_record

    if is_multi_record(path):
        return "records"  # many articles in one file: read by extract.formats
    if name.endswith(".gz"):
        name = name[:-3]
    return KINDS.get(os.path.splitext(name)[1])


def printable(path: Path | str) -> str:
    """``path`` as text that can be printed and stored: undecodable bytes become ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _utf8_name(path: Path | str) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # a name of bytes the file system could not decode
        return False
    return True


_BAD_NAME = "file name is not valid UTF-8; rename the file to index it"
_BAD_FOLDER_NAME = "folder name is not valid UTF-8; rename it to index its files"


def discover(paths: Iterable[str | Path]) -> Discovery:
    """Supported files under ``paths``, recursively, hidden ones skipped, each once, in a stable order.

    Links are followed; a link back into a folder being walked (a loop), a link to nothing, a
    FIFO or device, a folder that cannot be listed and a name that is not UTF-8 are problems.
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if not _utf8_name(path):
            bad = _BAD_FOLDER_NAME if path.is_dir() else _BAD_NAME
            problems.append((Path(printable(path)), bad))
        elif path.is_dir():
            files.extend(_walk(path, problems))
        elif kind_of(path) is None and path.exists():
            problems.append((path, "unsupported file type (expected .txt, .html or .htm)"))
        elif (reason := _not_a_file(path)) is not None:
            problems.append((path, reason))
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return Discovery(tuple(unique.values()), tuple(problems))


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file, None if it can."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if path.is_symlink():
            return "symbolic link to a missing file (dangling link)"
        if isinstance(error, FileNotFoundError):
            return "no such file or directory"
        return f"cannot read ({error.strerror or error})"
    if not stat.S_ISREG(mode):
        return f"not a regular file ({_file_type(mode)})"
    return None


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a folder" if stat.S_ISDIR(mode) else "not a file"


def _walk(top: Path, problems: list[tuple[Path, str]]) -> Iterator[Path]:
    """Depth first, a folder's files before its subfolders, both sorted by name."""
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Path, frozenset[tuple[int, int]]]] = [(top, frozenset())]
    while stack:
        folder, ancestors = stack.pop()
        try:
            key = _identity(folder)
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            problems.append((folder, f"cannot read folder ({error.strerror or error})"))
            continue
        if key in visited:  # reached again through another link: its files are listed already
            continue
        visited.add(key)
        inside = ancestors | {key}
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if _is_dir(entry):
                if not _utf8_name(entry.name):
                    problems.append((Path(printable(path)), _BAD_FOLDER_NAME))
                elif (loop := _loop(path, inside)) is not None:
                    problems.append((path, loop))
                else:
                    subfolders.append(path)
            elif kind_of(path) is not None:
                if not _utf8_name(entry.name):
                    problems.append((Path(printable(path)), _BAD_NAME))
                elif (reason := _not_a_file(path)) is not None:
                    problems.append((path, reason))
                else:
                    yield path
        stack.extend((sub, inside) for sub in reversed(subfolders))


def _identity(folder: Path) -> tuple[int, int]:
    status = folder.stat()
    return status.st_dev, status.st_ino


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _loop(path: Path, ancestors: frozenset[tuple[int, int]]) -> str | None:
    try:
        looping = _identity(path) in ancestors
    except OSError as error:
        return f"cannot read folder ({error.strerror or error})"
    if looping:
        return f"symbolic link loop (to {printable(os.path.realpath(path))}), not followed"
    return None


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
    return _digest(
        _read(path, _budget(kind_of(path))),
        _read(sidecar, MAX_SIDECAR_BYTES) if sidecar is not None else None,
    )


def read_source(path: Path) -> Source:
    """Read and decode one file; raises :class:`UnreadableFileError` saying why it cannot be used."""
    if not _utf8_name(path):
        raise UnreadableFileError(f"{printable(path)}: {_BAD_NAME}")
    kind = kind_of(path)
    if kind is None:
        raise UnsupportedFileError(f"{path}: unsupported file type (expected .txt, .html or .htm)")
    budget = _budget(kind)
    stored = _read(path, budget)
    sidecar = sidecar_path(path)
    sidecar_bytes = _read(sidecar, MAX_SIDECAR_BYTES) if sidecar is not None else None
    text = decode(_decompress(stored, path, budget), path)
    if not text.strip():
        raise UnreadableFileError(f"{path}: empty file")
    if kind == "text" and (lines := text.count("\n")) > MAX_LINES:
        raise UnreadableFileError(
            f"{path}: {lines:,} lines, more than a page dump holds ({MAX_LINES:,}); skipped"
        )
    if kind == "html" and (visible := _visible_chars(text)) > MAX_VISIBLE_CHARS:
        raise UnreadableFileError(
            f"{path}: {visible // 2**20} MiB of text outside tags, more than a page holds"
            f" ({MAX_VISIBLE_CHARS // 2**20} MiB); skipped"
        )
    metadata = _parse_sidecar(sidecar, sidecar_bytes) if sidecar is not None else {}
    return Source(path, kind, text, _digest(stored, sidecar_bytes), metadata)


def _budget(kind: str | None) -> int:
    return MAX_TEXT_BYTES.get(kind or "", max(MAX_TEXT_BYTES.values()))


def _digest(stored: bytes, sidecar: bytes | None) -> str:
    digest = hashlib.sha1(stored)
    digest.update(b"\0")
    if sidecar is not None:
        digest.update(sidecar)
    digest.update(b"\0")
    return digest.hexdigest()


def _read(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; a larger file, a FIFO or a device raise."""
    if (reason := _not_a_file(path)) is not None:
        raise UnreadableFileError(f"{path}: {reason}")
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            data = file.read(limit + 1) if size <= limit else b""
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot read ({error.strerror or error})") from error
    if size > limit or len(data) > limit:  # the size, or what a growing file held when read
        raise UnreadableFileError(f"{path}: larger than {limit // 2**20} MiB, skipped")
    return data


def _decompress(stored: bytes, path: Path, budget: int) -> bytes:
    """A ``.gz`` file's content, read as a stream and refused past ``budget`` bytes."""
    if not path.name.lower().endswith(".gz"):
        return stored
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(stored)) as archive:
            while chunk := archive.read(_CHUNK):
                out += chunk
                if len(out) > budget:
                    raise UnreadableFileError(
                        f"{path}: expands to more than {budget // 2**20} MiB"
                        " (a compression bomb?), skipped"
                    )
    except EOFError as error:
        raise UnreadableFileError(
            f"{path}: truncated gzip file (the compressed data ends early), skipped"
        ) from error
    except (OSError, zlib.error) as error:
        raise UnreadableFileError(
            f"{path}: cannot read ({error or type(error).__name__})"
        ) from error
    return bytes(out)


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (BOM-aware), else cp1252; binary, undecodable or non-text bytes raise."""
    if b"\0" in raw[:8192]:
        raise UnreadableFileError(f"{path}: binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        high = len(raw) - len(raw.translate(None, _HIGH_BYTES))
        if raw and high / len(raw) > _MAX_HIGH_BYTE_SHARE:
            raise UnreadableFileError(f"{path}: binary file, not text") from None
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFileError(f"{path}: not UTF-8 or cp1252 text") from None
    if (reason := _not_text(text, kind_of(path))) is not None:
        raise UnreadableFileError(f"{path}: {reason}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)


def _visible_chars(html: str) -> int:
    """The characters of a page outside tags, comments, scripts and styles, spaces left out."""
    return sum(len(part) - part.count(" ") for part in _INVISIBLE.split(html)[::2])


def _sample(text: str) -> str:
    if len(text) <= 3 * _SAMPLE_CHARS:
        return text
    middle = (len(text) - _SAMPLE_CHARS) // 2
    return text[:_SAMPLE_CHARS] + text[middle : middle + _SAMPLE_CHARS] + text[-_SAMPLE_CHARS:]


def _not_text(text: str, kind: str | None) -> str | None:
    """Why the characters of ``text`` are not those of a page, None when they are."""
    sample = _sample(text)
    if not sample:
        return None
    control = len(_CONTROL.findall(sample))
    if control / len(sample) > _MAX_CONTROL_SHARE:
        return f"binary file, not text ({control / len(sample):.0%} control characters)"
    wordish = len(sample) - _symbols(sample)
    if wordish / len(sample) < _MIN_WORDISH_SHARE:
        return f"not text ({wordish / len(sample):.0%} letters, digits and spaces)"
    if kind == "text":
        noise = sum(
            len(token)
            for token in _LONG_RUN.findall(sample)
            if _symbols(_URL_PUNCTUATION.sub("", token)) / len(token) > 1 - _MIN_LONG_TOKEN_WORDISH
        )
        if noise / len(sample) > _MAX_NOISE_SHARE:
            return "not text (mostly long runs of symbols without spaces)"
    return None


# Regular expressions count in C what a loop over characters would count in Python (a sample
# of 60,000 characters is checked in about a millisecond).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff\ue000-\uf8ff]")
_NOT_WORDISH = re.compile(r"[^\w\s]|_")
_LONG_RUN = re.compile(rf"\S{{{_LONG_TOKEN + 1},}}")
_URL_PUNCTUATION = re.compile(r"[/:.\-_?=&%#+~@]")


def _symbols(text: str) -> int:
    """The characters of ``text`` that are not letters, digits, spaces or combining marks."""
    return sum(
        1 for char in _NOT_WORDISH.findall(text) if not unicodedata.category(char).startswith("M")
    )


# The sidecar fields corpusearch reads, and the JSON types each accepts (null clears a field).
_TEXT_FIELDS = ("url", "title", "source", "series")
_LIST_FIELDS = ("authors", "topics")


def _parse_sidecar(sidecar: Path, data: bytes | None) -> dict[str, Any]:
    try:
        parsed = json.loads((data or b"").decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFileError(f"{sidecar}: not a valid JSON sidecar ({error})") from error
    if not isinstance(parsed, dict):
        raise UnreadableFileError(f"{sidecar}: a sidecar must hold a JSON object")
    for name, value in parsed.items():
        expected = _expected_type(name, value)
        if expected is not None:
            raise UnreadableFileError(
                f"{sidecar}: field {name!r} should be {expected}, not {_json_type(value)}"
                f" ({json.dumps(value, ensure_ascii=False)[:40]})"
            )
    return parsed


def _expected_type(name: str, value: Any) -> str | None:
    """What field ``name`` should hold when ``value`` does not fit, None when it does."""
    if value is None:
        return None
    if name == "date":
        return None if isinstance(value, str) else "text (YYYY-MM-DD)"
    if name in _TEXT_FIELDS:
        return None if _is_scalar(value) else "text"
    if name in _LIST_FIELDS:
        items = value if isinstance(value, list) else [value]
        return None if all(map(_is_scalar, items)) else "text or a list of text"
    return None  # fields corpusearch does not read are the scraper's business


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    )


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list" if all(map(_is_scalar, value)) else "a list holding non-text"
    return "a number" if isinstance(value, int | float) else "text"
