"""Diffs as sentences (bpmn/diff_words.py): a designer reads what changed between two
versions in words — elements by name, roles by label, durations in words — never a
Python dictionary."""

from __future__ import annotations

import json
from pathlib import Path

from bpmn.diff_words import describe, durations_change, timers

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def _texts() -> dict[str, str]:
    return {str(p.relative_to(PACKAGE)): p.read_text(encoding="utf-8")
            for p in sorted(PACKAGE.rglob("*")) if p.is_file()}


def test_a_step_deadline_reads_as_the_issue_asks() -> None:
    before = _texts()
    after = dict(before)
    after["process.bpmn"] = before["process.bpmn"].replace(
        'name="deadline" value="P10D"', 'name="deadline" value="P8D"')
    said = describe(before, after)
    assert said["diagram"] == ["Bước «Thẩm định hồ sơ, đề xuất»: thời hạn 10 → 8 ngày làm việc."]
    assert not said["forms"] and not said["manifest"] and not said["tests"]


def test_renames_lanes_conditions_and_new_fields_are_sentences_with_names() -> None:
    before = _texts()
    after = dict(before)
    after["process.bpmn"] = (before["process.bpmn"]
                             .replace('name="Thẩm định hồ sơ, đề xuất"', 'name="Thẩm định hồ sơ"')
                             .replace('name="deadline" value="P10D"', 'name="deadline" value="PT4H"'))
    schema = json.loads(before["forms/tham_dinh.schema.json"])
    schema["properties"]["ghi_chu"] = {"type": "string", "title": "Ghi chú thêm"}
    after["forms/tham_dinh.schema.json"] = json.dumps(schema, ensure_ascii=False)
    manifest = json.loads(before["procedure.json"])
    manifest["processing_time"] = {"value": 12, "unit": "working_days"}
    manifest["roles"]["mot_cua"]["label"] = "Bộ phận tiếp nhận và trả kết quả"
    after["procedure.json"] = json.dumps(manifest, ensure_ascii=False)
    said = describe(before, after)
    assert "Bước «Thẩm định hồ sơ, đề xuất»: đổi tên thành «Thẩm định hồ sơ»." in said["diagram"]
    assert ("Bước «Thẩm định hồ sơ, đề xuất»: thời hạn 10 ngày làm việc → 4 giờ làm việc."
            in said["diagram"])
    assert any(s.endswith("thêm trường «Ghi chú thêm».") for s in said["forms"])
    assert "Thời hạn giải quyết: 15 → 12 ngày làm việc." in said["manifest"]
    assert any("«Bộ phận Một cửa» → «Bộ phận tiếp nhận và trả kết quả»" in s for s in said["manifest"])
    assert not any("{" in s or "P10D" in s for part in said.values() for s in part)


def test_added_and_removed_steps_name_their_role() -> None:
    before = _texts()
    after = dict(before)
    after["process.bpmn"] = before["process.bpmn"].replace(
        'name="Thẩm định hồ sơ, đề xuất"', 'name="Thẩm định hồ sơ, đề xuất"').replace(
        'id="tham_dinh"', 'id="tham_dinh_moi"').replace(
        '>tham_dinh<', '>tham_dinh_moi<')
    said = describe(before, after)["diagram"]
    assert any(s.startswith("Thêm bước «Thẩm định hồ sơ, đề xuất» (người xử lý «") for s in said)
    assert "Bỏ bước «Thẩm định hồ sơ, đề xuất»." in said


def test_durations_change_in_the_fewest_words() -> None:
    assert durations_change("P10D", "P8D") == "10 → 8 ngày làm việc"
    assert durations_change("P1D", "PT4H") == "1 ngày làm việc → 4 giờ làm việc"
    assert durations_change("", "P2D") == "đặt 2 ngày làm việc"
    assert durations_change("P2D", "") == "bỏ (2 ngày làm việc)"


def test_a_timer_change_is_told_once_on_its_event_not_on_the_process() -> None:
    before = _texts()
    after = dict(before)
    after["process.bpmn"] = before["process.bpmn"].replace(
        "<bpmn:timeDuration>P10D</bpmn:timeDuration>", "<bpmn:timeDuration>P12D</bpmn:timeDuration>")
    assert describe(before, after)["diagram"] == [
        "Hẹn giờ gắn với bước «Quá hạn thẩm định»: hẹn giờ 10 → 12 ngày làm việc."]


def test_timers_read_in_words_with_the_step_they_wait_on() -> None:
    found = {t["id"]: t for t in timers(_texts())}
    assert found["tham_dinh_qua_han"] == {
        "id": "tham_dinh_qua_han", "name": "Quá hạn thẩm định", "on": "Thẩm định hồ sơ, đề xuất",
        "words": "10 ngày làm việc", "iso": "P10D"}
