"""A number typed the Vietnamese way in a decision table (`50.000` for fifty thousand) is
refused by the static check: the evaluator reads 50.0, and a fee came out «50 đồng» while the
table page said «Bảng hợp lệ» (designer's walk, finding 1). A column of whole numbers
refuses a decimal too."""

from __future__ import annotations

from bpmn.expressions import compile_expression
from tests.unit.test_dmn_checks import GOOD, _check, _table


def test_what_the_check_guards_against_fifty_thousand_dotted_is_fifty() -> None:
    assert compile_expression("50.000").evaluate({}) == 50.0


def test_a_fee_written_with_dots_between_thousands_is_refused_naming_table_row_and_cell() -> None:
    rows = [GOOD[0], ("100 &lt;= ? &lt; 500", "50.000", "False"), GOOD[2]]
    refused = [p for p in _check(_table(rows)) if p.code == "dmn.number"]
    assert len(refused) == 1 and refused[0].severity == "error"
    assert refused[0].message.startswith("Bảng quyết định «Lệ phí», dòng 2: ô «Lệ phí» = 50.000:")
    assert "viết 50000, không dùng dấu chấm ngăn cách hàng nghìn" in refused[0].message


def test_millions_and_conditions_written_with_dots_are_refused_too() -> None:
    rows = [("&lt; 1.000", "1.500.000", "False"), ("&gt;= 1.000", "150000", "True")]
    messages = [p.message for p in _check(_table(rows)) if p.code == "dmn.number"]
    assert any("dòng 1: ô «Tổng diện tích sàn» ('< 1.000')" in m and "viết 1000," in m for m in messages)
    assert any("dòng 1: ô «Lệ phí» = 1.500.000" in m and "viết 1500000," in m for m in messages)
    assert any("dòng 2: ô «Tổng diện tích sàn» ('>= 1.000')" in m for m in messages)


def test_a_column_of_whole_numbers_refuses_a_decimal_but_a_number_column_takes_it() -> None:
    rows = [GOOD[0], ("100 &lt;= ? &lt; 500", "75000.5", "False"), GOOD[2]]
    refused = [p.message for p in _check(_table(rows)) if p.code == "dmn.number"]
    assert refused and "cột kiểu số nguyên chỉ nhận số nguyên" in refused[0]
    rows = [("&lt; 99.5", "50000", "False"), ("99.5 &lt;= ? &lt; 500", "75000", "False"), GOOD[2]]
    assert [p for p in _check(_table(rows)) if p.severity == "error"] == []
