"""A start form split into pages (`forms.journey`): the default by its groups, the UI
schema's choice, the sections a designer names, each page rendering only its fields (and
those its answers bring), and the package validator naming a wrong journey key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bpmn.validation import validate_path
from forms import render_form, validate_data
from forms.journey import answers, errors_on, journey_mode, section_of, sections, ui_problems

SAMPLE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
PERMIT = json.loads((SAMPLE / "forms" / "don_de_nghi.schema.json").read_text(encoding="utf-8"))
PERMIT_UI = json.loads((SAMPLE / "forms" / "don_de_nghi.ui.json").read_text(encoding="utf-8"))
FLAT: dict[str, Any] = {"type": "object", "properties": {
    "ho_ten": {"type": "string", "title": "Họ tên"},
    "dia_chi": {"type": "object", "title": "Địa chỉ", "properties": {"xa": {"type": "string"}}}}}


def test_a_form_with_two_groups_is_in_sections_and_one_without_stays_single() -> None:
    assert journey_mode(PERMIT, PERMIT_UI) == "sections"
    assert journey_mode(FLAT, {}) == "single"  # one group only
    assert journey_mode(FLAT, {"journey": "sections"}) == "sections"
    assert journey_mode(PERMIT, {"journey": "single"}) == "single"


def test_each_group_is_a_page_and_plain_fields_between_groups_share_one() -> None:
    pages = sections(PERMIT, PERMIT_UI)
    assert [(p.number, p.title) for p in pages] == [
        (1, "Thông tin chung"), (2, "Thông tin lô đất"), (3, "Nội dung đề nghị cấp phép"),
        (4, "Tổ chức, cá nhân thiết kế"), (5, "Thông tin khác")]
    # the proxy's name comes with the question that brings it ("Nộp thay …": Có)
    assert pages[0].fields[-2:] == ("uy_quyen", "nguoi_nop_thay")
    assert pages[4].fields == ("ngay_khoi_cong", "cam_ket")


def test_a_designer_may_name_the_sections() -> None:
    ui = {**PERMIT_UI, "sections": [
        {"title": "Người đề nghị", "fields": ["ho_ten", "so_dinh_danh", "dien_thoai", "email",
                                               "dia_chi_lien_he", "uy_quyen"]},
        {"title": "Công trình", "fields": ["lo_dat", "cong_trinh", "don_vi_thiet_ke"]}]}
    pages = sections(PERMIT, ui)
    assert [p.title for p in pages] == ["Người đề nghị", "Công trình"]
    assert "nguoi_nop_thay" in pages[0].fields
    assert pages[1].fields[-2:] == ("ngay_khoi_cong", "cam_ket")  # left out: the last page
    assert ui_problems(ui, PERMIT) == []


def test_a_page_renders_only_its_fields_and_is_judged_on_them() -> None:
    pages = sections(PERMIT, PERMIT_UI)
    html = render_form(PERMIT, PERMIT_UI, {}, (), only=pages[1].fields)
    assert 'name="lo_dat.dia_chi"' in html and 'name="ho_ten"' not in html
    first = render_form(PERMIT, PERMIT_UI, {}, (), only=pages[0].fields)
    assert 'name="nguoi_nop_thay"' in first and 'name="lo_dat.dia_chi"' not in first
    errors = validate_data(PERMIT, {})
    assert {e.field for e in errors_on(pages[1], errors)} == {"lo_dat"}
    assert section_of(pages, "cong_trinh.so_tang") == pages[2]
    assert section_of(pages, "") is None


def test_the_answers_of_a_page_read_in_words_without_repeating_its_title() -> None:
    pages = sections(PERMIT, PERMIT_UI)
    data = {"lo_dat": {"dia_chi": "Số 12", "dien_tich": 1234.5}, "ngay_khoi_cong": "2027-01-15"}
    assert answers(PERMIT, PERMIT_UI, data, pages[1]) == [
        ("Địa điểm xây dựng (số nhà, đường, thôn/tổ, xã/phường)", "Số 12", "f-lo_dat-dia_chi"),
        ("Diện tích lô đất (m²)", "1.234,5", "f-lo_dat-dien_tich")]
    assert answers(PERMIT, PERMIT_UI, data, pages[4]) == [
        ("Dự kiến ngày khởi công", "15/01/2027", "f-ngay_khoi_cong")]
    rows = {"don_vi_thiet_ke": [{"ten": "Công ty A"}]}
    assert answers(PERMIT, PERMIT_UI, rows, pages[3]) == [
        ("Tổ chức, cá nhân thiết kế thứ 1 › Tên tổ chức/cá nhân", "Công ty A", "f-don_vi_thiet_ke-0-ten")]


def test_wrong_journey_keys_are_named_by_pointer() -> None:
    problems = ui_problems({"journey": "wizard", "sections": [
        {"title": "", "fields": ["ho_ten"]}, {"title": "B", "fields": ["ho_ten", "khong_co"]},
        "x"]}, PERMIT)
    assert [p.pointer for p in problems] == [
        "/journey", "/sections/0/title", "/sections/1/fields/0", "/sections/1/fields/1",
        "/sections/2"]
    assert "«journey» phải là \"sections\"" in problems[0].message
    assert ui_problems({"sections": "all"})[0].pointer == "/sections"


def test_the_package_validator_accepts_the_journey_keys_and_names_a_wrong_one(
        tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(SAMPLE, package)
    ui_path = package / "forms" / "don_de_nghi.ui.json"
    ui_path.write_text(json.dumps({**PERMIT_UI, "journey": "single"}), encoding="utf-8")
    report, _ = validate_path(package)
    assert not [p for p in report.problems if p.code == "form.ui"]
    ui_path.write_text(json.dumps({**PERMIT_UI, "journey": "wizard"}), encoding="utf-8")
    report, _ = validate_path(package)
    [problem] = [p for p in report.problems if p.code == "form.ui"]
    assert (problem.file, problem.element) == ("forms/don_de_nghi.ui.json", "/journey")
