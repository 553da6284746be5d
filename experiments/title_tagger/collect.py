"""Collect real US government texts (public domain) for training, from two archived repositories.

Reads the fetched snapshots with ``git show`` (no work tree), converts Markdown to the plain-text
convention of ``tests/heldout_real/articles`` (title line, blank, ``date YYYY-MM-DD``, blank, body),
skips every file used by the evaluation sets, and writes ``data/texts/*.txt`` plus
``data/sources.tsv`` (file, repository, path, commit, url).

    python -m experiments.title_tagger.collect --wh DIR --treasury DIR [--n-wh 30 --n-treasury 15]
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EVAL_READMES = [ROOT / "tests/heldout_real/README.md", ROOT / "tests/heldout_real2/README.md"]
WH = "brian14708/wh-briefings"
TREASURY = "US-Department-of-the-Treasury/home.treasury.gov"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def eval_paths() -> set[str]:
    """Every repository path named in the evaluation sets' provenance tables."""
    found: set[str] = set()
    for readme in EVAL_READMES:
        found |= set(
            re.findall(
                r"`((?:statements-releases|briefings-statements|fact-sheets|content)/[^`]+\.md)`",
                readme.read_text(),
            )
        )
    return found


def front_matter(md: str) -> tuple[dict[str, str], str]:
    m = re.match(r"---\n(.*?)\n---\n", md, re.S)
    if not m:
        return {}, md
    head: dict[str, str] = {}
    key = ""
    for line in m.group(1).splitlines():
        kv = re.match(r"(\w+):\s*(.*)", line)
        if kv:
            key = kv.group(1)
            head[key] = kv.group(2)
        elif key:
            head[key] += " " + line.strip()
    for k, v in head.items():
        v = v.strip()
        if len(v) > 1 and v[0] in "'\"" and v[-1] == v[0]:
            v = v[1:-1]
        v = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), v)
        v = v.replace("\\ ", " ").replace("\\_", " ").replace("\\\n", "").replace("''", "'")
        head[k] = re.sub(r"\\\s*", "", v).replace("\u00a0", " ").strip()
    return head, md[m.end() :]


def body_text(md: str) -> str:
    md = re.sub(r"<!--.*?-->", "", md, flags=re.S)
    md = re.sub(r"</?[a-zA-Z][^>]*>", "", md)
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", md)
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = md.replace("**", "").replace("\u00a0", " ")
    md = re.sub(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", md)
    paras = []
    for block in re.split(r"\n\s*\n", md):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        if not lines or all(not ln or ln == "###" for ln in lines):
            continue
        if all(ln.startswith(("- ", "* ")) for ln in lines if ln):
            paras += ["- " + ln[2:] for ln in lines if ln]
        else:
            paras.append(" ".join(ln for ln in lines if ln))
    return "\n\n".join(p.replace("\\", "") for p in paras if p.strip("# "))


def candidates(repo: Path, pattern: str, lo: int, hi: int, skip: set[str]) -> list[tuple[str, str, str]]:
    out = []
    for path in git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines():
        if not re.search(pattern, path) or path in skip:
            continue
        out.append(path)
    return [(p, "", "") for p in out]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wh", type=Path, required=True)
    ap.add_argument("--treasury", type=Path, required=True)
    ap.add_argument("--n-wh", type=int, default=30)
    ap.add_argument("--n-treasury", type=int, default=15)
    ap.add_argument("--out", type=Path, default=HERE / "data")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    skip = eval_paths()
    rng = random.Random(args.seed)
    texts = args.out / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    rows = []
    plans = [
        (args.wh, WH, r"^statements-releases/.*(readout|joint-statement)", args.n_wh, "wh"),
        (args.treasury, TREASURY, r"^content/news/readouts/.*\.md$", args.n_treasury, "tr"),
    ]
    for repo, name, pattern, n, tag in plans:
        pool = [p for p, _, _ in candidates(repo, pattern, 0, 0, skip)]
        rng.shuffle(pool)
        taken = 0
        for path in pool:
            if taken >= n:
                break
            head, md = front_matter(git(repo, "show", f"HEAD:{path}"))
            body = body_text(md)
            words = len(body.split())
            if not 80 <= words <= 420 or "title" not in head:
                continue
            date = str(head.get("date", ""))[:10]
            commit = git(repo, "log", "-1", "--format=%H", "--", path).strip()
            url = head.get("source_url") or ("https://home.treasury.gov" + head.get("url", ""))
            fname = f"{tag}_{date}_{Path(path).stem[:60]}.txt"
            (texts / fname).write_text(f"{head['title']}\n\ndate {date}\n\n{body}\n")
            rows.append("\t".join([fname, name, path, commit, url, str(words)]))
            taken += 1
    (args.out / "sources.tsv").write_text(
        "file\trepository\tpath\tcommit\turl\twords\n" + "\n".join(rows) + "\n"
    )
    print(f"{len(rows)} texts written to {texts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
