"""Broken packages, each refused with its precise finding (file, line, element, message)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bpmn.package import read_zip
from bpmn.problems import Problem
from bpmn.validation import validate_package, validate_path
from tests.helpers import edit_text, package_files, zip_bytes

SAMPLE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A writable copy of the building-permit package."""
    target = tmp_path / "pkg"
    shutil.copytree(SAMPLE, target)
    return target


def _errors(path: Path) -> list[Problem]:
    report, compiled = validate_path(path)
    assert not report.valid and compiled is None
    return report.errors


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_the_sample_packages_are_valid_without_warnings() -> None:
    for folder in sorted(p for p in SAMPLE.parent.iterdir() if p.is_dir()):
        report, compiled = validate_path(folder)
        assert report.problems == [], report.as_text()
        assert compiled is not None and compiled.tasks


def test_malformed_xml_is_reported_with_its_line(package: Path) -> None:
    edit_text(package / "process.bpmn", '<bpmn:userTask id="tham_dinh"', '<bpmn:userTask id="tham_dinh" <')
    [error] = _errors(package)
    assert (error.code, error.file) == ("xml.malformed", "process.bpmn")
    assert error.line == _line_of(package / "process.bpmn", 'id="tham_dinh" <')
    assert error.message.startswith("XML sai cú pháp")


def test_external_entity_is_refused_before_parsing(package: Path) -> None:
    bpmn = package / "process.bpmn"
    text = bpmn.read_text(encoding="utf-8").replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    bpmn.write_text(text.replace('name="Nộp hồ sơ"', 'name="&xxe;"'), encoding="utf-8")
    [error] = _errors(package)
    assert (error.code, error.line) == ("xml.doctype", 2)
    assert "XXE" in error.message


def test_entity_expansion_bomb_is_refused(package: Path) -> None:
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}' * 10 + '">'
                      for i in range(1, 10))
            + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;</bpmn:definitions>')
    (package / "process.bpmn").write_text(bomb, encoding="utf-8")
    [error] = _errors(package)
    assert error.code == "xml.doctype"


def test_user_task_outside_any_lane_is_named(package: Path) -> None:
    edit_text(package / "process.bpmn", "        <bpmn:flowNodeRef>tham_dinh</bpmn:flowNodeRef>\n", "")
    [error] = _errors(package)
    assert (error.code, error.element) == ("task.no_lane", "tham_dinh")
    assert error.line == _line_of(package / "process.bpmn", '<bpmn:userTask id="tham_dinh"')
    assert "phải nằm trong một làn" in error.message


def test_lane_that_is_not_a_declared_role_is_named(package: Path) -> None:
    edit_text(package / "process.bpmn", 'name="lanh_dao"', 'name="giam_doc"')
    errors = _errors(package)
    assert {(e.code, e.element) for e in errors} == {("task.unknown_role", "phe_duyet"),
                                                     ("task.unknown_role", "don_doc")}
    assert "Làn 'giam_doc' không phải vai trò" in errors[0].message


def test_missing_form_is_named_with_the_task(package: Path) -> None:
    (package / "forms" / "tham_dinh.schema.json").unlink()
    [error] = _errors(package)
    assert (error.code, error.element) == ("form.missing", "tham_dinh")
    assert error.message == "Không tìm thấy biểu mẫu forms/tham_dinh.schema.json."


def test_invalid_json_schema_is_reported_with_its_pointer(package: Path) -> None:
    schema_path = package / "forms" / "phe_duyet.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["so_giay_phep"]["maxLength"] = "năm mươi"
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    errors = _errors(package)
    schema_error = next(e for e in errors if e.code == "form.schema")
    assert schema_error.file == "forms/phe_duyet.schema.json"
    assert schema_error.element == "/properties/so_giay_phep/maxLength"
    assert schema_error.message.startswith("JSON Schema không hợp lệ")


def test_unparseable_condition_is_named_with_its_flow_and_line(package: Path) -> None:
    edit_text(package / "process.bpmn", 'quyet_dinh == "cap_phep"', 'quyet_dinh == = "cap_phep"')
    [error] = _errors(package)
    assert (error.code, error.element) == ("expression.invalid", "f_cap_phep")
    assert error.line == _line_of(package / "process.bpmn", "quyet_dinh == =")
    assert "sai cú pháp" in error.message


@pytest.mark.parametrize("condition", [
    "().__class__.__bases__[0].__subclasses__()",
    "__import__('os').system('id')",
    "[c for c in ().__class__.__mro__]",
])
def test_sandbox_escape_condition_is_refused(package: Path, condition: str) -> None:
    edit_text(package / "process.bpmn", 'ket_qua_kiem_tra == "tiep_nhan"', condition.replace("'", "&apos;"))
    [error] = _errors(package)
    assert (error.code, error.element) == ("expression.invalid", "f_hop_le")


def test_script_task_is_refused_as_unsupported(package: Path) -> None:
    edit_text(package / "process.bpmn", '<bpmn:sequenceFlow id="f_nop"',
          '<bpmn:scriptTask id="chay_script"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>\n'
          '    <bpmn:sequenceFlow id="f_nop"')
    errors = _errors(package)
    assert ("bpmn.unsupported", "chay_script") in {(e.code, e.element) for e in errors}


def test_manifest_errors_name_the_field(package: Path) -> None:
    manifest = json.loads((package / "procedure.json").read_text(encoding="utf-8"))
    manifest["processing_time"]["unit"] = "tuần"
    del manifest["name"]
    (package / "procedure.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    errors = {(e.element, e.message) for e in _errors(package)}
    assert ("name", "Vui lòng nhập «Tên thủ tục».") in errors
    assert ("processing_time.unit", "Vui lòng chọn một giá trị trong danh sách.") in errors


def test_a_bare_bpmn_file_gets_bpmn_checks_only(package: Path) -> None:
    report, compiled = validate_path(package / "process.bpmn")
    assert report.valid and compiled is None and report.problems == []


def test_a_zip_of_the_folder_validates_like_the_folder() -> None:
    report, compiled = validate_package(read_zip(zip_bytes(package_files(SAMPLE, "goi/")), "goi.zip"))
    assert report.valid and compiled is not None


@pytest.mark.parametrize(("make", "code"), [
    (lambda: zip_bytes({**package_files(SAMPLE), "../../etc/cron.d/x": b"boom"}), "zip.traversal"),
    (lambda: zip_bytes({**package_files(SAMPLE), "/abs/path": b"boom"}), "zip.traversal"),
    (lambda: zip_bytes(package_files(SAMPLE), symlink="forms/link.schema.json"), "zip.symlink"),
    (lambda: zip_bytes({**package_files(SAMPLE), "forms/bomb.schema.json": b"0" * (6 * 1024 * 1024)}),
     "zip.file_too_large"),
    (lambda: b"PK\x03\x04 not really a zip", "zip.invalid"),
])
def test_hostile_zips_are_refused(make: Callable[[], bytes], code: str) -> None:
    from bpmn.package import PackageError

    with pytest.raises(PackageError) as caught:
        read_zip(make(), "upload.zip")
    assert caught.value.code == code


def test_step_deadlines_beyond_the_legal_time_are_a_warning(package: Path) -> None:
    edit_text(package / "process.bpmn", 'name="deadline" value="P10D"', 'name="deadline" value="P12D"')
    report, compiled = validate_path(package)
    assert report.valid and compiled is not None  # a warning does not block the import
    [warning] = report.warnings
    assert (warning.code, warning.element) == ("deadline.budget", "cap_gpxd_nha_o_rieng_le")
    assert warning.message == (
        "Tổng thời hạn các bước trên đường dài nhất (132 giờ làm việc: tiep_nhan → tham_dinh → "
        "phe_duyet → tra_giay_phep) vượt thời hạn giải quyết của thủ tục (120 giờ làm việc).")


def test_a_recurring_timer_is_refused_by_name(package: Path) -> None:
    edit_text(package / "process.bpmn", "<bpmn:timeDuration>P10D</bpmn:timeDuration>",
          "<bpmn:timeCycle>R3/P1D</bpmn:timeCycle>")
    errors = _errors(package)
    assert [(e.code, e.element) for e in errors] == [("bpmn.unsupported", "tham_dinh_qua_han")]
    assert "timeCycle" in errors[0].message


def test_a_timer_duration_that_is_not_iso_is_refused(package: Path) -> None:
    edit_text(package / "process.bpmn", "<bpmn:timeDuration>P10D</bpmn:timeDuration>",
          "<bpmn:timeDuration>10 ngày</bpmn:timeDuration>")
    [error] = _errors(package)
    assert (error.code, error.element) == ("expression.invalid", "tham_dinh_qua_han")


def test_a_step_without_a_form_is_named_in_words(package: Path) -> None:
    edit_text(package / "process.bpmn",
              '<spiffworkflow:property name="formJsonSchemaFilename" value="tham_dinh.schema.json" />', "")
    [error] = [e for e in _errors(package) if e.code == "task.no_form"]
    assert error.element == "tham_dinh"
    assert error.message.startswith("Bước «Thẩm định hồ sơ, đề xuất» do cán bộ xử lý cần một biểu mẫu")
