"""Benchmark for sifasuo_desktop: `python -m bench` (see bench/runner.py)."""
