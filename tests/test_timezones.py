"""Time-zone names are IANA keys: a folder of the time-zone database (``America/Argentina``) is a
clear error in /subscribe and in BRIEFINGS_TIMEZONE, not an IsADirectoryError traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.config import load_settings
from briefings.errors import ConfigError, InvalidRequest
from briefings.service import subscriptions as subs

REPO = Path(__file__).resolve().parents[1]
REGIONS = {
    "America/Argentina": "America/Argentina/Buenos_Aires",
    "America/Indiana": "America/Indiana/Indianapolis",
}


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_subscribe_to_a_region_says_which_zones_it_holds(region: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        subs.parse_subscribe(["08:00", region], default_time="08:00", default_zone="UTC", topics=[])
    assert str(refused.value) == (
        f"unknown time zone {region!r}: a region, not a zone; use one of its zones, such as {REGIONS[region]}"
    )


@pytest.mark.parametrize("zone", ["America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata", "Etc/GMT+5"])
def test_subscribe_takes_every_iana_key(zone: str) -> None:
    request = subs.parse_subscribe([zone], default_time="08:00", default_zone="UTC", topics=[])
    assert request.timezone == zone


def test_a_region_as_the_default_time_zone_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFINGS_TIMEZONE", "America/Argentina")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert str(refused.value) == (
        "BRIEFINGS_TIMEZONE: unknown time zone 'America/Argentina': a region, not a zone;"
        " use one of its zones, such as America/Argentina/Buenos_Aires"
    )


def test_cli_with_a_region_as_time_zone_prints_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFINGS_TIMEZONE": "America/Indiana", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "briefings.cli", "topics"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: BRIEFINGS_TIMEZONE: unknown time zone 'America/Indiana': a region, not a zone;"
        " use one of its zones, such as America/Indiana/Indianapolis"
    ]
