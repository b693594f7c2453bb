"""Decision tables (DMN) checked statically like conditions: fields, types, outputs,
overlaps and gaps, cells only in the safe expression language; and run by the process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bpmn.dmn import cell_test
from bpmn.package import Package, read_package
from bpmn.problems import Problem
from bpmn.runtime import ProcessModel
from bpmn.validation import validate_package

SAMPLE = Path(__file__).parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
INPUT = "cong_trinh.dien_tich_xay_dung * cong_trinh.so_tang"


def _table(
    rows: list[tuple[str, str, str]],
    *,
    expression: str = INPUT,
    type_ref: str = "number",
    hit: str = "UNIQUE",
    fee_type: str = "integer",
    fee_name: str = "le_phi",
) -> str:
    body = "".join(
        f'<rule id="r{i}"><inputEntry id="i{i}"><text>{cell}</text></inputEntry>'
        f'<outputEntry id="o{i}"><text>{fee}</text></outputEntry>'
        f'<outputEntry id="p{i}"><text>{pccc}</text></outputEntry></rule>'
        for i, (cell, fee, pccc) in enumerate(rows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" '
        'namespace="https://motcua.example">\n'
        '<decision id="le_phi_gpxd" name="Lệ phí">\n'
        f'<decisionTable id="t" hitPolicy="{hit}">\n'
        f'<input id="in" label="Tổng diện tích sàn"><inputExpression id="ie" typeRef="{type_ref}">'
        f"<text>{expression}</text></inputExpression></input>\n"
        f'<output id="o" label="Lệ phí" name="{fee_name}" typeRef="{fee_type}" />\n'
        '<output id="p" label="PCCC" name="tham_van_pccc" typeRef="boolean" />\n'
        f"{body}\n</decisionTable></decision></definitions>\n"
    )


GOOD = [
    ("&lt; 100", "50000", "False"),
    ("100 &lt;= ? &lt; 500", "75000", "False"),
    ("&gt;= 500", "150000", "True"),
]


def _check(dmn: str, **replace: str) -> list[Problem]:
    package = read_package(SAMPLE)
    files = {**package.files, "le_phi.dmn": dmn.encode(), **{k: v.encode() for k, v in replace.items()}}
    report, compiled = validate_package(Package("mau", files))
    assert (compiled is not None) == report.valid
    return report.problems


def _codes(problems: list[Problem], severity: str = "error") -> list[str]:
    return [p.code for p in problems if p.severity == severity]


def test_the_sample_table_passes_and_its_file_is_the_one_tested_here() -> None:
    assert _check(_table(GOOD)) == []
    assert _check((SAMPLE / "le_phi.dmn").read_text(encoding="utf-8")) == []


def test_overlapping_rows_are_refused_with_the_table_and_both_rows() -> None:
    rows = [
        ("&lt;= 100", "50000", "False"),
        ("100 &lt;= ? &lt; 500", "75000", "False"),
        ("&gt;= 500", "150000", "True"),
    ]
    problems = _check(_table(rows))
    overlap = [p for p in problems if p.code == "dmn.overlap"]
    assert len(overlap) == 1
    assert overlap[0].message.startswith(
        "Bảng quyết định «Lệ phí», dòng 2: trùng với dòng 1: cả hai cùng khớp khi «Tổng diện tích sàn» = 100"
    )
    assert overlap[0].file == "le_phi.dmn" and overlap[0].line is not None


def test_first_hit_policy_allows_overlaps_but_not_gaps() -> None:
    rows = [("&lt;= 100", "50000", "False"), ("&lt; 500", "75000", "False"), ("&gt;= 500", "150000", "True")]
    assert _codes(_check(_table(rows, hit="FIRST"))) == []
    assert "dmn.hit_policy" in _codes(_check(_table(GOOD, hit="COLLECT")))


def test_a_gap_in_a_numeric_range_is_refused_naming_a_value_that_falls_in_it() -> None:
    rows = [
        ("&lt; 100", "50000", "False"),
        ("150 &lt;= ? &lt; 500", "75000", "False"),
        ("&gt;= 500", "150000", "True"),
    ]
    gaps = [p for p in _check(_table(rows)) if p.code == "dmn.gap"]
    assert gaps and gaps[0].severity == "error"
    assert "không dòng nào khớp khi «Tổng diện tích sàn» = 100" in gaps[0].message


def test_an_input_reading_a_field_no_form_has_is_refused() -> None:
    problems = _check(_table(GOOD, expression="cong_trinh.dien_tich_san"))
    assert any(p.code == "dmn.unknown_field" and "cong_trinh.dien_tich_san" in p.message for p in problems)


def test_types_must_match_the_field_and_the_column() -> None:
    assert "dmn.type" in _codes(_check(_table(GOOD, expression="cong_trinh.loai_cong_trinh")))
    rows = [*GOOD[:2], ('"lon"', "150000", "True")]
    assert "dmn.cell_type" in _codes(_check(_table(rows)))
    rows = [*GOOD[:2], ("&gt;= 500", '"150000"', "True")]
    assert "dmn.output_type" in _codes(_check(_table(rows)))


def test_cells_go_through_the_safe_language_never_python() -> None:
    rows = [*GOOD[:2], ("&gt;= __import__('os').getpid()", "150000", "True")]
    assert "dmn.cell" in _codes(_check(_table(rows)))
    rows = [*GOOD[:2], ("&gt;= 500", "open('/etc/passwd')", "True")]
    assert "dmn.output" in _codes(_check(_table(rows)))
    rows = [*GOOD[:2], ('"a", "b"', "150000", "True")]
    assert "dmn.cell" in _codes(_check(_table(rows)))


def test_an_output_nobody_reads_is_a_warning_and_a_fee_from_a_missing_output_an_error() -> None:
    problems = _check(_table(GOOD, fee_name="phi_khac"))
    assert "dmn.output_unused" in _codes(problems, "warning")
    assert "dmn.fee_source" in _codes(problems)


def test_a_task_calling_a_missing_table_is_refused() -> None:
    bpmn = (SAMPLE / "process.bpmn").read_text(encoding="utf-8").replace(">le_phi_gpxd<", ">bang_khong_co<")
    problems = _check(_table(GOOD), **{"process.bpmn": bpmn})
    assert any(p.code in ("dmn.missing", "bpmn.spiff") for p in problems if p.severity == "error")


def test_an_input_that_is_a_condition_is_refused() -> None:
    problems = _check(_table(GOOD, expression="cong_trinh.so_tang &gt; 3", type_ref="boolean"))
    assert "dmn.input" in _codes(problems)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", None),
        ("-", None),
        ("< 100", "dmninputexpr < 100"),
        ("100 <= ? < 500", "100 <= dmninputexpr < 500"),
        ('"III"', '(dmninputexpr) == ("III")'),
        ('? in ["?", "b"]', 'dmninputexpr in ["?", "b"]'),
    ],
)
def test_cell_tests_are_what_spiffworkflow_runs(cell: str, expected: str | None) -> None:
    assert cell_test(cell) == expected


def _run(area: float, floors: int, declared: float | None = None) -> dict[str, Any]:
    report, compiled = validate_package(read_package(SAMPLE))
    assert compiled is not None, report.as_text()
    case = json.loads((SAMPLE / "tests" / "cap-phep.json").read_text(encoding="utf-8"))
    case["start"]["cong_trinh"].update(dien_tich_xay_dung=area, so_tang=floors)
    if declared is not None:
        case["start"]["cong_trinh"]["tong_dien_tich_san"] = declared
    instance = ProcessModel(compiled.spec).start(case["start"])
    return {"le_phi": instance.value("le_phi"), "tham_van_pccc": instance.value("tham_van_pccc")}


@pytest.mark.parametrize(
    ("area", "floors", "fee", "pccc"),
    [
        (30, 3, 50000, False),
        (50, 2, 75000, False),
        (80, 3, 75000, False),
        (125, 4, 150000, True),
    ],
)
def test_the_process_runs_the_table_by_total_floor_area(
    area: float, floors: int, fee: int, pccc: bool
) -> None:
    assert _run(area, floors) == {"le_phi": fee, "tham_van_pccc": pccc}


def test_what_the_table_decided_survives_a_restore_whatever_the_key_order() -> None:
    """PostgreSQL's jsonb gives the stored tasks back sorted by id: a task's data, stored as
    a difference from its parent's, must still be restored after its parent."""
    report, compiled = validate_package(read_package(SAMPLE))
    assert compiled is not None, report.as_text()
    case = json.loads((SAMPLE / "tests" / "nha-lon-lay-y-kien-pccc.json").read_text(encoding="utf-8"))
    model = ProcessModel(compiled.spec)
    instance = model.start(case["start"])
    for step in ("tiep_nhan", "tham_dinh"):
        instance = model.restore(json.loads(json.dumps(instance.state(), sort_keys=True)))
        [waiting] = instance.waiting()
        instance.complete(waiting.id, case["tasks"][step])
    assert [w.bpmn_id for w in instance.waiting()] == ["lay_y_kien_pccc"]


@pytest.mark.parametrize(
    ("area", "floors", "declared", "fee", "pccc"),
    [
        (80, 3, 90, 50000, False),  # 240 computed would be 75.000
        (100, 5, 460, 75000, False),  # 500 computed would ask the fire police
        (30, 3, 520, 150000, True),
    ],
)
def test_the_total_floor_area_declared_decides_over_ground_floor_times_floors(
    area: float, floors: int, declared: float, fee: int, pccc: bool
) -> None:
    """The form asks «Tổng diện tích sàn (m²)»; the table charges by it when it is given and
    by ground floor × floors only when the applicant left it empty (cases above)."""
    assert _run(area, floors, declared) == {"le_phi": fee, "tham_van_pccc": pccc}


FALLBACK = ("cong_trinh.tong_dien_tich_san if cong_trinh.tong_dien_tich_san != None "
            "else cong_trinh.dien_tich_xay_dung * cong_trinh.so_tang")


def test_an_optional_field_with_a_fallback_passes_in_the_one_guarded_shape() -> None:
    assert _check(_table(GOOD, expression=FALLBACK)) == []


@pytest.mark.parametrize(
    ("expression", "code"),
    [
        # the test is not «is it given» of the value read
        (FALLBACK.replace("!= None else", "&gt; 0 else"), "dmn.input"),
        ("cong_trinh.tong_dien_tich_san if cong_trinh.chieu_cao != None else cong_trinh.so_tang",
         "dmn.input"),
        # the fallback itself reads a field the applicant may leave empty, or is a condition
        ("cong_trinh.so_tang if cong_trinh.so_tang != None else cong_trinh.tong_dien_tich_san * 2",
         "dmn.optional_field"),
        (FALLBACK.replace("else cong_trinh.dien_tich_xay_dung", "else (1 if True else 2) + cong_trinh."
                                                                  "dien_tich_xay_dung"), "dmn.input"),
        ("cong_trinh.tong_dien_tich_san if cong_trinh.tong_dien_tich_san != None else ho_ten",
         "dmn.type"),
        ("cong_trinh.dien_tich_chua_co if cong_trinh.dien_tich_chua_co != None else cong_trinh.so_tang",
         "dmn.unknown_field"),
    ],
)
def test_other_conditional_inputs_are_refused(expression: str, code: str) -> None:
    assert code in _codes(_check(_table(GOOD, expression=expression)))
