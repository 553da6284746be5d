"""Fuzz: hostile command arguments (random unicode, markup, right-to-left marks, emoji, invisible
and control characters, up to Telegram's 4096), group commands and button presses, through the
local Bot API server to the real bot. A few examples with a fixed seed here; ``python
benchmarks/fuzz_run.py --target commands --seconds 300`` runs the same properties for longer."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from briefings.extract import Extractor
from tests.bot_e2e import fixtures as e2e
from tests.fuzz.commands import CommandCase, CommandTarget, command_cases

corpus, bot_db_url = e2e.corpus, e2e.bot_db_url

CI = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def test_hostile_arguments_are_answered_escaped_and_accepted(bot_db_url: str, extractor: Extractor) -> None:
    with CommandTarget(bot_db_url, extractor) as target:

        @CI
        @given(case=command_cases())
        def case(case: CommandCase) -> None:
            target.check(case)

        case()
        target.finish()
    assert target.cases >= 30
