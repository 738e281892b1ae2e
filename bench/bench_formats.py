"""Reading and indexing multi-record inputs (issue 14): a 1,000-record JSONL export and a WARC of
500 pages, each against the same pages given as one file each (today's input), in the same run.

The pages are the article extraction benchmark's (shared/eval/aeb): its 123 HTML pages and their
gold article bodies, cycled with distinct URLs. Figures, all wall-clock seconds on this machine:

- JSONL, 1,000 records of extracted body text (``"body"`` records): read (records only), read +
  clean into articles, and index (the articles into a new Whoosh index with ``add_articles``);
  peer: the same 1,000 bodies as ``.txt`` files with a sidecar each, through ``update_index``.
- WARC (gzipped), 500 HTML responses plus 100 image responses and 100 redirects: read, read +
  clean (the HTML cleaner on each page), index; peer: the same 500 pages as ``.html`` files
  through ``update_index`` (read, clean and index in one).

Usage: ``.venv/bin/python bench/bench_formats.py [--data PATH] [--records 1000] [--pages 500]``
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpusearch.engine.index import add_articles, update_index
from corpusearch.extract.formats import InputRecord, records_of
from corpusearch.extract.formats.articles import article_from_record
from corpusearch.records import Article

REPO = Path(__file__).resolve().parent.parent
IMAGES_PER_5_PAGES = 1  # the archive holds images and redirects too, as a crawl's does
REDIRECTS_PER_5_PAGES = 1


def _pages(data: Path) -> list[tuple[str, str, str]]:
    """(id, url, html) of each benchmark page, and its gold body through ``_bodies``."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, gold in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        pages.append((key, gold["url"], html))
    return pages


def _bodies(data: Path) -> list[tuple[str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return [(gold["url"], gold["articleBody"]) for _, gold in sorted(truth.items())]


def _cycled(items: list[Any], count: int) -> Iterator[tuple[int, Any]]:
    for number in range(count):
        yield number, items[number % len(items)]


def write_jsonl(path: Path, bodies: list[tuple[str, str]], count: int) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for number, (url, body) in _cycled(bodies, count):
            row = {"url": f"{url}#{number}", "title": f"Article {number}", "text": body}
            row["date"] = f"2020-01-{1 + number % 28:02d}"
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_txt_peer(folder: Path, bodies: list[tuple[str, str]], count: int) -> None:
    folder.mkdir()
    for number, (url, body) in _cycled(bodies, count):
        (folder / f"{number:05d}.txt").write_text(f"Article {number}\n\n{body}\n", encoding="utf-8")
        meta = {"url": f"{url}#{number}", "title": f"Article {number}"}
        meta["date"] = f"2020-01-{1 + number % 28:02d}"
        (folder / f"{number:05d}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def write_warc(path: Path, pages: list[tuple[str, str, str]], count: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def response(writer: Any, url: str, status: str, kind: str, body: bytes) -> None:
        headers = [("Content-Type", kind)]
        if status.startswith("3"):
            headers.append(("Location", url + "/moved"))
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
        )

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for number, (_, url, html) in _cycled(pages, count):
            page_url = f"{url}#{number}"
            response(writer, page_url, "200 OK", "text/html; charset=utf-8", html.encode())
            if number % 5 < IMAGES_PER_5_PAGES:
                response(writer, f"{page_url}.png", "200 OK", "image/png", b"\x89PNG" * 500)
            if number % 5 < REDIRECTS_PER_5_PAGES:
                response(writer, f"{page_url}/old", "301 Moved Permanently", "text/html", b"")


def write_html_peer(folder: Path, pages: list[tuple[str, str, str]], count: int) -> None:
    folder.mkdir()
    for number, (_, url, html) in _cycled(pages, count):
        (folder / f"{number:05d}.html").write_text(html, encoding="utf-8")
        meta = {"url": f"{url}#{number}"}
        (folder / f"{number:05d}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def measure(path: Path, index: Path) -> dict[str, float]:
    started = time.perf_counter()
    records = [item for item in records_of(path) if isinstance(item, InputRecord)]
    read = time.perf_counter() - started
    articles: list[Article] = []
    for record in records:
        try:
            articles.append(article_from_record(record, root=path.parent).article)
        except Exception:  # a page with no article: counted by its absence
            continue
    cleaned = time.perf_counter() - started
    add_articles(index, articles)
    total = time.perf_counter() - started
    return {
        "records": len(records),
        "articles": len(articles),
        "read": read,
        "clean": cleaned - read,
        "index": total - cleaned,
        "total": total,
    }


def peer(folder: Path, index: Path) -> dict[str, float]:
    started = time.perf_counter()
    report = update_index(index, [folder])
    return {"articles": report.added, "total": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval" / "aeb")
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="corpusearch-formats-"))
    try:
        bodies = _bodies(args.data)
        pages = _pages(args.data)
        write_jsonl(work / "export.jsonl", bodies, args.records)
        write_txt_peer(work / "txt", bodies, args.records)
        write_warc(work / "site.warc.gz", pages, args.pages)
        write_html_peer(work / "html", pages, args.pages)
        for name, path, folder in (
            (f"JSONL, {args.records} records", work / "export.jsonl", work / "txt"),
            (f"WARC, {args.pages} pages", work / "site.warc.gz", work / "html"),
        ):
            ours = measure(path, work / f"index-{path.name}")
            theirs = peer(folder, work / f"index-{folder.name}")
            size = path.stat().st_size / 2**20
            print(
                f"{name} ({size:.1f} MiB): {ours['records']} records read in {ours['read']:.2f} s, "
                f"cleaned in {ours['clean']:.2f} s, indexed in {ours['index']:.2f} s: "
                f"{ours['articles']} articles in {ours['total']:.2f} s"
            )
            print(
                f"  peer, the same as one file each through update_index: {theirs['articles']} "
                f"articles in {theirs['total']:.2f} s; ratio ours/peer {ours['total'] / theirs['total']:.2f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
