"""The commands of bench_bot_latency as users sent them, what came back, and the report of the
latencies (first and last reply, by command, by parts, by the bot's sending in the second before)."""

from __future__ import annotations

import bisect
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._common import busiest, percentile
from testing.botapi import BotApiServer, CallRecord

TARGET_MEDIAN_MS = 50.0


TARGET_P99_MS = 200.0
OVERALL_PER_SECOND = 25  # the bot's default overall rate (BRIEFINGS_SEND_RATE)
#: bands of "messages the bot sent in the second before a reply" for the report
LOAD_BANDS = (
    ("< 15 messages", 0, 15),
    ("15-19 messages", 15, 20),
    ("20-22 messages", 20, 23),
    (">= 23 messages", 23, 1_000_000),
)


@dataclass(frozen=True)
class Command:
    kind: str
    text: str


@dataclass
class Sent:
    """One command as a user sent it, and what the service says the answer is."""

    user: int
    command: Command
    message_id: int
    expected: list[str]


@dataclass
class Outcome:
    sent: Sent
    handed: float | None = None  # server clock: the getUpdates answer carrying the update
    replies: list[CallRecord] = field(default_factory=list)

    @property
    def first_ms(self) -> float | None:
        if self.handed is None or not self.replies:
            return None
        return (self.replies[0].at - self.handed) * 1000

    @property
    def last_ms(self) -> float | None:
        if self.handed is None or len(self.replies) < len(self.sent.expected):
            return None
        return (self.replies[-1].at - self.handed) * 1000


def outcomes(server: BotApiServer, sent: list[Sent]) -> list[Outcome]:
    """Match every command with the getUpdates answer that handed it over and the bot's replies."""
    handed: dict[tuple[int, int], float] = {}
    for call in server.calls_to("getUpdates"):
        if call.duration is None or not call.ok:
            continue
        for update in call.result or []:
            message = update.get("message") or {}
            key = (int(message.get("chat", {}).get("id", 0)), int(message.get("message_id", 0)))
            handed.setdefault(key, call.at + call.duration)
    by_chat: dict[int, list[CallRecord]] = defaultdict(list)
    for call in server.calls_to("sendMessage"):
        by_chat[int(call.params.get("chat_id", 0))].append(call)
    results = []
    for item in sent:
        outcome = Outcome(item, handed.get((item.user, item.message_id)))
        calls = by_chat[item.user]
        start = next(
            (
                i
                for i, call in enumerate(calls)
                if (call.params.get("reply_parameters") or {}).get("message_id") == item.message_id
            ),
            None,
        )
        if start is not None:
            outcome.replies = calls[start : start + len(item.expected)]
        results.append(outcome)
    return results


def line(label: str, samples: list[float]) -> str:
    if not samples:
        return f"  {label:<22} (none)"
    s = sorted(samples)
    return (
        f"  {label:<22} {len(s):5d} {percentile(s, 0.5):9.1f} {percentile(s, 0.9):9.1f}"
        f" {percentile(s, 0.99):9.1f} {s[-1]:9.1f}"
    )


def report(server: BotApiServer, results: list[Outcome], *, check_targets: bool) -> bool:
    """Print the figures; False when a reply is missing or wrong, a call failed, or a target is missed."""
    ok = True
    header = f"  {'':<22} {'n':>5} {'median':>9} {'p90':>9} {'p99':>9} {'max':>9}"
    groups = {
        "/brief (all)": ("brief", "brief topic"),
        "  /brief": ("brief",),
        "  /brief <topic>": ("brief topic",),
        "/who (all)": ("who", "who unknown"),
        "  /who <surname>": ("who",),
        "  /who <unknown>": ("who unknown",),
    }
    print("\nfirst reply: update handed to the bot -> its first sendMessage received (ms)")
    print(header)
    firsts: dict[str, list[float]] = {}
    for label, kinds in groups.items():
        values = [r.first_ms for r in results if r.sent.command.kind in kinds and r.first_ms is not None]
        firsts[label] = values
        print(line(label, values))
    print(line("all", [r.first_ms for r in results if r.first_ms is not None]))

    print("\nlast reply (answers in several parts: the per-chat limit of 1 message/s adds >= 1 s a part)")
    print(header)
    by_parts: dict[int, list[float]] = defaultdict(list)
    for r in results:
        if r.last_ms is not None:
            by_parts[len(r.sent.expected)].append(r.last_ms)
    for parts in sorted(by_parts):
        print(line(f"{parts} part{'s' if parts > 1 else ''}", by_parts[parts]))
    beyond = [r.last_ms - 1000 * (len(r.sent.expected) - 1) for r in results if r.last_ms is not None]
    print(line("last - (parts-1) s", beyond))

    missing = [r for r in results if r.first_ms is None or r.last_ms is None]
    wrong = [r for r in results if [c.params.get("text") for c in r.replies] != r.sent.expected and r.replies]
    sends = sorted(c.at for c in server.calls_to("sendMessage"))
    print(
        "\nfirst reply by the bot's sending in the second before it (all chats; the overall limit is"
        f" {OVERALL_PER_SECOND}/s, so in a busy second a reply may wait for its turn)"
    )
    print(header)
    by_load: dict[str, list[float]] = {label: [] for label, _, _ in LOAD_BANDS}
    for r in results:
        if r.first_ms is not None:
            at = r.replies[0].at
            busy = bisect.bisect_left(sends, at) - bisect.bisect_left(sends, at - 1.0)
            label = next(label for label, low, high in LOAD_BANDS if low <= busy < high)
            by_load[label].append(r.first_ms)
    for label, values in by_load.items():
        print(line(label, values))
    stats = server.stats
    failed = server.failed_calls()
    print(
        f"\nreplies: {len(results) - len(missing)}/{len(results)} complete,"
        f" {len(wrong)} differing from the service's rendering"
    )
    print(
        f"Bot API: {stats.total_calls} calls, {stats.messages_delivered} messages, rejected {len(failed)},"
        f" 429 {stats.responses_by_status.get(429, 0)}, rate-limit violations {stats.rate_limit_violations},"
        f" busiest second {busiest(sends, 1.0)} messages"
    )
    for call in failed[:10]:
        print(f"  rejected: {call}")
    if missing or wrong or failed or stats.rate_limit_violations or server.internal_errors:
        ok = False
        for r in (missing + wrong)[:5]:
            print(
                f"  problem: user {r.sent.user} {r.sent.command.text!r}: {len(r.replies)} replies",
                file=sys.stderr,
            )
    if check_targets:
        for label in ("/brief (all)", "/who (all)"):
            values = sorted(firsts[label])
            if not values:
                continue
            median, p99 = percentile(values, 0.5), percentile(values, 0.99)
            met = median < TARGET_MEDIAN_MS and p99 < TARGET_P99_MS
            ok = ok and met
            print(
                f"target {label}: median {median:.1f} < {TARGET_MEDIAN_MS:g} ms and p99 {p99:.1f} <"
                f" {TARGET_P99_MS:g} ms: {'met' if met else 'MISSED'}"
            )
    return ok


def write_samples(path: Path, results: list[Outcome], server: BotApiServer) -> None:
    with path.open("w") as out:
        for r in results:
            row = {
                "user": r.sent.user,
                "command": r.sent.command.text,
                "parts": len(r.sent.expected),
                "handed": r.handed,
                "replies": [c.at for c in r.replies],
            }
            out.write(json.dumps(row) + "\n")
        sends = [{"chat": c.params.get("chat_id"), "at": c.at} for c in server.calls_to("sendMessage")]
        out.write(json.dumps({"sends": sends}) + "\n")
