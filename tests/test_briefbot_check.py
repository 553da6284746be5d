"""``briefbot check`` against the local Bot API server: one line per check (config, database, token),
exit 0 when all are ok and 1 otherwise; a good token, a rejected one, an unreachable server, a
database that is down, missing, not a database or behind the code, a bad setting or beat file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.check import Check, run_checks
from briefings.storage.db import Database, migrate
from testing.botapi import ThreadedBotApiServer

REPO = Path(__file__).resolve().parents[1]
WRONG_TOKEN = "999999:not-the-right-token-at-all"


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedBotApiServer]:
    with ThreadedBotApiServer(username="BriefBot") as running:
        yield running


@pytest.fixture
def upgraded(db_url: str) -> str:
    """A database (SQLite, and PostgreSQL when configured) with the newest schema."""
    Database(db_url).dispose()
    return db_url


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'briefings.db'}"
    Database(url).dispose()
    return url


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: ThreadedBotApiServer
) -> pytest.MonkeyPatch:
    """Only this test's settings (no .env: the working folder is empty), pointing at the server."""
    for name in list(os.environ):
        if name.startswith(("BRIEFINGS_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", server.token)
    monkeypatch.setenv("TELEGRAM_BASE_URL", server.base_url)
    return monkeypatch


def checks(**env: str) -> dict[str, Check]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        results = run_checks()
    assert [c.name for c in results] == ["config", "database", "token"]
    return {c.name: c for c in results}


def test_all_ok_on_sqlite_and_postgresql(
    environment: pytest.MonkeyPatch, server: ThreadedBotApiServer, upgraded: str
) -> None:
    before = len(server.calls_to("getMe"))
    result = checks(BRIEFINGS_DATABASE_URL=upgraded)
    assert all(c.ok for c in result.values()), result
    assert (
        result["config"].line() == "ok config: settings loaded; beats: india-china (the first is the default)"
    )
    assert result["database"].line().startswith(f"ok database: {upgraded.split(':')[0]}")
    assert "schema at revision" in result["database"].detail
    port = server.base_url.split(":")[2].split("/")[0]
    assert result["token"].line() == f"ok token: @BriefBot on http://127.0.0.1:{port}"
    assert len(server.calls_to("getMe")) == before + 1


def test_a_rejected_token_and_an_unreachable_server(
    environment: pytest.MonkeyPatch, server: ThreadedBotApiServer, sqlite_db: str
) -> None:
    rejected = checks(BRIEFINGS_DATABASE_URL=sqlite_db, TELEGRAM_BOT_TOKEN=WRONG_TOKEN)
    assert rejected["config"].ok and rejected["database"].ok
    assert rejected["token"].status == "FAIL"
    assert rejected["token"].detail.endswith("rejected the token")
    assert "not-the-right-token" not in rejected["token"].line()

    gone = checks(BRIEFINGS_DATABASE_URL=sqlite_db, TELEGRAM_BASE_URL="http://127.0.0.1:9/bot")
    assert gone["token"].line().startswith("FAIL token: cannot reach http://127.0.0.1:9")
    assert server.token.split(":")[1] not in gone["token"].line()

    unset = checks(BRIEFINGS_DATABASE_URL=sqlite_db, TELEGRAM_BOT_TOKEN="")
    assert unset["token"].line() == "FAIL token: TELEGRAM_BOT_TOKEN: not set (get one from @BotFather)"


def test_a_database_that_is_down_missing_broken_or_behind(
    environment: pytest.MonkeyPatch, tmp_path: Path, sqlite_db: str
) -> None:
    down = checks(BRIEFINGS_DATABASE_URL="postgresql://briefings:s3cret-pw@127.0.0.1:9/briefings")
    line = down["database"].line()
    assert line.startswith("FAIL database: postgresql://briefings:***@127.0.0.1:9/briefings: cannot open it")
    assert "s3cret-pw" not in line
    assert down["config"].ok and down["token"].ok  # the other checks still run

    missing = tmp_path / "nowhere" / "briefings.db"
    result = checks(BRIEFINGS_DATABASE_URL=f"sqlite:///{missing}")["database"]
    assert result.status == "FAIL" and "no such file" in result.detail
    assert not missing.parent.exists()  # the check writes nothing

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database file" * 200)
    result = checks(BRIEFINGS_DATABASE_URL=f"sqlite:///{garbage}")["database"]
    assert result.status == "FAIL" and "cannot open it" in result.detail and "not a database" in result.detail
    folder = checks(BRIEFINGS_DATABASE_URL=f"sqlite:///{tmp_path}")["database"]
    assert folder.status == "FAIL" and folder.detail.endswith("not a file")

    Database(sqlite_db, auto_upgrade=False).dispose()
    behind = Database(sqlite_db, auto_upgrade=False)
    migrate(behind.engine, "-1", down=True)
    behind.dispose()
    result = checks(BRIEFINGS_DATABASE_URL=sqlite_db)["database"]
    assert (
        result.status == "FAIL"
        and "this code expects" in result.detail
        and "briefings db upgrade" in result.detail
    )


def test_the_configuration(environment: pytest.MonkeyPatch, tmp_path: Path, sqlite_db: str) -> None:
    bad = checks(BRIEFINGS_DATABASE_URL=sqlite_db, BRIEFINGS_TIMEZONE="Mars/Olympus")
    assert (
        bad["config"].line().startswith("FAIL config: BRIEFINGS_TIMEZONE: unknown time zone 'Mars/Olympus'")
    )
    assert [c.line() for c in (bad["database"], bad["token"])] == [
        "skip database: the settings did not load",
        "skip token: the settings did not load",
    ]

    beat = tmp_path / "narnia.toml"
    beat.write_text('[beat]\nname = "Narnia"\nslug = "narnia"\nparties = ["Narnia"]\n', encoding="utf-8")
    result = checks(BRIEFINGS_DATABASE_URL=sqlite_db, BRIEFINGS_BEATS=str(beat))
    assert result["config"].status == "FAIL" and f"beat file {beat}" in result["config"].detail
    assert result["database"].ok and result["token"].ok

    two = f"{REPO / 'briefings/extract/data/topics.toml'},{REPO / 'examples/beats/us-china-trade.toml'}"
    result = checks(BRIEFINGS_DATABASE_URL=sqlite_db, BRIEFINGS_BEATS=two)
    assert (
        result["config"].detail
        == "settings loaded; beats: india-china, us-china-trade (the first is the default)"
    )
    channel = checks(BRIEFINGS_DATABASE_URL=sqlite_db, BRIEFINGS_CHANNEL_BEAT="narnia")["config"]
    assert (
        channel.line()
        == "FAIL config: BRIEFINGS_CHANNEL_BEAT: unknown beat 'narnia' (the beats: india-china)"
    )


def briefbot_check(server: ThreadedBotApiServer, folder: Path, **env: str) -> tuple[int, str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFINGS_", "TELEGRAM_"))}
    clean.update(TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_BASE_URL=server.base_url, PYTHONPATH=str(REPO))
    clean.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=folder,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def test_the_command_prints_one_line_per_check_and_exits_0_or_1(
    server: ThreadedBotApiServer, tmp_path: Path, sqlite_db: str
) -> None:
    code, out, err = briefbot_check(server, tmp_path, BRIEFINGS_DATABASE_URL=sqlite_db)
    assert code == 0, out + err
    assert [line.split(":")[0] for line in out.splitlines()] == ["ok config", "ok database", "ok token"]

    code, out, err = briefbot_check(
        server, tmp_path, BRIEFINGS_DATABASE_URL=sqlite_db, TELEGRAM_BOT_TOKEN=WRONG_TOKEN
    )
    assert code == 1
    assert out.splitlines()[2].startswith("FAIL token:") and "rejected the token" in out
    for text in (out, err):
        assert "Traceback" not in text and "not-the-right-token" not in text
