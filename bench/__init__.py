"""Benchmarks: ctc-kg against the engines a user would pick instead (bench/README.md)."""
