"""Benchmarks (`make bench`): speed measured against a baseline run in the same process."""
