"""The web table editor reads amounts as designers write them (walker's finding: «80.000» in
«Lệ phí (đồng)» was refused and the failed save kept as one more invalid draft): `80.000` and
`80 000` in a whole-number or fee column are 80000, «Có»/«Không» are yes/no; an uploaded
`.dmn` stays strict, and what is ambiguous (`80.5` in a column of whole numbers) is still
refused by the check."""

from __future__ import annotations

from bpmn.dmn_typed import plain_amounts, typed_amounts
from tests.unit.test_dmn_checks import GOOD, _check, _table


def _errors(dmn: str) -> list[str]:
    return [p.message for p in _check(dmn) if p.severity == "error"]


def test_a_fee_typed_with_dots_or_spaces_is_saved_as_the_amount_and_the_table_passes() -> None:
    rows = [("&lt; 100", "50.000", "Không"), ("100 &lt;= ? &lt; 500", "80 000", "không"),
            ("&gt;= 500", "1.500.000", "Có")]
    typed = typed_amounts(_table(rows))
    assert _errors(typed) == []
    assert "<text>50000</text>" in typed and "<text>80000</text>" in typed
    assert "<text>1500000</text>" in typed and "<text>True</text>" in typed
    assert typed.count("<text>False</text>") == 2


def test_an_uploaded_table_is_still_refused_and_an_ambiguous_amount_still_is() -> None:
    dotted = _table([GOOD[0], ("100 &lt;= ? &lt; 500", "80.000", "False"), GOOD[2]])
    assert any("viết 80000, không dùng dấu chấm" in m for m in _errors(dotted))
    half = typed_amounts(_table([GOOD[0], ("100 &lt;= ? &lt; 500", "80.5", "False"), GOOD[2]]))
    assert "<text>80.5</text>" in half
    assert any("cột kiểu số nguyên chỉ nhận số nguyên" in m for m in _errors(half))


def test_a_decimal_column_keeps_its_dots_and_quoted_text_is_left_alone() -> None:
    area = _table([("&lt; 1.500", "50000", "False"), ("&gt;= 1.500", "75000", "True")])
    assert "&lt; 1.500" in typed_amounts(area)  # a number column: 1.5 or 1500? the check asks
    assert plain_amounts('"80.000" or 80.000') == '"80.000" or 80000'
    assert plain_amounts("80.00") == "80.00" and plain_amounts("1,234.000") == "1,234.000"


def test_a_table_with_nothing_to_read_or_that_does_not_parse_comes_back_as_it_was() -> None:
    good = _table(GOOD)
    assert typed_amounts(good) is good
    assert typed_amounts("<definitions") == "<definitions"


def test_a_read_table_keeps_its_declaration_and_lines() -> None:
    written = _table([GOOD[0], ("100 &lt;= ? &lt; 500", "80.000", "False"), GOOD[2]])
    typed = typed_amounts(written)
    assert typed.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<definitions')
    assert typed.count("\n") == written.count("\n")
