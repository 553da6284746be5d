"""Starting ``briefbot`` in another process against the local Bot API server, for tests and benchmarks.

One place for what every such process needs: an environment with nothing of the caller's bot
settings (no ``BRIEFINGS_*`` or ``TELEGRAM_*`` of a developer's shell), the server's token and URLs,
the repository on ``PYTHONPATH``, and a working folder of its own (so no ``.env`` of a checkout is
read)::

    with ThreadedBotApiServer() as server:
        bot = start_briefbot(server, tmp_path, "send-due", BRIEFINGS_DATABASE_URL=url)
        out, err = bot.communicate(timeout=60)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

__all__ = ["BOT", "BOT_ENV_PREFIXES", "REPO", "BotApi", "bot_environment", "run_briefbot", "start_briefbot"]

REPO = Path(__file__).resolve().parents[1]
#: ``python -m bot``: the ``briefbot`` command of this checkout, in this interpreter
BOT = (sys.executable, "-m", "bot")
#: the settings the bot reads from the environment; a caller's own are never passed on
BOT_ENV_PREFIXES = ("BRIEFINGS_", "TELEGRAM_")


class BotApi(Protocol):
    """What a bot process needs of a Bot API server (:class:`~testing.botapi.BotApiServer` or
    :class:`~testing.botapi.ThreadedBotApiServer`)."""

    @property
    def token(self) -> str: ...

    @property
    def base_url(self) -> str: ...

    @property
    def base_file_url(self) -> str: ...


def bot_environment(server: BotApi, base: Mapping[str, str] | None = None, **settings: str) -> dict[str, str]:
    """The environment of a bot process talking to ``server``, with ``settings`` on top.

    ``base`` is the rest of the environment; by default this process's, without its
    ``BRIEFINGS_*``/``TELEGRAM_*`` variables and with the repository on ``PYTHONPATH``.
    """
    if base is None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(BOT_ENV_PREFIXES)}
        env["PYTHONPATH"] = str(REPO)
    else:
        env = dict(base)
    env.update(
        TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_BASE_URL=server.base_url,
        TELEGRAM_BASE_FILE_URL=server.base_file_url,
    )
    env.update(settings)
    return env


def start_briefbot(
    server: BotApi,
    folder: Path,
    *args: str,
    base: Mapping[str, str] | None = None,
    command: Sequence[str] = BOT,
    output: IO[Any] | None = None,
    **settings: str,
) -> subprocess.Popen[str]:
    """``briefbot *args`` running in ``folder`` against ``server`` (see :func:`bot_environment`).

    Its stdout and stderr are pipes, or both go to ``output`` (an open file) when given.
    ``command`` replaces ``python -m bot`` (an installed ``briefbot``, say).
    """
    return subprocess.Popen(
        [*command, *args],
        cwd=folder,
        env=bot_environment(server, base, **settings),
        stdout=subprocess.PIPE if output is None else output,
        stderr=subprocess.PIPE if output is None else subprocess.STDOUT,
        text=True,
    )


def run_briefbot(
    server: BotApi,
    folder: Path,
    *args: str,
    timeout: float,
    base: Mapping[str, str] | None = None,
    **settings: str,
) -> subprocess.CompletedProcess[str]:
    """``briefbot *args`` to its end (killed after ``timeout`` seconds), its output captured."""
    return subprocess.run(
        [*BOT, *args],
        cwd=folder,
        env=bot_environment(server, base, **settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
