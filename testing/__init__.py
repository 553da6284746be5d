"""Test support shared by tests/ and benchmarks/: the local Telegram Bot API server and process launchers.

Not shipped in the wheel (dev-only). Imported as ``testing.…`` from the repository root: pytest gets
the root on its path through ``pythonpath = ["."]`` in pyproject.toml, benchmarks run as
``python -m benchmarks.bench_x`` from the root.
"""
