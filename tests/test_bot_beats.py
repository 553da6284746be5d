"""End to end: a bot that follows two beats (the bundled India–China one and examples/beats/
us-china-trade.toml), through the local Bot API server: /beats, the beat keyboard of /brief, a
topic of the second beat, /topics of a beat, and a subscription to a beat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefings.beats import load_beats
from briefings.service.app import BriefingService
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import ask, assert_clean, make_service, running_bot

botapi_server, corpus, bot_db_url = e2e.botapi_server, e2e.corpus, e2e.bot_db_url

REPO = Path(__file__).resolve().parents[1]
TRADE = REPO / "examples" / "beats" / "us-china-trade.toml"
USER = 77


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@pytest.fixture
def two_beats(bot_db_url: str, botapi_server: BotApiServer) -> Iterator[BriefingService]:
    default = load_beats([])[0]
    svc = make_service(bot_db_url, botapi_server, beats=[str(default.path), str(TRADE)])
    report = svc.ingestion.ingest([str(REPO / "examples" / "beats" / "us-china-trade")])
    assert report.ingested >= 8 and not report.rejected, report.summary()
    yield svc
    svc.close()


async def test_two_beats_in_one_bot(botapi_server: BotApiServer, two_beats: BriefingService) -> None:
    server = botapi_server
    async with running_bot(two_beats):
        listing = await ask(server, USER, "/beats", "Beats")
        assert "India–China" in listing["text"] and "US–China trade" in listing["text"]
        assert ("US–China trade", "brief:us-china-trade|*") in buttons(listing)

        choice = await ask(server, USER, "/brief", "Which beat?")
        assert [data for _text, data in buttons(choice)] == ["brief:*", "brief:us-china-trade|*"]
        query = server.user_presses(USER, choice, "brief:us-china-trade|*")
        await server.wait_for_callback_answer(query["id"])
        edit = await server.wait_for_edit(USER, choice["message_id"], "US–China trade briefing", timeout=10)
        assert "India–China" not in edit.after["text"]
        assert all(len(data.encode()) <= 64 for _t, data in buttons(edit.after))

        topic = await ask(server, USER, "/brief us-china-trade tariffs", "Tariffs and retaliatory duties")
        assert "Misri" not in topic["text"]
        india = await ask(server, USER, "/brief visas", "Visas")  # a topic alone: the default beat
        assert "India–China briefing" in india["text"]

        topics = await ask(server, USER, "/topics us-china-trade", "Topics")
        assert "<code>" not in topics["text"] and "tariffs" in topics["text"]

        subscribed = await ask(
            server, USER, "/subscribe 07:30 Asia/Kolkata us-china-trade tariffs", "Subscribed"
        )
        assert "us-china-trade: tariffs" in subscribed["text"]
        info = two_beats.subscriptions.subscription(USER)
        assert info is not None and info.beat == "us-china-trade" and info.topics == ["tariffs"]
        await server.wait_updates_consumed()
    assert_clean(server)
