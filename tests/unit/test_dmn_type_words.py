"""A decision table's type findings name the types in words, as the editor's type list
does («Số», «Chữ», «Đúng/Sai», «Số nguyên»), never the typeRef code (`number`, `string`)."""

from __future__ import annotations

import re

from tests.unit.test_dmn_checks import GOOD, _check, _table

CODES = re.compile(r"\b(number|string|boolean|integer)\b")


def test_a_column_whose_type_is_not_its_field_s_is_told_in_words() -> None:
    found = [p.message for p in _check(_table(GOOD, expression="cong_trinh.loai_cong_trinh"))
             if p.code == "dmn.type"]
    assert found and "có kiểu «Số» nhưng trường là kiểu «Chữ»" in found[0], found
    assert CODES.findall(found[0]) == []


def test_cells_of_the_wrong_type_are_told_in_words() -> None:
    problems = _check(_table([*GOOD[:2], ('"lon"', "150000", "True")]))
    cell = [p.message for p in problems if p.code == "dmn.cell_type"]
    assert cell and "không phải kiểu «Số» của cột" in cell[0], cell
    problems = _check(_table([*GOOD[:2], ("&gt;= 500", '"150000"', "True")]))
    output = [p.message for p in problems if p.code == "dmn.output_type"]
    assert output and "cột này nhận một số nguyên" in output[0], output  # an amount: how to write it
    assert [m for m in cell + output if CODES.search(m)] == []
