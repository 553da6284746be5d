"""End to end: users talk to the real bot (PTB, long polling, real HTTP) through the local Bot API server.

Private-chat commands: /start (and deep links), /help, /brief and its topic keyboard, /who (profile,
usage, several matches with buttons, suggestions), /topics, /sources, /timeline; in every scenario the
server accepted every message the bot sent (valid Telegram HTML, ≤ 4096 characters, buttons ≤ 64 bytes).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.app import COMMANDS
from briefings.service.app import BriefingService
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import ask, assert_clean, make_service, running_bot

botapi_server, corpus, bot_db_url, service = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service

USER = 42


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


async def keyboard_message(server: BotApiServer, chat: int = USER) -> dict[str, Any]:
    """The next message of the bot that carries an inline keyboard."""
    return await server.wait_for_message(chat, lambda m: bool(buttons(m)), timeout=10)


async def test_start_welcomes_and_commands_are_registered(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    async with running_bot(service):
        server.user_sends(USER, "/start", first_name="Ada")
        welcome = await server.wait_for_message(USER, "Welcome")
        assert "India–China briefing" in welcome["text"]
        assert "/brief" in welcome["text"] and "/subscribe" in welcome["text"]
        server.user_sends(USER, "/help")
        help_text = (await server.wait_for_message(USER, "Commands"))["text"]
        for command in COMMANDS:
            assert f"/{command.command}" in help_text
    assert_clean(server)


async def test_start_deep_link_opens_that_topics_brief(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    async with running_bot(service):
        server.user_sends(USER, "/start brief_rare-earths")
        message = await server.wait_for_message(USER, "Rare earths", timeout=10)
        assert "Welcome" not in message["text"]
        assert "Officials" in [text for text, _data in buttons(message)]
        server.user_sends(USER, "/start who_vikram_misri")
        profile = await server.wait_for_message(USER, "Vikram Misri", timeout=10)
        assert "Foreign Secretary" in profile["text"]
    assert_clean(server)


SECTION_BUTTONS = ["Officials", "Agreements", "Issues", "Timeline", "Coming up", "Disagreements", "Sources"]


async def test_brief_is_one_screen_and_every_section_is_a_button_away(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    """/brief answers with one message of at most 1,200 visible characters; each button edits that
    message into its section (paged with ◀ ▶, with the way back), and Topics leads to a topic's
    own first screen. No other message is sent."""
    server = botapi_server
    async with running_bot(service):
        server.user_sends(USER, "/brief")
        first = await keyboard_message(server)
        assert first["text"].startswith("India–China briefing")
        assert len(first["text"]) <= 1200
        assert first["reply_to_message"]["text"] == "/brief"
        keyboard = buttons(first)
        assert [text for text, _ in keyboard] == [*SECTION_BUTTONS, "Topics"]
        assert all(len(data.encode()) <= 64 for _text, data in keyboard)
        message_id = first["message_id"]

        seen = {}
        for label in SECTION_BUTTONS:
            current = server.message(USER, message_id)
            after = len(server.edits(USER))
            query = server.user_presses(USER, current, button_text=label)
            await server.wait_for_callback_answer(query["id"])
            edit = await server.wait_for_edit(USER, message_id, label, after=after, timeout=10)
            seen[label] = edit.after
            assert len(edit.after["text"]) <= 1240  # a page: a screen and its heading
            texts = [text for text, _ in buttons(edit.after)]
            assert texts[-1] == "↩ Brief"
            back = server.user_presses(USER, edit.after, button_text="↩ Brief")
            await server.wait_for_callback_answer(back["id"])
            await server.wait_for_edit(USER, message_id, "India–China briefing", after=after + 1, timeout=10)
        assert "Vikram Misri" in seen["Officials"]["text"]
        assert "[1]" in seen["Sources"]["text"]

        # a section longer than a screen is paged
        paged = next(m for m in seen.values() if "▶" in [t for t, _ in buttons(m)])
        current = server.message(USER, message_id)
        after = len(server.edits(USER))
        heading = paged["text"].split("\n", 1)[0].rsplit(" (", 1)[0]
        server.user_presses(USER, current, button_text=heading.split(" · ")[-1])
        page1 = await server.wait_for_edit(USER, message_id, "(1/", after=after, timeout=10)
        server.user_presses(USER, page1.after, button_text="▶")
        page2 = await server.wait_for_edit(USER, message_id, "(2/", after=after + 1, timeout=10)
        assert "◀" in [t for t, _ in buttons(page2.after)]

        # topics: the topic list, then one topic's first screen
        server.user_presses(USER, page2.after, button_text="↩ Brief")
        home = await server.wait_for_edit(
            USER, message_id, "India–China briefing", after=after + 2, timeout=10
        )
        server.user_presses(USER, home.after, button_text="Topics")
        listing = await server.wait_for_edit(USER, message_id, "topics", after=after + 3, timeout=10)
        server.user_presses(USER, listing.after, "brief:terrorism")
        topic = await server.wait_for_edit(USER, message_id, "Terrorism", after=after + 4, timeout=10)
        assert "Officials" in [t for t, _ in buttons(topic.after)]
        await server.wait_updates_consumed()
        assert len(server.messages(USER)) == 1
    assert_clean(server)


async def test_reading_commands(botapi_server: BotApiServer, service: BriefingService) -> None:
    """/brief <topic>, /who (profile, usage, choices, suggestions), /topics, /sources, /timeline,
    and hostile input: several users at once, each flow in its own chat."""
    server = botapi_server

    async def brief_of_a_topic(user: int) -> None:
        await ask(server, user, "/brief visas", "Visas")
        refusal = await ask(server, user, "/brief nonsense", "unknown topic")
        assert "nonsense" in refusal["text"] and "/topics" in refusal["text"]
        assert "went wrong" not in refusal["text"]

    async def who(user: int) -> None:
        profile = await ask(server, user, "/who misri", "Vikram Misri")
        assert "Foreign Secretary" in profile["text"]
        usage = await ask(server, user, "/who", "Usage")
        assert "/who <name>" in usage["text"]
        suggestions = await ask(server, user, "/who zzzz", "No one matches")
        assert "Did you mean" in suggestions["text"]

    async def who_chooses(user: int) -> None:
        choose = await ask(server, user, "/who ji", "Several people match")  # Xi Jinping, Lin Jian, ...
        names = [text for text, _data in buttons(choose)]
        assert {"Xi Jinping", "Lin Jian"} <= set(names)
        query = server.user_presses(user, choose, button_text="Lin Jian")
        await server.wait_for_callback_answer(query["id"])
        edit = await server.wait_for_edit(user, choose["message_id"], "Lin Jian")
        assert "Spokesperson" in edit.after["text"]

    async def topics(user: int) -> None:
        shown = await ask(server, user, "/topics", "Topics")
        assert "rare-earths" in shown["text"] and "flights" in shown["text"]
        assert buttons(shown)

    async def sources(user: int) -> None:
        shown = await ask(server, user, "/sources", "Sources")
        assert "The Harbour Herald" in shown["text"]

    async def timeline(user: int) -> None:
        shown = await ask(server, user, "/timeline", "Timeline — India–China briefing")
        assert "2025-06-13" in shown["text"]
        await ask(server, user, "/timeline nowhere", "unknown topic")

    async def timeline_of_a_topic(user: int) -> None:
        await ask(server, user, "/timeline flights", "Timeline — India–China briefing: Direct flights")

    async def hostile(user: int) -> None:
        shown = await ask(server, user, "/who <b>Misri</b> & co", "No one matches")
        assert "<b>Misri</b> & co" in shown["text"]  # escaped: shown as typed
        await ask(server, user, "/brief <i>", "unknown topic '<i>'")
        await ask(server, user, "/timeline a&b", "unknown topic 'a&b'")
        await ask(server, user, "/who " + "x" * 5000, "No one matches")

    async with running_bot(service):
        await asyncio.gather(
            brief_of_a_topic(50),
            who(51),
            who_chooses(52),
            topics(53),
            sources(54),
            timeline(55),
            timeline_of_a_topic(56),
            hostile(57),
        )
    assert_clean(server)


async def test_a_stale_button_says_so_and_shows_current_data(
    botapi_server: BotApiServer, service: BriefingService, tmp_path: Path
) -> None:
    server = botapi_server
    async with running_bot(service):
        server.user_sends(USER, "/brief")
        shown = await keyboard_message(server)
        before = server.message(USER, shown["message_id"])

        story = tmp_path / "flash.txt"
        story.write_text(
            "date 2025-10-20\n\nIndian Foreign Secretary Asha Kumar met Chinese Vice Foreign Minister Liu Bo"
            " in Beijing on Monday. The two sides agreed to restore direct cargo flights between the two"
            " countries by December.\n",
            encoding="utf-8",
        )
        report = service.ingestion.ingest([str(story)], allow_private=True)
        assert report.ingested == 1

        after = len(server.edits(USER))
        query = server.user_presses(USER, before, button_text="Timeline")  # a keyboard of the old picture
        answer = await server.wait_for_callback_answer(query["id"])
        assert answer.text and "changed" in answer.text
        edit = await server.wait_for_edit(USER, shown["message_id"], "Timeline", after=after, timeout=10)
        assert "Asha Kumar" in edit.after["text"]  # the current data (newest first), not a mix

        # a button from an older version of the bot, for a topic that no longer exists
        query = server.user_presses(USER, edit.after, "brief:weather", check=False)
        answer = await server.wait_for_callback_answer(query["id"])
        assert answer.text and "weather" in answer.text
        query = server.user_presses(USER, edit.after, "who:Nobody Atall", check=False)
        answer = await server.wait_for_callback_answer(query["id"])
        assert answer.text and "No profile" in answer.text
        query = server.user_presses(USER, edit.after, "s:1:9:x:1:", check=False)
        answer = await server.wait_for_callback_answer(query["id"])
        assert answer.text and "/brief" in answer.text
        await server.wait_updates_consumed()
        await asyncio.sleep(0.2)
        assert len(server.messages(USER)) == 1  # answered on the button, not with new messages
    assert_clean(server)


async def test_a_button_pressed_too_long_ago_still_works(bot_db_url: str) -> None:
    """Telegram refuses to answer a callback query after a while; the press is still acted on."""
    async with BotApiServer(callback_query_ttl=0.0) as server:
        svc = make_service(bot_db_url, server)
        try:
            async with running_bot(svc):
                server.user_sends(USER, "/who ji")
                choose = await server.wait_for_message(USER, "Several people match", timeout=10)
                server.user_presses(USER, choose, button_text="Xi Jinping")
                await server.wait_for_edit(USER, choose["message_id"], "Xi Jinping")
                await server.wait_updates_consumed()
                await asyncio.sleep(0.2)
        finally:
            svc.close()
        assert [c.method for c in server.failed_calls()] == ["answerCallbackQuery"]
        assert len(server.messages(USER)) == 1  # no "something went wrong" message
