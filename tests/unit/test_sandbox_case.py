"""A finished test run as a package test case (`engine.procedures.sandbox_case.case_of_run`):
the start data, each step's data (a list when a step came twice), the timers let fire, the
path and end taken; a run from before the data was recorded, or not finished, is refused."""

from __future__ import annotations

import pytest

from engine.core.errors import Conflict
from engine.procedures.sandbox_case import case_list, case_of_run

LOG = [{"what": "start", "data": {"ho_ten": "An"}},
       {"what": "complete", "task": "tiep_nhan", "data": {"y_kien": "1"}},
       {"what": "timer", "timer": "nhac_viec"},
       {"what": "complete", "task": "tham_dinh", "data": {"y_kien": "2"}},
       {"what": "complete", "task": "tham_dinh", "data": {"y_kien": "3"}}]


def test_a_run_becomes_a_case() -> None:
    case = case_of_run(LOG, "ket_thuc", "Ca")
    assert case == {"name": "Ca", "start": {"ho_ten": "An"},
                    "tasks": {"tiep_nhan": {"y_kien": "1"},
                              "tham_dinh": [{"y_kien": "2"}, {"y_kien": "3"}]},
                    "fire": ["nhac_viec"],
                    "expect": {"path": ["tiep_nhan", "tham_dinh", "tham_dinh"], "end": "ket_thuc"}}


def test_an_unrecorded_or_unfinished_run_is_refused() -> None:
    with pytest.raises(Conflict, match="trước khi hệ thống ghi lại"):
        case_of_run([{"what": "start"}], "ket_thuc", "Ca")
    with pytest.raises(Conflict, match="chưa tới điểm kết thúc"):
        case_of_run(LOG, None, "Ca")


def test_the_cases_listed_by_file_and_position() -> None:
    listed = case_list({"tests/a.json": '[{"name": "Một"}, {}]', "tests/b.json": '{"name": "Hai"}',
                        "procedure.json": "{}"})
    assert [(c["key"], c["name"]) for c in listed] == [
        ("tests/a.json#0", "Một"), ("tests/a.json#1", "Ca số 2"), ("tests/b.json#0", "Hai")]
