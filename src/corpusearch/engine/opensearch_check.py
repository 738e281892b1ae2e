"""Check an export's analysis against ours without a cluster: run its settings in Python or Lucene.

:func:`simulate` interprets the analysis settings :func:`corpusearch.engine.opensearch.index_body`
writes (mapping and pattern_replace character filters, the pattern tokenizer, the token filters
used there) with Python's ``re`` in place of Java's regular expressions, NLTK's Snowball in
place of Lucene's (the same Porter2 algorithm) and Unicode decomposition in place of
``asciifolding``. :func:`parity` compares the result with our analyzer, term by term and
position by position, so a change to either side that breaks the mirror shows as a figure.

:func:`lucene_parity` runs the same settings through Lucene's own analysis classes (the ones
OpenSearch's ``pattern``, ``pattern_replace``, ``mapping``, ``stop``, ``snowball`` ... wrap),
compiled and run with the local Java when Debian's ``liblucene8-java`` is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from corpusearch.engine.analysis import stem, text_analyzer
from corpusearch.engine.opensearch import os_term

__all__ = [
    "Parity",
    "lucene_analyze",
    "lucene_classpath",
    "lucene_parity",
    "lucene_rule_errors",
    "parity",
    "simulate",
]

Token = tuple[str, int]  # term, position
# Letters Unicode decomposition does not reduce to ASCII, as Lucene's ASCIIFoldingFilter folds them.
_FOLD_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "œ": "oe", "þ": "th", "ı": "i"}
)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    # Java's (?U) (Unicode character classes) is what Python's str patterns do by default, and
    # Python's \w already holds the \p{No} characters the Java classes add to it.
    return re.compile(pattern.replace("(?U)", "").replace(r"\p{No}", ""))


def _replacement(java: str) -> str:
    return re.sub(r"\$(\d)", r"\\g<\1>", java)


def _ascii_fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _char_filter(spec: dict[str, Any], text: str) -> str:
    if spec["type"] == "mapping":
        table = dict(rule.split(" => ") for rule in spec["mappings"])
        return "".join(table.get(char, char) for char in text)
    if spec["type"] == "pattern_replace":
        return _regex(spec["pattern"]).sub(_replacement(spec["replacement"]), text)
    raise ValueError(f"char filter {spec['type']} is not simulated")


def _tokenize(spec: dict[str, Any] | str, text: str) -> list[Token]:
    if spec == "whitespace":
        return [(word, i) for i, word in enumerate(text.split())]
    if isinstance(spec, dict) and spec["type"] == "pattern":
        return [(m.group(0), i) for i, m in enumerate(_regex(spec["pattern"]).finditer(text))]
    raise ValueError(f"tokenizer {spec} is not simulated")


def _token_filter(
    spec: dict[str, Any] | str, tokens: list[Token], keywords: set[str]
) -> list[Token]:
    kind = spec if isinstance(spec, str) else spec["type"]
    if kind == "lowercase":
        return [(t.lower(), p) for t, p in tokens]
    if kind == "asciifolding":
        return [(_ascii_fold(t), p) for t, p in tokens]
    assert isinstance(spec, dict), kind
    if kind == "pattern_replace":
        pattern, replacement = _regex(spec["pattern"]), _replacement(spec["replacement"])
        return [(pattern.sub(replacement, t), p) for t, p in tokens]
    if kind == "synonym":
        table = dict(rule.split(" => ") for rule in spec["synonyms"])
        return [(table.get(t, t), p) for t, p in tokens]
    if kind == "stop":
        stops = set(spec["stopwords"])
        return [(t, p) for t, p in tokens if t not in stops]
    if kind == "length":
        return [(t, p) for t, p in tokens if len(t) >= spec.get("min", 0)]
    if kind == "keyword_marker":
        keywords.update(spec["keywords"])
        return tokens
    if kind == "snowball":
        return [(t if t in keywords else stem(t), p) for t, p in tokens]
    raise ValueError(f"token filter {kind} is not simulated")


def simulate(settings: dict[str, Any], analyzer: str, text: str) -> list[Token]:
    """The terms and positions the exported ``analyzer`` gives ``text`` (index time)."""
    analysis = settings["settings"]["index"]["analysis"]
    chain = analysis["analyzer"][analyzer]
    for name in chain.get("char_filter", []):
        text = _char_filter(analysis["char_filter"][name], text)
    tokenizer = chain["tokenizer"]
    tokens = _tokenize(analysis.get("tokenizer", {}).get(tokenizer, tokenizer), text)
    keywords: set[str] = set()
    for name in chain.get("filter", []):
        tokens = _token_filter(analysis["filter"].get(name, name), tokens, keywords)
    return tokens


def ours(text: str) -> list[Token]:
    """Our index terms of ``text`` (in their OpenSearch form) and positions."""
    return [(os_term(token.text), token.pos) for token in text_analyzer()(text, positions=True)]


@dataclass(frozen=True)
class Parity:
    """How closely the exported analysis reproduces ours over some texts."""

    texts: int
    same_texts: int  # texts whose terms and positions all agree
    tokens: int  # our terms
    same_terms: int  # our terms OpenSearch produces at the same place in the sequence
    differences: tuple[tuple[str, str, int], ...]  # (ours, OpenSearch's, count), most first

    def summary(self) -> str:
        share = self.same_terms / max(self.tokens, 1)
        return (
            f"{self.same_terms}/{self.tokens} terms ({share:.4%}) and {self.same_texts}/"
            f"{self.texts} texts (terms and positions) identical"
        )


def parity(settings: dict[str, Any], texts: Iterable[str], *, show: int = 10) -> Parity:
    """Compare our analysis with the exported ``corpusearch_text`` analyzer over ``texts``."""
    kept = list(texts)
    return _compare(kept, [simulate(settings, "corpusearch_text", t) for t in kept], show)


def _compare(texts: list[str], results: list[list[Token]], show: int) -> Parity:
    same_texts = tokens = same_terms = 0
    differences: Counter[tuple[str, str]] = Counter()
    for text, theirs in zip(texts, results, strict=True):
        mine = ours(text)
        same_texts += mine == theirs
        tokens += len(mine)
        their_terms = [t for t, _ in theirs]
        for i, (term, _) in enumerate(mine):
            other = their_terms[i] if i < len(their_terms) else ""
            if term == other:
                same_terms += 1
            else:
                differences[(term, other)] += 1
    ranked = tuple((a, b, n) for (a, b), n in differences.most_common(show))
    return Parity(len(texts), same_texts, tokens, same_terms, ranked)


# --- the same settings run by Lucene, the library OpenSearch's analysis wraps -----------------

LUCENE_JARS = Path("/usr/share/java")  # Debian's liblucene8-java puts them here
LUCENE_JAR_NAMES = ("lucene-core", "lucene-analyzers-common")
JAVA_TIMEOUT = 600  # seconds: a JVM start and a few hundred thousand texts
_SEP_ITEM = "\x1f"
_SEP_PAIR = "\x1e"

_JAVA = r"""
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.charfilter.*;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.miscellaneous.*;
import org.apache.lucene.analysis.pattern.*;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.synonym.*;
import org.apache.lucene.analysis.tokenattributes.*;
import org.apache.lucene.util.CharsRef;

public class LuceneCheck {
  static final String ITEM = "\u001f", PAIR = "\u001e";
  static List<String[]> spec;

  static String[] items(String s) { return s.isEmpty() ? new String[0] : s.split(ITEM, -1); }

  static Analyzer analyzer() {
    return new Analyzer() {
      @Override protected Reader initReader(String field, Reader reader) {
        for (String[] c : spec) {
          if (c[0].equals("C_MAP")) {
            NormalizeCharMap.Builder b = new NormalizeCharMap.Builder();
            for (String p : items(c[1])) { String[] kv = p.split(PAIR, -1); b.add(kv[0], kv[1]); }
            reader = new MappingCharFilter(b.build(), reader);
          } else if (c[0].equals("C_PATTERN")) {
            reader = new PatternReplaceCharFilter(Pattern.compile(c[1]), c[2], reader);
          }
        }
        return reader;
      }
      @Override protected TokenStreamComponents createComponents(String field) {
        Tokenizer source = null;
        TokenStream stream = null;
        try {
          for (String[] c : spec) {
            switch (c[0]) {
              case "T_PATTERN": source = new PatternTokenizer(Pattern.compile(c[1]), Integer.parseInt(c[2])); stream = source; break;
              case "T_WHITESPACE": source = new WhitespaceTokenizer(); stream = source; break;
              case "F_PATTERN": stream = new PatternReplaceFilter(stream, Pattern.compile(c[1]), c[2], true); break;
              case "F_LOWERCASE": stream = new LowerCaseFilter(stream); break;
              case "F_ASCIIFOLDING": stream = new ASCIIFoldingFilter(stream, false); break;
              case "F_SYNONYM": {
                SynonymMap.Builder b = new SynonymMap.Builder(true);
                for (String p : items(c[1])) {
                  String[] kv = p.split(PAIR, -1);
                  b.add(new CharsRef(kv[0]), new CharsRef(kv[1]), false);
                }
                stream = new SynonymGraphFilter(stream, b.build(), false); break;
              }
              case "F_STOP": stream = new StopFilter(stream, new CharArraySet(Arrays.asList(items(c[1])), false)); break;
              case "F_LENGTH": stream = new LengthFilter(stream, Integer.parseInt(c[1]), Integer.MAX_VALUE); break;
              case "F_KEYWORD": stream = new SetKeywordMarkerFilter(stream, new CharArraySet(Arrays.asList(items(c[1])), false)); break;
              case "F_SNOWBALL": stream = new SnowballFilter(stream, c[1]); break;
              default: break;
            }
          }
        } catch (IOException e) { throw new UncheckedIOException(e); }
        return new TokenStreamComponents(source, stream);
      }
    };
  }

  public static void main(String[] args) throws Exception {
    spec = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) spec.add(line.split("\t", -1));
    Analyzer analyzer = analyzer();
    try (BufferedReader in = Files.newBufferedReader(Paths.get(args[1]), StandardCharsets.UTF_8);
         BufferedWriter out = Files.newBufferedWriter(Paths.get(args[2]), StandardCharsets.UTF_8)) {
      String text;
      while ((text = in.readLine()) != null) {
        if (text.startsWith("RULE\t")) {
          String rule = text.substring(5);
          try {
            SolrSynonymParser parser = new SolrSynonymParser(true, true, analyzer);
            parser.parse(new StringReader(rule));
            parser.build();
            out.write("ok");
          } catch (Exception e) { out.write("error: " + String.valueOf(e.getMessage()).replace('\n', ' ')); }
          out.write("\n");
          continue;
        }
        List<String> tokens = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("f", text)) {
          CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
          PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
          ts.reset();
          int position = -1;
          while (ts.incrementToken()) { position += inc.getPositionIncrement(); tokens.add(term.toString() + PAIR + position); }
          ts.end();
        }
        out.write(String.join(ITEM, tokens));
        out.write("\n");
      }
    }
  }
}
"""


def _spec_lines(settings: dict[str, Any], analyzer: str) -> list[str]:
    analysis = settings["settings"]["index"]["analysis"]
    chain = analysis["analyzer"][analyzer]
    lines: list[str] = []
    for name in chain.get("char_filter", []):
        spec = analysis["char_filter"][name]
        if spec["type"] == "mapping":
            pairs = (rule.split(" => ") for rule in spec["mappings"])
            lines.append("C_MAP\t" + _SEP_ITEM.join(f"{a}{_SEP_PAIR}{b}" for a, b in pairs))
        else:
            lines.append(f"C_PATTERN\t{spec['pattern']}\t{spec['replacement']}")
    tokenizer = analysis.get("tokenizer", {}).get(chain["tokenizer"], chain["tokenizer"])
    if tokenizer == "whitespace":
        lines.append("T_WHITESPACE")
    else:
        lines.append(f"T_PATTERN\t{tokenizer['pattern']}\t{tokenizer.get('group', -1)}")
    for name in chain.get("filter", []):
        spec = analysis["filter"].get(name, {"type": name})
        kind = spec["type"]
        if kind == "pattern_replace":
            lines.append(f"F_PATTERN\t{spec['pattern']}\t{spec['replacement']}")
        elif kind in ("lowercase", "asciifolding"):
            lines.append(f"F_{kind.upper()}")
        elif kind == "synonym":
            pairs = (rule.split(" => ") for rule in spec["synonyms"])
            lines.append("F_SYNONYM\t" + _SEP_ITEM.join(f"{a}{_SEP_PAIR}{b}" for a, b in pairs))
        elif kind == "stop":
            lines.append("F_STOP\t" + _SEP_ITEM.join(spec["stopwords"]))
        elif kind == "length":
            lines.append(f"F_LENGTH\t{spec.get('min', 0)}")
        elif kind == "keyword_marker":
            lines.append("F_KEYWORD\t" + _SEP_ITEM.join(spec["keywords"]))
        elif kind == "snowball":
            lines.append(f"F_SNOWBALL\t{spec['language']}")
        elif kind != "synonym_graph":  # search-time only: checked with lucene_rule_errors
            raise ValueError(f"token filter {kind} is not run by the Lucene check")
    return lines


def lucene_classpath() -> str | None:
    """The Lucene jars' classpath, or None when Java or Lucene is not installed."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        return None
    jars = []
    for name in LUCENE_JAR_NAMES:
        found = sorted(LUCENE_JARS.glob(f"{name}-[0-9]*.jar"))
        if not found:
            return None
        jars.append(str(found[-1]))
    return os.pathsep.join(jars)


def _run_lucene(settings: dict[str, Any], analyzer: str, lines: list[str]) -> list[str]:
    classpath = lucene_classpath()
    if classpath is None:
        raise RuntimeError("the Lucene check needs java, javac and liblucene8-java")
    with tempfile.TemporaryDirectory(prefix="corpusearch-lucene-") as folder:
        work = Path(folder)
        (work / "LuceneCheck.java").write_text(_JAVA, encoding="utf-8")
        subprocess.run(
            ["javac", "-nowarn", "-cp", classpath, "-d", folder, str(work / "LuceneCheck.java")],
            check=True,
            capture_output=True,
            timeout=JAVA_TIMEOUT,
        )
        (work / "spec.tsv").write_text("\n".join(_spec_lines(settings, analyzer)), "utf-8")
        (work / "in.txt").write_text("".join(line + "\n" for line in lines), "utf-8")
        subprocess.run(
            ["java", "-cp", os.pathsep.join([folder, classpath]), "LuceneCheck"]
            + [str(work / name) for name in ("spec.tsv", "in.txt", "out.txt")],
            check=True,
            capture_output=True,
            timeout=JAVA_TIMEOUT,
        )
        return (work / "out.txt").read_text(encoding="utf-8").split("\n")[: len(lines)]


def lucene_analyze(
    settings: dict[str, Any], analyzer: str, texts: Iterable[str]
) -> list[list[Token]]:
    """The terms and positions Lucene gives each text with the exported ``analyzer``."""
    lines = [" ".join(text.split()) for text in texts]  # one text per line
    results: list[list[Token]] = []
    for output in _run_lucene(settings, analyzer, lines):
        tokens = [item.rsplit(_SEP_PAIR, 1) for item in output.split(_SEP_ITEM) if item]
        results.append([(term, int(position)) for term, position in tokens])
    return results


def lucene_rule_errors(settings: dict[str, Any]) -> dict[str, str]:
    """The alias rules Lucene's synonym parser refuses (OpenSearch skips them, being lenient)."""
    rules = settings["settings"]["index"]["analysis"]["filter"]["corpusearch_aliases"]["synonyms"]
    outputs = _run_lucene(settings, "corpusearch_text", [f"RULE\t{rule}" for rule in rules])
    return {rule: out for rule, out in zip(rules, outputs, strict=True) if out != "ok"}


def lucene_parity(settings: dict[str, Any], texts: Iterable[str], *, show: int = 10) -> Parity:
    """:func:`parity`, with Lucene running the exported analyzer instead of the simulation."""
    kept = [" ".join(text.split()) for text in texts]
    return _compare(kept, lucene_analyze(settings, "corpusearch_text", kept), show)
