"""`make test` hands out the slowest test files first (tests/file_order.py), so that the
two processes finish together instead of one waiting on the other's last long file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import file_order


class Item:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def _ordered(nodeids: list[str], seconds: dict[str, float], folder: Path,
             monkeypatch: pytest.MonkeyPatch) -> list[str]:
    recorded = folder / "file_seconds.json"
    recorded.write_text(json.dumps(seconds), encoding="utf-8")
    monkeypatch.setattr(file_order, "SECONDS_FILE", recorded)
    items: list[Any] = [Item(n) for n in nodeids]
    file_order.order(items)
    return [item.nodeid for item in items]


def test_the_slowest_file_goes_first_and_tests_keep_their_order_within_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    nodeids = ["a.py::one", "a.py::two", "b.py::one", "c.py::one", "c.py::two"]
    seconds = {"a.py": 2.0, "b.py": 40.0, "c.py": 9.0}
    assert _ordered(nodeids, seconds, tmp_path, monkeypatch) == [
        "b.py::one", "c.py::one", "c.py::two", "a.py::one", "a.py::two"]


def test_a_new_file_is_placed_by_its_number_of_tests_at_the_recorded_pace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The median recorded pace is 1 s a test: the new file's six tests count for 6 s.
    nodeids = ["slow.py::t", *[f"new.py::t{i}" for i in range(6)], "quick.py::t",
               "mid.py::a", "mid.py::b"]
    seconds = {"slow.py": 30.0, "quick.py": 1.0, "mid.py": 2.0}
    ordered = _ordered(nodeids, seconds, tmp_path, monkeypatch)
    assert [n.split("::")[0] for n in ordered] == [
        "slow.py", *["new.py"] * 6, "mid.py", "mid.py", "quick.py"]


def test_without_recorded_seconds_files_go_by_their_number_of_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(file_order, "SECONDS_FILE", tmp_path / "missing.json")
    items: list[Any] = [Item(n) for n in ["x.py::a", "y.py::a", "y.py::b"]]
    file_order.order(items)
    assert [item.nodeid for item in items] == ["y.py::a", "y.py::b", "x.py::a"]
