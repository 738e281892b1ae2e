"""A seeded corpus of scraped-looking articles on disk, and a query set over it, for bench_scale.

Prose is real: SciFact abstracts (../shared/eval/scifact/corpus.jsonl) and the hand-made article
bodies of the AEB benchmark pages (../shared/eval/aeb/ground-truth.json), split into sentences.
Together they hold about 8 MB of text, so a 40 MB corpus reuses each sentence a few times: a
paragraph is a run of consecutive sentences of one source document (so words co-occur as they do
in real prose), and when that exact run was already used, a sentence of another document is
appended. Every paragraph is unique, which matters: the dump cleaner treats a line that stands on
another page as site furniture (a menu, a footer) and drops it.

Each article is ``NAME.txt`` (a title line, then paragraphs separated by blank lines, the layout
of a text dump of a web page) plus a sidecar ``NAME.meta.json`` with title, authors, date,
topics, source and url, as the README's "Inputs" section describes. Authors, topics and sources
are drawn from made-up pools with Zipf-like popularity, so filters select varied shares.

Stdlib only: the peers' venv imports this module too.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
SCIFACT = EVAL / "scifact"
AEB = EVAL / "aeb"

# Bump when the generated files change, so cached corpora are rebuilt.
FORMAT_VERSION = 1
SEED = 17  # issue 17
PARAGRAPHS_PER_ARTICLE = (12, 28)  # uniform draw, mean 20 as the issue asks
# 40 MB over 100,000 paragraphs: ~400 characters, about 2-3 SciFact sentences.
PARAGRAPH_CHARS = (200, 600)
SENTENCE_CHARS = (30, 600)  # shorter "sentences" are list items or split artefacts
FILES_PER_FOLDER = 500  # keeps directory listings small at the 1m size (50,000 articles)
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"“])")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
PLAIN_WORD = re.compile(r"[A-Za-z]+")  # phrase words: no punctuation that engines split on
FIRST_NAMES = [
    "Amira",
    "Ben",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Mariam",
    "Noor",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tamar",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Adel",
    "Bianca",
    "Chen",
    "Dalia",
    "Emeka",
    "Fatima",
    "Gustavo",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
]
LAST_NAMES = [
    "Abadi",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowalski",
    "Laurent",
    "Mendes",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rahman",
    "Schmidt",
    "Takahashi",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zeller",
    "Almeida",
    "Brennan",
    "Castillo",
    "Demir",
    "Ekwueme",
    "Ferreira",
    "Gallo",
    "Hughes",
    "Iqbal",
    "Jovanovic",
    "Kaur",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Olsen",
    "Pereira",
    "Rossi",
    "Santos",
    "Tanaka",
    "Ueda",
    "Vidal",
    "Walsh",
    "Yamamoto",
    "Zhang",
]
TOPICS = (
    "Public Health",
    "Oncology",
    "Neuroscience",
    "Genetics",
    "Immunology",
    "Cardiology",
    "Infectious Disease",
    "Metabolism",
    "Stem Cells",
    "Epidemiology",
    "Pharmacology",
    "Microbiome",
    "Ageing",
    "Nutrition",
    "Mental Health",
    "Technology",
    "Business",
    "Politics",
    "Culture",
    "Science Policy",
    "Climate",
    "Education",
    "Sport",
    "Travel",
    "Security",
    "Media",
    "Law",
    "Economy",
    "Energy",
    "Housing",
)
SOURCES = (
    "The Daily Ledger",
    "Health Watch",
    "Lab Notes",
    "Northern Courier",
    "Science Today",
    "The Evening Post",
    "Clinical Review",
    "Metro Herald",
    "Research Digest",
    "The Observer Weekly",
    "Policy Brief",
    "Global Times Review",
    "Coastal News",
    "The Analyst",
    "Medicine Monthly",
    "City Gazette",
    "Tech Chronicle",
    "The Record",
    "Evidence Matters",
    "Frontier Journal",
)
YEARS = (2000, 2024)
LATIN_SHARE = 0.9  # English prose with a few accented names passes; Cyrillic or CJK does not
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "may",
        "more",
        "no",
        "not",
        "of",
        "on",
        "or",
        "than",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "we",
        "us",
        "our",
        "their",
        "which",
    ]
)


@dataclass(frozen=True)
class Corpus:
    """A generated corpus on disk: ``folder/corpus`` holds the files."""

    folder: Path
    paragraphs: int
    articles: int
    text_bytes: int

    @property
    def files(self) -> Path:
        return self.folder / "corpus"


def split_sentences(text: str) -> list[str]:
    """The prose sentences of ``text`` (list items, captions and fragments dropped)."""
    sentences = []
    for block in text.split("\n"):
        for sentence in SENTENCE.split(" ".join(block.split())):
            if SENTENCE_CHARS[0] <= len(sentence) <= SENTENCE_CHARS[1] and sentence[-1] in '.!?”"':
                sentences.append(sentence)
    return sentences


def source_documents() -> tuple[list[list[str]], list[str]]:
    """Sentences of every source document, and the SciFact titles (for article titles)."""
    documents: list[list[str]] = []
    titles: list[str] = []
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            documents.append(split_sentences(doc["text"]))
            if 20 <= len(doc["title"]) <= 160:
                titles.append(doc["title"].rstrip("."))
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    bodies = [page["articleBody"] for page in truth.values()]
    documents += [split_sentences(body) for body in bodies if is_english(body)]
    return [doc for doc in documents if doc], titles


def is_english(text: str) -> bool:
    """Whether ``text`` is written in Latin letters (AEB holds a few Russian and Chinese pages;
    the query set is English, so those would only add unreachable paragraphs)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) >= LATIN_SHARE * max(len(letters), 1)


class ParagraphMaker:
    """Unique paragraphs: runs of consecutive sentences of one document, made unique if needed."""

    def __init__(self, documents: list[list[str]], rng: random.Random) -> None:
        self.documents = documents
        self.rng = rng
        self.seen: set[int] = set()

    def make(self) -> str:
        rng = self.rng
        doc = rng.choice(self.documents)
        start = rng.randrange(len(doc))
        target = rng.randint(*PARAGRAPH_CHARS)
        parts = [doc[start]]
        for sentence in doc[start + 1 :]:
            if sum(map(len, parts)) >= target:
                break
            parts.append(sentence)
        text = " ".join(parts)
        while hash(text) in self.seen:  # hash() of str is salted per process, but stable within
            text += " " + rng.choice(rng.choice(self.documents))
        self.seen.add(hash(text))
        return text


def zipf_choice(rng: random.Random, pool: list[str], count: int) -> list[str]:
    """``count`` distinct items of ``pool``, popular ones (low rank) far more often."""
    weights = [1 / rank for rank in range(1, len(pool) + 1)]
    chosen: list[str] = []
    while len(chosen) < count:
        item = rng.choices(pool, weights=weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def slug(text: str) -> str:
    return "-".join(WORD.findall(text.lower())[:8])


def article_meta(rng: random.Random, title: str, authors: list[str]) -> dict[str, object]:
    year = rng.randint(*YEARS)
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    source = zipf_choice(rng, list(SOURCES), 1)[0]
    return {
        "title": title,
        "authors": zipf_choice(rng, authors, rng.choice((1, 1, 2, 2, 3))),
        "date": date,
        "topics": zipf_choice(rng, list(TOPICS), rng.randint(1, 3)),
        "source": source,
        "url": f"https://{slug(source)}.example/{date[:4]}/{date[5:7]}/{slug(title)}",
    }


def titles_forever(rng: random.Random, titles: list[str]) -> Iterator[str]:
    """Article titles: the SciFact titles shuffled, then again with a part number (all unique)."""
    cycle = 0
    while True:
        order = titles[:]
        rng.shuffle(order)
        for title in order:
            yield title if cycle == 0 else f"{title}, part {cycle + 1}"
        cycle += 1


def article_path(files: Path, number: int) -> Path:
    return files / f"{number // FILES_PER_FOLDER:03d}" / f"article-{number:06d}.txt"


def generate(folder: Path, paragraphs: int, seed: int = SEED) -> Corpus:
    """Write ``paragraphs`` paragraphs as articles under ``folder/corpus`` (replacing it)."""
    rng = random.Random(seed)
    documents, titles = source_documents()
    maker = ParagraphMaker(documents, rng)
    authors = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(authors)
    files = folder / "corpus"
    shutil.rmtree(files, ignore_errors=True)
    written = articles = text_bytes = 0
    title_source = titles_forever(rng, titles)
    while written < paragraphs:
        count = min(rng.randint(*PARAGRAPHS_PER_ARTICLE), paragraphs - written)
        title = next(title_source)
        body = [maker.make() for _ in range(count)]
        path = article_path(files, articles)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "\n\n".join([title, *body]) + "\n"
        path.write_text(text, encoding="utf-8")
        meta = article_meta(rng, title, authors)
        path.with_suffix(".meta.json").write_text(json.dumps(meta, ensure_ascii=False))
        written += count
        articles += 1
        text_bytes += len(text.encode("utf-8"))
    corpus = Corpus(folder, written, articles, text_bytes)
    manifest = {"version": FORMAT_VERSION, "seed": seed, "paragraphs": written}
    manifest |= {"articles": articles, "text_bytes": text_bytes}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return corpus


def cached(folder: Path, paragraphs: int, seed: int = SEED) -> Corpus:
    """The corpus in ``folder`` if it was generated with these settings, else a fresh one."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        manifest = {}
    wanted = {"version": FORMAT_VERSION, "seed": seed, "paragraphs": paragraphs}
    if all(manifest.get(key) == value for key, value in wanted.items()):
        return Corpus(folder, paragraphs, manifest["articles"], manifest["text_bytes"])
    return generate(folder, paragraphs, seed)


@dataclass(frozen=True)
class Record:
    """One paragraph as the peers index it (they read the same files, without any cleaning)."""

    id: str
    title: str
    text: str
    authors: list[str]
    topics: list[str]
    source: str
    date: str


def read_article(path: Path) -> tuple[Path, dict[str, object], list[str]]:
    """(path, sidecar, blocks) of one article file: blocks are blank-line separated."""
    meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return path, meta, blocks


def read_articles(files: Path) -> Iterator[tuple[Path, dict[str, object], list[str]]]:
    """Every article file under ``files``, in path order."""
    for path in sorted(files.rglob("*.txt")):
        yield read_article(path)


def records(files: Path) -> Iterator[Record]:
    """The paragraphs of the corpus for a peer engine: title line dropped, sidecar applied."""
    for path, meta, blocks in read_articles(files):
        for position, text in enumerate(blocks[1:], 1):
            yield Record(
                id=f"{path.stem}-{position}",
                title=str(meta["title"]),
                text=text,
                authors=list(meta["authors"]),  # type: ignore[call-overload]
                topics=list(meta["topics"]),  # type: ignore[call-overload]
                source=str(meta["source"]),
                date=str(meta["date"]),
            )


def content_words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in WORD.findall(text)) if w not in STOPWORDS]


def make_queries(files: Path, per_kind: int, seed: int = SEED) -> list[dict[str, str]]:
    """``per_kind`` queries of each kind: keywords, phrase, filtered, claim (seeded).

    keywords: 1-3 content words of a SciFact claim (what people type in a search box);
    phrase: 2-3 consecutive words of a corpus paragraph, quoted (so it matches somewhere);
    filtered: keywords plus an author's full name (half) or a 2-6 year date range (half);
    claim: a whole SciFact claim (10-20 words of natural language).
    """
    rng = random.Random(seed)
    claims = [json.loads(line)["text"] for line in (SCIFACT / "queries.jsonl").open()]
    rng.shuffle(claims)
    paths = sorted(files.rglob("*.txt"))
    sample = [read_article(p) for p in rng.sample(paths, min(len(paths), 4 * per_kind))]
    authors = sorted({str(a) for _, meta, _ in sample for a in meta["authors"]})  # type: ignore[attr-defined]
    queries: list[dict[str, str]] = []
    for number in range(per_kind):
        words = content_words(claims[number % len(claims)]) or ["cell"]
        typed = " ".join(rng.sample(words, min(len(words), rng.randint(1, 3))))
        queries.append({"kind": "keywords", "q": typed})
        queries.append({"kind": "phrase", "q": phrase(rng, sample)})
        queries.append(filtered(rng, content_words(claims[-number - 1]) or words, authors))
        queries.append({"kind": "claim", "q": claims[(number + per_kind) % len(claims)]})
    return queries


def phrase(rng: random.Random, sample: list[tuple[Path, dict[str, object], list[str]]]) -> str:
    """2-3 consecutive plain words of a sample paragraph, quoted: a substring of its text."""
    while True:
        _, _, blocks = rng.choice(sample)
        words = rng.choice(blocks[1:] or blocks).split()
        length = rng.randint(2, 3)
        if len(words) <= length:
            continue
        start = rng.randrange(len(words) - length)
        run = words[start : start + length]
        plain = all(PLAIN_WORD.fullmatch(word) for word in run)
        if plain and run[0].lower() not in STOPWORDS and run[-1].lower() not in STOPWORDS:
            return '"' + " ".join(run) + '"'


def filtered(rng: random.Random, words: list[str], authors: list[str]) -> dict[str, str]:
    query = {"kind": "filtered", "q": " ".join(rng.sample(words, min(len(words), 2)))}
    if rng.random() < 0.5:
        query["author"] = rng.choice(authors)
    else:
        since = rng.randint(YEARS[0], YEARS[1] - 2)
        query["since"] = f"{since}-01-01"
        query["until"] = f"{min(since + rng.randint(2, 6), YEARS[1])}-12-31"
    return query
