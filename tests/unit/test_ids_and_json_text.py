"""Outbox ids sort in the order they were made; JSON text written by orjson reads back as
the value written, and what orjson refuses is written as the standard library writes it."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest

from engine.core import json_text
from engine.records.connector_outbox import new_event_id


def test_outbox_ids_are_version_7_uuids_in_the_order_they_were_made() -> None:
    made = []
    for _ in range(5):
        made.append(new_event_id())
        time.sleep(0.002)  # another millisecond
    assert made == sorted(made)
    assert {uuid.UUID(i).version for i in made} == {7}
    assert {uuid.UUID(i).variant for i in made} == {uuid.RFC_4122}
    many = {new_event_id() for _ in range(2000)}  # the same millisecond: still all different
    assert len(many) == 2000


@pytest.mark.parametrize("value", [
    {"ho_ten": "Nguyễn Văn An", "so_tang": 3, "dien_tich": 120.5, "cam_ket": True, "x": None},
    [1, -2, 0.1, "Đ", {"nested": ["ă", {}]}],
    {"big": 10**30},  # beyond 64 bits: orjson refuses it, the standard library writes it
    {"nul": "a\x00b"},  # kept as \u0000, which the database layer then refuses by name
])
def test_json_text_reads_back_as_written(value: object) -> None:
    assert json.loads(json_text.dumps(value)) == value
    assert json.loads(json_text.dumps_sorted(value)) == value


def test_json_text_keeps_vietnamese_and_sorts_when_asked() -> None:
    assert json_text.dumps({"b": "Hồ sơ", "a": 1}) == '{"b":"Hồ sơ","a":1}'
    assert json_text.dumps_sorted({"b": "Hồ sơ", "a": 1}) == '{"a":1,"b":"Hồ sơ"}'
    assert json_text.dumps({1: "x"}) == '{"1":"x"}'  # as the standard library writes it


@dataclass
class _Point:
    x: int


@pytest.mark.parametrize("value", [datetime(2026, 12, 1), _Point(1)])
def test_json_text_refuses_what_the_standard_library_refuses(value: object) -> None:
    with pytest.raises(TypeError):
        json_text.dumps({"v": value})
