"""Measuring search: BEIR evaluations and latency benchmarks, on either backend."""
