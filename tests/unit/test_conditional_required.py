"""A field that applies only under a condition is demanded, and marked required, only
while its condition holds: the leader deciding a permit is asked for the permit number or
the reasons for refusing, never both, and nothing before a decision is made."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html

from forms import FormValidator, describe_data, render_form

FORMS = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o" / "forms"
APPROVAL = json.loads((FORMS / "phe_duyet.schema.json").read_text(encoding="utf-8"))
RECEPTION = json.loads((FORMS / "tiep_nhan.schema.json").read_text(encoding="utf-8"))
APPRAISAL = json.loads((FORMS / "tham_dinh.schema.json").read_text(encoding="utf-8"))


def _errors(schema: dict[str, object], data: dict[str, object]) -> dict[str, str]:
    return {e.field: e.message for e in FormValidator(schema).validate_submission(data)}


def _visible_markers(html: str, field_id: str) -> int:
    """How many required markers a reader sees on the field's own caption."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    label = root.xpath(f'//label[@for="{field_id}"]')[0]
    return sum(1 for marker in label.iter("span")
               if marker.get("class") == "required"
               and not any(a.get("hidden") is not None for a in marker.iterancestors()))


def test_before_a_decision_only_the_decision_is_demanded() -> None:
    assert _errors(APPROVAL, {}) == {"quyet_dinh": "Vui lòng chọn «Quyết định»."}
    assert _errors(RECEPTION, {}) == {"ket_qua_kiem_tra": "Vui lòng chọn «Kết quả kiểm tra»."}


def test_each_decision_demands_its_own_field_only() -> None:
    assert set(_errors(APPROVAL, {"quyet_dinh": "cap_phep"})) == {"so_giay_phep"}
    assert set(_errors(APPROVAL, {"quyet_dinh": "tu_choi"})) == {"ly_do_tu_choi"}
    assert _errors(APPROVAL, {"quyet_dinh": "cap_phep", "so_giay_phep": "215/GPXD"}) == {}
    assert _errors(RECEPTION, {"ket_qua_kiem_tra": "tiep_nhan"}) == {}
    assert set(_errors(RECEPTION, {"ket_qua_kiem_tra": "tu_choi"})) == {"ly_do_tu_choi"}


def test_an_undecided_form_marks_neither_conditional_field_required() -> None:
    html = render_form(APPROVAL)
    assert _visible_markers(html, "f-so_giay_phep") == 0
    assert _visible_markers(html, "f-ly_do_tu_choi") == 0
    # the marker is there for the page's script to show with the field
    assert html.count("data-required-if-shown") == 2
    assert 'aria-required="true"' not in html.split('id="f-quyet_dinh-1"')[1]


def test_the_chosen_decision_marks_its_field_required_and_only_it() -> None:
    html = render_form(APPROVAL, values={"quyet_dinh": "cap_phep"})
    assert _visible_markers(html, "f-so_giay_phep") == 1
    assert _visible_markers(html, "f-ly_do_tu_choi") == 0
    html = render_form(APPROVAL, values={"quyet_dinh": "tu_choi"})
    assert _visible_markers(html, "f-so_giay_phep") == 0
    assert _visible_markers(html, "f-ly_do_tu_choi") == 1


def test_submitted_data_in_words_uses_titles_and_the_labels_of_choices() -> None:
    words = describe_data(APPRAISAL, None, {"de_xuat": "cap_phep",
                                            "y_kien_tham_dinh": "Dòng 1\nDòng 2"})
    assert words == [("Đề xuất", "Đủ điều kiện — đề xuất cấp giấy phép"),
                     ("Ý kiến thẩm định", "Dòng 1\nDòng 2")]
    assert describe_data(APPROVAL, {"fields": {"quyet_dinh": {"labels": {"cap_phep": "Cấp phép"}}}},
                         {"quyet_dinh": "cap_phep", "so_giay_phep": "215/GPXD", "khac": "x"}) == [
        ("Quyết định", "Cấp phép"), ("Số giấy phép xây dựng", "215/GPXD"), ("khac", "x")]
