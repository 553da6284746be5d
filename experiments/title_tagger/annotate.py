"""Apply the hand corrections to the rules' pre-annotation and write the annotated corpus.

``corrections.txt`` holds the annotator's edits, per file: ``@ FILE`` then ``old => new`` lines on
the marked-up text (``{T ...}`` title, ``{O ...}`` official's name); ``old`` must occur once, or
every occurrence is replaced when the line starts with ``*``; ``\\n`` stands for a line break.
Writes ``data/annotated.jsonl``
({"file", "text", "spans": [[start, end, label]]}) and prints how many spans the corrections changed.

    python -m experiments.title_tagger.annotate
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .preannotate import unmark

HERE = Path(__file__).parent
DATA = HERE / "data"


def read_corrections(path: Path) -> dict[str, list[tuple[str, str, bool]]]:
    edits: dict[str, list[tuple[str, str, bool]]] = {}
    current = ""
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@ "):
            current = line[2:].strip()
            edits.setdefault(current, [])
            continue
        if " => " not in line or not current:
            raise ValueError(f"{path.name}:{n}: not an edit: {line}")
        old, new = (part.replace("\\n", "\n") for part in line.split(" => ", 1))
        every = old.startswith("*")
        edits[current].append((old[1:] if every else old, new, every))
    return edits


def apply(marked: str, edits: list[tuple[str, str, bool]], name: str) -> str:
    for old, new, every in edits:
        count = marked.count(old)
        if count == 0 or (count > 1 and not every):
            raise ValueError(f"{name}: {old!r} occurs {count} times")
        marked = marked.replace(old, new)
    return marked


def main() -> int:
    edits = read_corrections(HERE / "corrections.txt")
    pre = [json.loads(line) for line in (DATA / "pre.jsonl").read_text().splitlines()]
    unknown = set(edits) - {p["file"] for p in pre}
    if unknown:
        raise SystemExit(f"corrections for unknown files: {sorted(unknown)}")
    stats: Counter[str] = Counter()
    with (DATA / "annotated.jsonl").open("w") as out:
        for doc in pre:
            marked = (DATA / "marked" / doc["file"]).read_text()
            text, spans = unmark(apply(marked, edits.get(doc["file"], []), doc["file"]))
            if text != doc["text"]:
                raise SystemExit(f"{doc['file']}: a correction changed the text itself")
            before = {tuple(s) for s in doc["spans"]}
            after = set(spans)
            for label in "TO":
                b = {s for s in before if s[2] == label}
                a = {s for s in after if s[2] == label}
                stats[f"{label} rules"] += len(b)
                stats[f"{label} final"] += len(a)
                stats[f"{label} kept"] += len(a & b)
                stats[f"{label} removed or reshaped"] += len(b - a)
                stats[f"{label} added or reshaped"] += len(a - b)
            out.write(json.dumps({"file": doc["file"], "text": text, "spans": sorted(spans)}) + "\n")
    for key in sorted(stats):
        print(f"{key:28} {stats[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
