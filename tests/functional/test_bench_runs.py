"""The benchmark still runs (its figures are printed by `make bench`, never asserted here)."""

from __future__ import annotations

from pathlib import Path

from bench.dossier_throughput import Baseline, Persisted


def test_both_sides_of_the_benchmark_finish_their_dossiers(tmp_path: Path) -> None:
    assert Baseline().run(2) > 0
    persisted = Persisted(tmp_path)
    persisted.run(2)
    growth, state_bytes = persisted.stored()
    assert state_bytes > 0 and growth >= 0  # two dossiers may fit in pages already there
