"""Rendering: autoescaped Telegram HTML that Telegram accepts, split into chunks of at most 4096 units."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefings import render
from briefings.views import (
    AgreementLine,
    Brief,
    ComingUpLine,
    DiscrepancyLine,
    FirstScreen,
    IssueLine,
    OfficialLine,
    SourceLine,
    TimelineLine,
)
from testing.botapi.entities import parse_html

HOSTILE = [
    "<b>bold</b> & <script>alert(1)</script>",
    "quote \" and ' and &amp; and &#x41;",
    "emoji 🇮🇳🇨🇳 and 👨‍👩‍👧 family",
    "right-to-left \u202e reversed \u200f mark \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "a < b > c",
    "https://example.org/?a=1&b=<2>",
]


def brief_with(text: str, *, repeat: int = 1) -> Brief:
    brief = _brief_with(text, repeat=repeat)
    brief.coming_up = [ComingUpLine(date="2026", what=text or "x", sources=["1"])] * repeat
    brief.first_screen = FirstScreen(
        title=brief.title,
        as_of="2025-06-13",
        developments=brief.timeline[:3],
        issues=brief.issues[:3],
        other_issues=brief.issues[3:],
        agreements=len(brief.agreements),
        people=[o.name for o in brief.officials[:8]],
        coming_up=brief.coming_up[0],
    )
    return brief


def _brief_with(text: str, *, repeat: int = 1) -> Brief:
    return Brief(
        title=f"Beat: {text}",
        lead=[f"Lead about {text}."],
        officials=[OfficialLine(name=text or "x", title=text, country=text, latest=text, mentions=2)]
        * repeat,
        agreements=[
            AgreementLine(text=text or "x", topic="t", topic_label=text, outlets=3, latest="2025-06-12")
        ]
        * repeat,
        issues=[IssueLine(topic="t", label=text or "x", status="open", status_label="open", latest=text)]
        * repeat,
        timeline=[TimelineLine(date="2025-06-12", what=text or "x", sources=["1", "2"], count=2)] * repeat,
        discrepancies=[DiscrepancyLine(about=text or "x", details=[(text, text), ("Other", "other")])],
        sources=[
            SourceLine(
                title=text or "x",
                outlet=text,
                published="2025-06-13",
                url=f"https://example.org/{text}",
                id="1",
                number=1,
            )
        ],
        articles=repeat,
    )


def assert_valid_chunks(chunks: list[str]) -> None:
    assert chunks
    for chunk in chunks:
        parsed = parse_html(chunk)  # raises on what Telegram would reject
        assert render.utf16_len(parsed.text) <= render.TELEGRAM_LIMIT
        assert parsed.text.strip()


def test_values_are_escaped_whatever_they_hold() -> None:
    for text in HOSTILE:
        chunks = render.render_telegram("brief", brief_with(text))
        assert_valid_chunks(chunks)
        joined = "\n".join(chunks)
        assert "<script>" not in joined and "<b>bold</b>" not in joined
        visible = "\n".join(parse_html(c).text for c in chunks)
        assert text in visible  # shown literally, not interpreted


def test_links_only_for_http_urls() -> None:
    brief = brief_with("x")
    brief.sources = [
        SourceLine(title="good", url="https://example.org/a?b=1&c=2"),
        SourceLine(title="bad", url="javascript:alert(1)"),
        SourceLine(title="file", url="/tmp/article.txt"),
    ]
    text = "\n".join(render.render_telegram("brief", brief))
    assert '<a href="https://example.org/a?b=1&amp;c=2">good</a>' in text
    assert "javascript" not in text and 'href="/tmp' not in text


def test_long_brief_is_split_at_line_boundaries() -> None:
    brief = brief_with("a fairly long line of text about an agreement " * 3, repeat=120)
    chunks = render.render_telegram("brief", brief)
    assert len(chunks) > 2
    assert_valid_chunks(chunks)
    for chunk in chunks:  # a chunk starts at a line start and never in the middle of a tag
        assert not chunk.startswith((" ", "</"))


def test_a_single_huge_line_is_cut_as_plain_text() -> None:
    brief = brief_with("word " * 3000)
    chunks = render.render_telegram("brief", brief)
    assert_valid_chunks(chunks)


def test_utf16_counting_treats_emoji_as_two_units() -> None:
    text = "🇮🇳" * 3000  # each flag is 4 UTF-16 units; 12000 units in all
    chunks = render.split_messages(html.escape(text))
    assert len(chunks) == 3
    assert_valid_chunks(chunks)
    assert "".join(chunks) == text


def test_plain_text_is_not_html_escaped() -> None:
    out = render.render_text("brief", brief_with("India's <b> & co"))
    assert "India's <b> & co" in out and "&amp;" not in out and "&#39;" not in out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    repeat=st.integers(min_value=1, max_value=40),
)
# a value with a line break: a tag across the lines where a page was cut (found by this test)
@example(text="0" * 16 + "\n" + "\U00010000" * 7, repeat=31)
def test_any_text_in_any_field_gives_valid_chunks(text: str, repeat: int) -> None:
    brief = brief_with(text, repeat=repeat)
    assert_valid_chunks(render.render_telegram("brief", brief))
    first = render.first_screen_message(brief)
    assert_valid_chunks([first])
    assert render.visible_len(first) <= render.SCREEN_LIMIT or len(text) > 120  # one line may be long
    for section in render.SECTIONS:
        assert_valid_chunks(render.section_pages(brief, section))
