"""Benchmarks and long runs; run from the repository root as ``python -m benchmarks.bench_x [--quick]``."""
