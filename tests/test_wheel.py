"""The package as a new user installs it (issue #15): a wheel built with the standard backend
(``pip wheel``, setuptools) holds every module, data file and template of the source tree; installed
with its dependencies into a fresh virtual environment, and run from another folder (as a non-root
user when the tests run as root, as the container image does), it ingests the samples, prints a
brief, passes ``briefbot check`` and answers /brief from the local Bot API server.

The install resolves the wheel's declared dependencies from the configured package index (about
25 s here with a warm index); nothing is borrowed from the project's own environment, so an
undeclared dependency fails this test.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.botapi import ThreadedBotApiServer

REPO = Path(__file__).resolve().parents[1]
#: what a build needs from the repository (a copy is built, so nothing is written into the tree)
SOURCES = ("pyproject.toml", "README.md", "briefings", "bot", "templates")
#: the top-level templates/ folder is installed as this package (pyproject.toml's package-dir)
TEMPLATES_PACKAGE = "briefings/templates"
NOBODY = 65534


def _pyproject() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def source_packages() -> set[str]:
    """Every package of the source tree: folders of briefings/ and bot/ with an ``__init__.py``."""
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for top in ("briefings", "bot")
        for init in (REPO / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    return found | {TEMPLATES_PACKAGE.replace("/", ".")}


def source_files() -> set[str]:
    """Every file that belongs in the wheel, as its path inside the wheel."""
    files: set[str] = set()
    for top, inside in (("briefings", "briefings"), ("bot", "bot"), ("templates", TEMPLATES_PACKAGE)):
        for path in (REPO / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.add(f"{inside}/{path.relative_to(REPO / top).as_posix()}")
    return files


def test_every_package_of_the_source_tree_is_listed_in_pyproject() -> None:
    """``packages`` is a list (templates/ is mapped into briefings): a new subpackage must join it."""
    tool = _pyproject()["tool"]
    assert isinstance(tool, dict)
    listed = set(tool["setuptools"]["packages"])
    missing, extra = source_packages() - listed, listed - source_packages()
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
    assert not extra, f"listed in pyproject.toml but not in the source tree: {sorted(extra)}"


def test_the_license_is_an_spdx_expression() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    assert project["license"] == "MIT"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path  # the fresh environment's scripts
    work: Path  # an empty folder outside the repository, where the commands run
    user: list[str]  # the command prefix that drops root, or nothing
    timings: dict[str, float]


def run(
    cmd: list[str], *, timeout: float, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, (
        f"{cmd} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a user who never saw this repository or its virtual environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BRIEFINGS_", "TELEGRAM_", "PYTHON", "VIRTUAL_ENV", "COV_"))
    }
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed() -> Iterator[Installed]:
    root = Path(tempfile.mkdtemp(prefix="briefings-wheel-"))
    root.chmod(0o755)  # readable by the non-root user, like an image's /opt
    timings: dict[str, float] = {}
    try:
        src, dist, venv, work = root / "src", root / "dist", root / "venv", root / "work"
        src.mkdir()
        for name in SOURCES:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, src / name)
        started = time.monotonic()
        run(
            [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(dist)],
            cwd=src,
            timeout=300,
        )
        timings["build"] = time.monotonic() - started
        (wheel,) = dist.glob("briefings-*.whl")

        started = time.monotonic()
        run([sys.executable, "-m", "venv", str(venv)], timeout=120, env=clean_environment())
        run(
            [str(venv / "bin/python"), "-m", "pip", "install", "-q", str(wheel)],
            timeout=600,
            env=clean_environment(),
        )
        timings["install"] = time.monotonic() - started

        work.mkdir()
        shutil.copytree(REPO / "examples/articles", work / "articles")
        user: list[str] = []
        if os.geteuid() == 0 and shutil.which("setpriv"):
            user = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
            for path in (work, *work.rglob("*")):
                os.chown(path, NOBODY, NOBODY)
        yield Installed(wheel, venv / "bin", work, user, timings)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_the_wheel_holds_every_module_data_file_and_template(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    packaged = {n for n in names if ".dist-info/" not in n}
    missing = source_files() - packaged
    assert not missing, f"not in the wheel (add them to package-data in pyproject.toml): {sorted(missing)}"
    assert {n.split("/")[0] for n in packaged} == {"briefings", "bot"}
    assert "License-Expression: MIT" in metadata
    assert f"{TEMPLATES_PACKAGE}/text/brief.txt.j2" in packaged


@pytest.mark.slow
def test_installed_it_ingests_briefs_checks_and_answers_brief(installed: Installed) -> None:
    """From an empty folder outside the repository, with only the fresh environment."""
    bin_, work, user = installed.bin, installed.work, installed.user
    env = clean_environment(HOME=str(work))
    where = run(
        [
            str(bin_ / "python"),
            "-c",
            "import briefings, bot, briefings.templates as t; print(briefings.__file__)",
        ],
        cwd=work,
        env=env,
        timeout=60,
    )
    assert where.stdout.startswith(str(bin_.parent)), where.stdout  # the installed copy, not the repository
    run([str(bin_ / "python"), "-m", "pip", "check"], env=env, timeout=120)

    started = time.monotonic()
    ingest = run([*user, str(bin_ / "briefings"), "ingest", "articles"], cwd=work, env=env, timeout=300)
    assert "ingested 10, unchanged 0, rejected 0" in ingest.stdout, ingest.stdout + ingest.stderr
    brief = run([*user, str(bin_ / "briefings"), "brief"], cwd=work, env=env, timeout=120)
    assert brief.stdout.startswith("India–China briefing · as of 2 Oct 2025"), brief.stdout
    assert "Misri" in brief.stdout
    assert (work / "data/briefings.db").is_file()
    if user:
        assert (work / "data/briefings.db").stat().st_uid == NOBODY

    with ThreadedBotApiServer(username="BriefBot") as server:
        bot_env = {**env, "TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_BASE_URL": server.base_url}
        check = run([*user, str(bin_ / "briefbot"), "check"], cwd=work, env=bot_env, timeout=120)
        assert [line.split(":")[0] for line in check.stdout.splitlines()] == [
            "ok config",
            "ok database",
            "ok token",
        ], check.stdout
        bot = subprocess.Popen(
            [*user, str(bin_ / "briefbot")],
            cwd=work,
            env=bot_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            server.wait_for_call("setMyCommands", timeout=60)
            server.user_sends(42, "/brief")
            reply = server.wait_for_message(42, "India–China briefing", timeout=30)
            assert "Misri" in reply["text"]
        finally:
            bot.send_signal(signal.SIGTERM)
            _out, err = bot.communicate(timeout=30)
        assert bot.returncode == 0, err[-3000:]
        assert "Traceback" not in err and server.token.split(":")[1] not in err
        assert server.failed_calls() == []
    installed.timings["run"] = time.monotonic() - started
    print(" ".join(f"{step} {seconds:.1f} s" for step, seconds in installed.timings.items()))
