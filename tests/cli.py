"""Running the real ``briefings`` command line in a subprocess, for the tests that check what a user sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``briefings ARGS...`` with this environment, from ``cwd``; its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "briefings.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
