"""``briefbot`` as a process and the bot's logs: the token never appears in them, and a wrong token
or an unreachable server is one clear line, not a traceback."""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.app import COMMANDS
from briefings.service.app import BriefingService
from testing.botapi import BotApiServer, ThreadedBotApiServer
from testing.processes import start_briefbot
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import ADMIN, assert_clean, running_bot

botapi_server, corpus, bot_db_url, service = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service


async def test_the_token_is_never_logged(
    botapi_server: BotApiServer, service: BriefingService, caplog: pytest.LogCaptureFixture
) -> None:
    server = botapi_server
    caplog.set_level(logging.DEBUG)
    server.inject("internal_error", method="sendMessage", times=1)  # logged, and retried
    async with running_bot(service):
        server.user_sends(42, "/who misri")
        await server.wait_for_message(42, "Vikram Misri", timeout=10)
        server.user_sends(ADMIN, "/stats")
        await server.wait_for_message(ADMIN, "Stats")
    secret = server.token.split(":", 1)[1]
    assert caplog.records, "nothing was logged at all"
    leaked = [r.getMessage() for r in caplog.records if secret in r.getMessage()]
    assert leaked == []
    assert_clean(server)


def briefbot(server: ThreadedBotApiServer, folder: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """``briefbot *args`` on an empty SQLite database in ``folder`` unless ``env`` names another."""
    return start_briefbot(
        server, folder, *args, **{"BRIEFINGS_DATABASE_URL": f"sqlite:///{folder / 'empty.db'}", **env}
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def test_send_due_with_nothing_due_and_with_a_bad_token_or_server(tmp_path: Path) -> None:
    wrong = "999999:not-the-right-token-at-all"
    with ThreadedBotApiServer() as server:
        secret = server.token.split(":")[1]
        for name in ("ok", "wrong", "unset", "gone"):
            (tmp_path / name).mkdir()
        runs = [
            briefbot(server, tmp_path / "ok", "send-due"),
            briefbot(server, tmp_path / "wrong", "send-due", TELEGRAM_BOT_TOKEN=wrong),
            briefbot(server, tmp_path / "unset", "send-due", TELEGRAM_BOT_TOKEN=""),
            briefbot(server, tmp_path / "gone", "send-due", TELEGRAM_BASE_URL="http://127.0.0.1:9/bot"),
        ]
        (ok, ok_out, ok_err), (refused, _, refused_err), (unset, _, unset_err), (gone, _, gone_err) = [
            finished(run) for run in runs
        ]
    assert ok == 0, ok_err
    assert "planned 0, sent 0, failed 0" in ok_out
    assert refused == 2 and "rejected the token" in refused_err
    assert "not-the-right-token-at-all" not in refused_err
    assert unset == 2 and "TELEGRAM_BOT_TOKEN" in unset_err
    assert gone == 1 and "cannot reach the Bot API server" in gone_err
    for err in (ok_err, refused_err, unset_err, gone_err):
        assert "Traceback" not in err and secret not in err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


@pytest.mark.slow
def test_briefbot_long_polling_registers_commands_and_answers(tmp_path: Path, bot_db_url: str) -> None:
    """The real ``briefbot`` process: setMyCommands at start, a user's /start answered, SIGTERM stops it."""
    with ThreadedBotApiServer() as server:
        bot = briefbot(
            server, tmp_path, BRIEFINGS_DATABASE_URL=bot_db_url, BRIEFINGS_CLOCK_START="2025-06-13T02:29:00Z"
        )
        try:
            server.wait_for_call("setMyCommands", timeout=20)
            registered = server.call(server.server.commands)
            assert [c["command"] for c in registered] == [c.command for c in COMMANDS]
            server.user_sends(42, "/start")
            assert "Welcome" in server.wait_for_message(42, "Welcome", timeout=10)["text"]
            server.user_sends(42, "/who misri")
            server.wait_for_message(42, "Vikram Misri", timeout=10)
        finally:
            code, _out, err = stop(bot)
        assert code == 0, err[-2000:]
        assert server.token.split(":")[1] not in err
        assert server.failed_calls() == []


@pytest.mark.slow
def test_briefbot_webhook_checks_the_secret_token(tmp_path: Path, bot_db_url: str) -> None:
    """``briefbot --webhook``: Telegram's POSTs carry the secret and are answered; a POST without it
    or with a wrong one (anyone who found the URL) is refused with 403 and never handled, and each
    refusal is logged at WARNING with the client's address, never the token."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    with ThreadedBotApiServer() as server:
        bot = briefbot(
            server,
            tmp_path,
            "--webhook",
            BRIEFINGS_DATABASE_URL=bot_db_url,
            BRIEFINGS_WEBHOOK_URL=url,
            BRIEFINGS_WEBHOOK_SECRET="s3cret-Token_1",
            BRIEFINGS_WEBHOOK_LISTEN="127.0.0.1",
            BRIEFINGS_WEBHOOK_PORT=str(port),
            BRIEFINGS_WEBHOOK_PATH="telegram",
        )
        try:
            server.wait_for_call("setWebhook", timeout=20)
            info = server.call(server.server.webhook_info)
            assert info["url"] == url
            server.user_sends(42, "/help")
            assert "Commands" in server.wait_for_message(42, "Commands", timeout=10)["text"]

            forged = {"update_id": 999, "message": server.user_sends(43, "/start")}
            server.wait_for_message(43, "Welcome", timeout=10)  # the genuine one, by webhook
            attempts = (
                ({}, json.dumps(forged).encode(), 403),
                ({"X-Telegram-Bot-Api-Secret-Token": "guess-Wrong_2"}, json.dumps(forged).encode(), 403),
                ({"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}, b"{not json", 400),
            )
            for headers, body, status in attempts:
                request = urllib.request.Request(
                    url, data=body, headers={"Content-Type": "application/json", **headers}
                )
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(request, timeout=5)
                assert refused.value.code == status
            time.sleep(0.5)
            assert len(server.messages(43)) == 1  # the forged updates were not handled
        finally:
            code, _out, err = stop(bot)
        assert code == 0, err[-2000:]
        refusals = [line for line in err.splitlines() if "webhook: refused" in line]
        assert len(refusals) == 3, err[-2000:]
        assert "bot.webhook: webhook: refused a POST from 127.0.0.1 without the secret token" in refusals[0]
        assert "with a wrong secret token (403 Forbidden)" in refusals[1]
        assert "that is not an update (JSONDecodeError) (400 Bad Request)" in refusals[2]
        assert all(" WARNING " in line for line in refusals)
        for secret in ("s3cret-Token_1", "guess-Wrong_2", server.token.split(":")[1]):
            assert secret not in err  # neither the real secret, nor a guess, nor the bot token
        delivered = {
            d.update_id for d in server.call(lambda: server.server.webhook_deliveries) if d.status == 200
        }
        assert len(delivered) == 2  # /help and /start (a failed attempt, if any, was retried)
        assert server.call(server.server.pending_updates) == []


def test_webhook_needs_a_url_and_a_secret(tmp_path: Path) -> None:
    with ThreadedBotApiServer() as server:
        no_url = briefbot(server, tmp_path, "--webhook")
        no_secret = briefbot(server, tmp_path, "--webhook", BRIEFINGS_WEBHOOK_URL="https://example.org/hook")
        code, _out, err = finished(no_url)
        assert code == 2 and "BRIEFINGS_WEBHOOK_URL" in err
        code, _out, err = finished(no_secret)
        assert code == 2 and "BRIEFINGS_WEBHOOK_SECRET" in err


def test_a_rejected_token_is_never_printed_whatever_logs_it(tmp_path: Path) -> None:
    """Long polling with a token the server refuses: PTB logs the InvalidToken at ERROR from the
    ``telegram.ext`` logger with a traceback that quotes the token. No line of the output, the
    tracebacks included, may hold it."""
    wrong = "987654:rejected-secret-of-the-bot"
    with ThreadedBotApiServer() as server:
        code, out, err = finished(briefbot(server, tmp_path, TELEGRAM_BOT_TOKEN=wrong))
    assert code == 2
    assert err.strip().splitlines()[-1] == "error: TELEGRAM_BOT_TOKEN: the Bot API server rejected the token"
    assert "rejected-secret-of-the-bot" not in out + err
    assert "<token>" in err  # the traceback was logged, redacted


def test_the_redaction_covers_any_logger_and_its_tracebacks() -> None:
    """Installed on the root logger's handlers: a logger no one listed, a traceback, a stack."""
    import io

    from bot.app import protect_token

    token = "13579:an-unlisted-logger-secret"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        protect_token(token)
        log = logging.getLogger("some.library.nobody.listed")
        try:
            raise RuntimeError(f"request to /bot{token}/getMe failed")
        except RuntimeError:
            log.exception("failed with %s", token, stack_info=True)
        log.warning("only the secret half: %s", token.split(":")[1])
    finally:
        root.removeHandler(handler)
    written = stream.getvalue()
    assert "an-unlisted-logger-secret" not in written
    assert written.count("<token>") == 3  # the message, the traceback, the second message
