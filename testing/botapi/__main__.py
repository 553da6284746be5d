"""``python -m testing.botapi [--port 8081] [--token T] [--username BriefBot] [--no-limits]``.

Serves the local Bot API server until Ctrl-C, for running the real bot against it by hand.
"""

from testing.botapi.server import main

main()
