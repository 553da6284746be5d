"""The package as a new user installs it, and the deployment files (issue #15).

A wheel built with the standard backend (``pip wheel``, setuptools) holds every module, data file
and template of the source tree; installed with its dependencies into a fresh virtual environment
and run from another folder (as a non-root user when the tests run as root, as the container image
does), it ingests the samples, prints a brief, passes ``briefbot check`` and answers /brief from the
local Bot API server. The install resolves the wheel's declared dependencies from the configured
package index (35–55 s here); nothing is borrowed from the project's own environment, so an
undeclared dependency fails this test.

Docker is not available where these tests run: the Dockerfile, compose.yaml and the systemd units
are parsed, and the commands they run (the health check, the bot, ``briefings db upgrade``,
``briefbot send-due``) are run from the installed wheel as they name them.
"""

from __future__ import annotations

import configparser
import json
import os
import shlex
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
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

# spaCy's serialisation library (a dependency of the project): its YAML reader parses compose.yaml
import srsly  # type: ignore[import-untyped]

from testing.botapi import ThreadedBotApiServer
from testing.processes import bot_environment, start_briefbot

REPO = Path(__file__).resolve().parents[1]
#: what a build needs from the repository (a copy is built, so nothing is written into the tree)
SOURCES = ("pyproject.toml", "README.md", "briefings", "bot", "templates")
#: the top-level templates/ folder is installed as this package (pyproject.toml's package-dir)
TEMPLATES_PACKAGE = "briefings/templates"
NOBODY = 65534
#: where the Dockerfile and the systemd units install the wheel's scripts
SCRIPTS = "/opt/briefings/bin/"
UNITS = REPO / "deploy/systemd"


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


# --------------------------------------------------------------------------- deployment files


@dataclass(frozen=True)
class Instruction:
    stage: int  # 0: the build stage, 1: the image
    keyword: str
    args: str


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends in a continuation line"
    instructions: list[Instruction] = []
    stage = -1
    for line in logical:
        keyword, _, args = line.partition(" ")
        stage += keyword.upper() == "FROM"
        instructions.append(Instruction(stage, keyword.upper(), args.strip()))
    return instructions


def exec_form(args: str) -> list[str]:
    """``["briefbot", "check"]``: the exec form (no shell between Docker and the process)."""
    value = json.loads(args)
    assert isinstance(value, list) and value and all(isinstance(v, str) for v in value), args
    return value


def healthcheck_command() -> list[str]:
    (check,) = [i for i in dockerfile() if i.keyword == "HEALTHCHECK"]
    options, _, command = check.args.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options, options
    return exec_form(command)


def image_command() -> list[str]:
    (cmd,) = [i for i in dockerfile() if i.keyword == "CMD"]
    return exec_form(cmd.args)


def compose() -> dict[str, Any]:
    data = srsly.yaml_loads((REPO / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


def unit_commands(name: str, key: str) -> list[str]:
    """A unit's command line, its executable as the name of a script the wheel installs."""
    command = shlex.split(unit(name)["Service"][key])
    assert command[0].startswith(SCRIPTS), command
    return [command[0].removeprefix(SCRIPTS), *command[1:]]


def test_the_dockerfile_builds_the_wheel_and_runs_it_unprivileged_with_a_health_check() -> None:
    instructions = dockerfile()
    bases = [i.args.split()[0] for i in instructions if i.keyword == "FROM"]
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    oldest = str(project["requires-python"]).removeprefix(">=")
    assert bases == [f"python:{oldest}-slim"] * 2
    build = [i for i in instructions if i.stage == 0]
    copied = [name for i in build if i.keyword == "COPY" for name in i.args.split()[:-1]]
    assert sorted(copied) == sorted(SOURCES)  # what this module builds its wheel from
    assert [i.args for i in build if i.keyword == "RUN"] == [
        "python -m pip wheel . --no-deps --no-cache-dir -w /dist"
    ]
    image = [i for i in instructions if i.stage == 1]
    keywords = [i.keyword for i in image]
    run = " ".join(i.args for i in image if i.keyword == "RUN")
    assert f"python -m venv {SCRIPTS.removesuffix('/bin/')}" in run
    assert f"{SCRIPTS}python -m pip install --no-cache-dir /tmp/dist/briefings-*.whl" in run
    assert "useradd --system --uid 10001" in run
    users = [i.args for i in image if i.keyword == "USER"]
    assert users == ["briefings"]
    assert keywords.index("USER") > max(n for n, k in enumerate(keywords) if k in ("RUN", "COPY"))
    env = " ".join(i.args for i in image if i.keyword == "ENV")
    assert f"PATH={SCRIPTS.removesuffix('/')}:$PATH" in env and "BRIEFINGS_DATA_DIR=/data" in env
    assert ("WORKDIR", "/data") in [(i.keyword, i.args) for i in image]
    scripts = project["scripts"]
    assert isinstance(scripts, dict)
    assert healthcheck_command() == ["briefbot", "check"] and image_command() == ["briefbot"]
    assert {healthcheck_command()[0], image_command()[0]} <= set(scripts)


def test_the_docker_build_context_keeps_secrets_out_and_the_sources_in() -> None:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert {".env", ".git", ".venv", "data"} <= set(patterns)
    assert not [(name, p) for name in SOURCES for p in patterns if fnmatch(name, p)]


def test_compose_runs_postgresql_the_bot_and_a_send_due_worker() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "briefbot", "send-due"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    for name in ("migrate", "briefbot", "send-due"):
        service = services[name]
        assert service["build"] == "." and service["env_file"] == ".env"
        url = service["environment"]["BRIEFINGS_DATABASE_URL"]
        assert url.startswith("postgresql://briefings:") and url.endswith("@postgres:5432/briefings")
    assert services["migrate"]["command"] == ["briefings", "db", "upgrade"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["briefbot"]["command"] == image_command()
    (loop,) = services["send-due"]["command"]
    assert services["send-due"]["entrypoint"] == ["/bin/sh", "-c"] and "briefbot send-due" in loop
    for name in ("briefbot", "send-due"):
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
        assert services[name]["restart"] == "unless-stopped"


def test_the_systemd_units(tmp_path: Path) -> None:
    bot, send_due, timer = (
        unit("briefbot.service"),
        unit("briefbot-send-due.service"),
        unit("briefbot-send-due.timer"),
    )
    for service in (bot, send_due):
        assert service["Service"]["User"] == "briefings"
        assert service["Service"]["EnvironmentFile"] == "/etc/briefings/briefings.env"
        assert service["Service"]["WorkingDirectory"] == "/var/lib/briefings"
    assert unit_commands("briefbot.service", "ExecStartPre") == ["briefings", "db", "upgrade"]
    assert unit_commands("briefbot.service", "ExecStart") == image_command()
    assert bot["Install"]["WantedBy"] == "multi-user.target"
    assert send_due["Service"]["Type"] == "oneshot"
    assert unit_commands("briefbot-send-due.service", "ExecStart") == ["briefbot", "send-due"]
    assert (
        timer["Timer"]["Unit"] == "briefbot-send-due.service"
        and timer["Install"]["WantedBy"] == "timers.target"
    )
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    here = Path(sys.executable).parent  # this environment has the same scripts (briefbot, briefings)
    for path in UNITS.iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace(SCRIPTS, f"{here}/"))
    names = sorted(str(p) for p in tmp_path.iterdir())
    verify = subprocess.run(
        [analyze, "verify", *names], capture_output=True, text=True, timeout=60, check=False
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


# --------------------------------------------------------------------------- the wheel


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
    """From an empty folder outside the repository, with only the fresh environment, each command
    as the Dockerfile and the systemd units name it."""
    bin_, work, user = installed.bin, installed.work, installed.user
    env = clean_environment(HOME=str(work))

    def command(words: list[str]) -> list[str]:
        return [*user, str(bin_ / words[0]), *words[1:]]

    probe = (
        "import briefings, bot, briefings.templates;"
        "from briefings.extract.nlp import load_nlp, has_ner; from briefings.eventlines import load_parser;"
        "assert has_ner(load_nlp()) and load_parser() is not None, 'no spaCy model';"
        "print(briefings.__file__, briefings.templates.__file__, bot.__file__)"
    )
    where = run([str(bin_ / "python"), "-c", probe], cwd=work, env=env, timeout=120)
    assert all(path.startswith(str(bin_.parent)) for path in where.stdout.split()), where.stdout
    assert "not available" not in where.stderr, where.stderr  # the model package is installed
    run([str(bin_ / "python"), "-m", "pip", "check"], env=env, timeout=120)

    started = time.monotonic()
    run(command(unit_commands("briefbot.service", "ExecStartPre")), cwd=work, env=env, timeout=120)
    assert (work / "data/briefings.db").is_file()
    if user:
        assert (work / "data/briefings.db").stat().st_uid == NOBODY
    ingest = run(command(["briefings", "ingest", "articles"]), cwd=work, env=env, timeout=300)
    assert "ingested 10, unchanged 0, rejected 0" in ingest.stdout, ingest.stdout + ingest.stderr
    brief = run(command(["briefings", "brief"]), cwd=work, env=env, timeout=120)
    assert brief.stdout.startswith("India–China briefing · as of 2 Oct 2025"), brief.stdout
    assert "Misri" in brief.stdout

    with ThreadedBotApiServer(username="BriefBot") as server:
        bot_env = bot_environment(server, base=env)
        health = run(command(healthcheck_command()), cwd=work, env=bot_env, timeout=120)
        assert [line.split(":")[0] for line in health.stdout.splitlines()] == [
            "ok config",
            "ok database",
            "ok token",
        ], health.stdout
        refused = subprocess.run(
            command(healthcheck_command()),
            cwd=work,
            env={**bot_env, "TELEGRAM_BOT_TOKEN": "999999:not-the-right-token"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert refused.returncode == 1 and "FAIL token:" in refused.stdout, refused.stdout + refused.stderr

        bot = start_briefbot(server, work, base=env, command=command(image_command()))
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

        send_due = run(
            command(unit_commands("briefbot-send-due.service", "ExecStart")),
            cwd=work,
            env=bot_env,
            timeout=120,
        )
        assert send_due.stdout.startswith("planned 0, sent 0, failed 0"), send_due.stdout
        assert [c for c in server.failed_calls() if c.token == server.token] == []
    installed.timings["run"] = time.monotonic() - started
    print(" ".join(f"{step} {seconds:.1f} s" for step, seconds in installed.timings.items()))
