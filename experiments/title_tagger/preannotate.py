"""Pre-annotate training texts with the rule layer: OFFICIAL name spans and TITLE spans.

Writes one marked-up file per text under ``data/marked/`` (``{T Vice President} {O Kamala Harris}``)
for correction by hand, and ``data/pre.jsonl`` (the rules' spans, kept to count the corrections).

    python -m experiments.title_tagger.preannotate FILES...
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from briefings.extract.document import build_doc
from briefings.extract.nlp import person_spans
from briefings.extract.officials import extract_officials
from briefings.extract.pipeline import Extractor, _ner_chunks
from briefings.ingest.clean import clean_text

HERE = Path(__file__).parent
LEADING = re.compile(r"(?i)^(?:the|a|an|his|her|their|its|former|then|current|acting\s+(?=$))\s+")


def rule_spans(extractor: Extractor, text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The cleaned text and its (start, end, label) spans as the rules find them."""
    article = clean_text(text)
    lex = extractor.lexicon
    doc = build_doc(article.text, article.published, lex, article.title)
    officials, people = extract_officials(doc, lex)
    chunks = _ner_chunks(doc, lex, people)
    doc.persons = person_spans(extractor.nlp, chunks) if chunks else []
    if doc.persons:
        officials, people = extract_officials(doc, lex)
    spans: set[tuple[int, int, str]] = set()
    for off in officials:
        spans |= {(s.start, s.end, "O") for s in off.spans}
    demonyms = {(p.start, p.end) for p in doc.places}
    for person in people:
        for m in person.mentions:
            if (
                not m.title
                or m.start < 0
                or m.end <= m.start
                or (m.start >= m.name.start and m.end > m.name.end)
            ):
                continue
            a, b = m.start, m.end
            while True:  # no determiner, "former" or state word at the front
                head = LEADING.match(doc.text[a:b])
                place = next((e for s, e in demonyms if s == a and e < b), None)
                if head:
                    a += head.end()
                elif place is not None:
                    a = place
                    while a < b and doc.text[a] in " ’'s":
                        a += 1
                else:
                    break
            while b > a and doc.text[b - 1] in " ,(":
                b -= 1
            if b > a:
                spans.add((a, b, "T"))
    return doc.text, sorted(_no_overlap(sorted(spans)))


def _no_overlap(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for s in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if kept and s[0] < kept[-1][1]:
            continue
        kept.append(s)
    return kept


def mark(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for a, b, label in spans:
        out += [text[pos:a], "{", label, " ", text[a:b], "}"]
        pos = b
    return "".join([*out, text[pos:]])


MARK_RE = re.compile(r"\{([TO]) ([^{}]*)\}")


def unmark(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The plain text and spans of a marked-up file (inverse of :func:`mark`)."""
    out, spans, pos, n = [], [], 0, 0
    for m in MARK_RE.finditer(marked):
        out.append(marked[pos : m.start()])
        n += m.start() - pos
        spans.append((n, n + len(m.group(2)), m.group(1)))
        out.append(m.group(2))
        n += len(m.group(2))
        pos = m.end()
    out.append(marked[pos:])
    text = "".join(out)
    if "{" in text or "}" in text:
        raise ValueError("unbalanced markup: " + text[text.find("{") - 40 : text.find("{") + 40])
    return text, spans


def main(argv: list[str] | None = None) -> int:
    files = [Path(f) for f in (argv if argv is not None else sys.argv[1:])]
    extractor = Extractor.load()
    marked_dir = HERE / "data" / "marked"
    marked_dir.mkdir(parents=True, exist_ok=True)
    with (HERE / "data" / "pre.jsonl").open("w") as pre:
        for f in files:
            text, spans = rule_spans(extractor, f.read_text())
            (marked_dir / f.name).write_text(mark(text, spans))
            pre.write(json.dumps({"file": f.name, "text": text, "spans": spans}) + "\n")
    print(f"{len(files)} texts pre-annotated in {marked_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
