"""``briefings articles`` prints names from the outside (file names, URLs, titles): none of their
characters may act on the terminal (an ESC sequence, a bidirectional override, a line break)."""

from __future__ import annotations

import os
from pathlib import Path

from tests import samples
from tests.cli import run_cli

REPO = Path(__file__).resolve().parents[1]
HOSTILE = "\x1b[31mred\x1b[0m\u202eevil\x07"


def test_articles_table_escapes_control_characters_in_names(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFINGS_DATABASE_URL": db_url, "PYTHONPATH": str(REPO), "COLUMNS": "400"}
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"story{HOSTILE}.txt").write_text(samples.WIRE, encoding="utf-8")
    ingested = run_cli(["ingest", str(folder)], env, tmp_path)
    assert ingested.stdout.strip() == "ingested 1, unchanged 0, rejected 0", ingested.stderr
    listing = run_cli(["articles"], env, tmp_path)
    assert listing.returncode == 0, listing.stderr
    shown = listing.stdout
    assert not any(ch in shown for ch in "\x1b\u202e\x07"), repr(shown)
    assert "\\x1b[31mred\\x1b[0m\\u202eevil\\x07.txt" in shown.replace("\n", "").replace("│", "")
