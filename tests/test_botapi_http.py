"""The local Bot API server over HTTP (testing/botapi): identity, tokens and unknown methods,
custom methods, latency, raw JSON and query-string encodings, the threaded server reached from
another process.

Everything goes over real HTTP on 127.0.0.1: ``telegram.Bot`` for single calls, raw aiohttp for
encodings PTB does not use, a subprocess for the threaded server.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time
from typing import Any

import aiohttp
import pytest
from telegram import Bot
from telegram.error import EndPointNotFound, InvalidToken, NetworkError

from testing.botapi import BotApiServer, CallContext, ThreadedBotApiServer
from tests.botapi_support import client


async def test_get_me_returns_the_configured_identity() -> None:
    async with (
        BotApiServer("555:secret", username="BriefBot", first_name="Brief") as server,
        client(server) as bot,
    ):
        me = await bot.get_me()
        assert (me.id, me.username, me.first_name, me.is_bot) == (555, "BriefBot", "Brief", True)
        assert me.can_read_all_group_messages is False
        assert bot.username == "BriefBot"
        assert [c.method for c in server.calls] == ["getMe", "getMe"]  # initialize + explicit


async def test_unknown_token_and_unknown_method() -> None:
    async with BotApiServer() as server:
        with pytest.raises(InvalidToken):
            async with Bot("999:wrong", base_url=server.base_url):
                pass
        assert server.calls[-1].status == 401
        async with client(server) as bot:
            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
        assert server.calls[-1].status == 404
        assert server.calls[-1].description == "Not Found"


async def test_custom_methods_and_handler_crashes() -> None:
    async def get_star(ctx: CallContext) -> dict[str, Any]:
        if ctx.get_int("n") == 0:
            raise ZeroDivisionError("boom")
        return {"stars": ctx.get_int("n", required=True)}

    async with BotApiServer() as server, client(server) as bot:
        server.register_method("getStars", get_star)
        assert await bot.do_api_request("getStars", api_kwargs={"n": 3}) == {"stars": 3}
        with pytest.raises(NetworkError, match="ZeroDivisionError"):
            await bot.do_api_request("getStars", api_kwargs={"n": 0})
        assert [type(exc) for _, exc in server.internal_errors] == [ZeroDivisionError]


async def test_latency_is_added() -> None:
    async with BotApiServer(method_latency={"getMe": 0.2}) as server, client(server) as bot:
        started = time.monotonic()
        await bot.get_me()
        assert time.monotonic() - started >= 0.2


async def test_raw_http_encodings() -> None:
    """JSON bodies and GET query strings work too; reply_markup may be a JSON string."""
    async with BotApiServer() as server, aiohttp.ClientSession() as session:
        server.add_user(42, started=True)
        url = f"{server.base_url}{server.token}"
        markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
        async with session.post(
            f"{url}/sendMessage", json={"chat_id": 42, "text": "json", "reply_markup": markup}
        ) as r:
            assert (await r.json())["result"]["reply_markup"] == markup
        body = {"chat_id": "42", "text": "string markup", "reply_markup": json.dumps(markup)}
        async with session.post(f"{url}/sendMessage", json=body) as r:
            assert (await r.json())["ok"] is True
        async with session.get(f"{url}/getMe") as r:
            assert (await r.json())["result"]["username"] == "BriefBot"
        async with session.get(f"{server.url}/nowhere") as r:
            assert r.status == 404
        async with session.post(f"{url}/sendMessage", data={"chat_id": "42"}) as r:
            assert (r.status, (await r.json())["description"]) == (400, "Bad Request: message text is empty")


def test_threaded_server_is_reachable_from_another_process() -> None:
    script = textwrap.dedent(
        """
        import json, sys, urllib.parse, urllib.request
        base = sys.argv[1]
        fields = {"chat_id": 42, "text": "<b>from a subprocess</b>", "parse_mode": "HTML"}
        data = urllib.parse.urlencode(fields)
        with urllib.request.urlopen(base + "/sendMessage", data.encode()) as response:
            print(json.dumps(json.load(response)))
        """
    )
    with ThreadedBotApiServer(username="BriefBot") as server:
        server.user_sends(42, "/start")
        done = subprocess.run(
            [sys.executable, "-c", script, f"{server.base_url}{server.token}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
        result = json.loads(done.stdout)["result"]
        assert result["entities"] == [{"offset": 0, "length": 17, "type": "bold"}]
        message = server.wait_for_message(42, "from a subprocess", timeout=2)
        assert message["message_id"] == result["message_id"]

        async def use_ptb() -> str:
            async with Bot(server.token, base_url=server.base_url) as bot:
                return (await bot.send_message(42, "and from PTB in another loop")).text or ""

        assert asyncio.run(use_ptb()) == "and from PTB in another loop"
        assert server.stats.messages_delivered == 2
    assert not server.server.url.endswith(":0")
