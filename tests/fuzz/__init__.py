"""Fuzzing of ingestion and of the bot's commands: hostile inputs (strategies) and the properties
that must hold for any of them. The CI tests (``tests/test_fuzz_*.py``) run a few examples with a
fixed seed; ``benchmarks/fuzz_run.py`` runs the same properties for a bounded wall time."""
