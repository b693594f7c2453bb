"""«Cho người nộp biết» (`x-told-to-applicant`): a designer marks the fields of a step's
form whose answers the applicant is told. The package validation accepts the mark on a
yes/no, a text and a choice field and refuses anything but true/false by where it is; the
form builder keeps it both ways; only marked answers are told, choices by their labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bpmn.diff_forms import check_changes
from bpmn.validation import validate_path
from forms import check_schema
from forms.builder import build
from forms.builder_import import model_of
from forms.render import describe_told

PERMIT = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
MARK = "x-told-to-applicant"


def _decision_form(mark: Any = True) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Phê duyệt",
        "type": "object", "required": ["quyet_dinh"],
        "properties": {
            "quyet_dinh": {"type": "string", "title": "Quyết định", MARK: mark, "oneOf": [
                {"const": "cap_phep", "title": "Đồng ý <cấp> phép"},
                {"const": "tu_choi", "title": "Từ chối"}]},
            "so_giay_phep": {"type": "string", "title": "Số giấy phép", MARK: True},
            "co_dieu_kien": {"type": "boolean", "title": "Có kèm điều kiện", MARK: True},
            "y_kien": {"type": "string", "title": "Ý kiến nội bộ"},
        },
    }


def test_the_mark_is_accepted_on_a_choice_a_text_and_a_yes_no_field(tmp_path: Path) -> None:
    assert check_schema(_decision_form()) == []
    folder = tmp_path / "pkg"
    shutil.copytree(PERMIT, folder)
    (folder / "forms" / "phe_duyet.schema.json").write_text(
        json.dumps(_decision_form(), ensure_ascii=False), encoding="utf-8")
    report, _ = validate_path(folder)
    assert not [p for p in report.problems if MARK in p.message or "phe_duyet" in p.file]


def test_a_mark_other_than_true_or_false_is_refused_where_it_is(tmp_path: Path) -> None:
    [problem] = check_schema(_decision_form(mark="có"))
    assert problem.pointer == f"/properties/quyet_dinh/{MARK}"
    assert "Cho người nộp biết" in problem.message and "true hoặc false" in problem.message
    folder = tmp_path / "pkg"
    shutil.copytree(PERMIT, folder)
    (folder / "forms" / "phe_duyet.schema.json").write_text(
        json.dumps(_decision_form(mark="có"), ensure_ascii=False), encoding="utf-8")
    report, _ = validate_path(folder)
    assert any("Cho người nộp biết" in p.message for p in report.problems)


def test_only_marked_answers_are_told_in_words_not_html() -> None:
    data = {"quyet_dinh": "cap_phep", "so_giay_phep": "12/<b>GP</b>", "co_dieu_kien": False,
            "y_kien": "không nói với người nộp"}
    assert describe_told(_decision_form(), None, data) == [
        ("Quyết định", "Đồng ý <cấp> phép"), ("Số giấy phép", "12/<b>GP</b>"),
        ("Có kèm điều kiện", "Không")]  # plain text: the pages escape it
    assert describe_told(_decision_form(mark=False), None, data)[0][0] == "Số giấy phép"


def test_the_form_builder_keeps_the_mark_both_ways() -> None:
    model = {"title": "Phê duyệt", "fields": [
        {"name": "so_giay_phep", "label": "Số giấy phép", "kind": "text", "told": True},
        {"name": "y_kien", "label": "Ý kiến", "kind": "text"}]}
    schema, ui = build(model)
    assert schema["properties"]["so_giay_phep"][MARK] is True
    assert MARK not in schema["properties"]["y_kien"]
    back, why = model_of(schema, ui)
    assert why == "" and back is not None
    assert [f.get("told") for f in back["fields"]] == [True, None]


def test_the_version_comparison_says_the_mark_in_words() -> None:
    assert check_changes({"type": "string"}, {"type": "string", MARK: True}) == [
        "cho người nộp biết không → có"]
