"""Decision table cells in words, as a reviewer reads a table they do not edit: yes/no as
«Có»/«Không», ranges as «từ 100 đến dưới 500», one-sided comparisons as «dưới 100» /
«từ 500 trở lên», FEEL intervals too, lists with «hoặc», fees as «80.000 đồng»; a cell that is
an expression stays as written, its `?` named."""

from __future__ import annotations

import pytest

from bpmn.dmn_table import Column, Row, Table
from bpmn.table_words import condition_sentence, condition_words, table_in_words, value_words


@pytest.mark.parametrize(("cell", "words"), [
    ("< 100", "dưới 100"),
    ("? < 100", "dưới 100"),
    ("100 <= ? < 500", "từ 100 đến dưới 500"),
    ("100 < ? <= 500", "trên 100 đến 500"),
    ("[100..500[", "từ 100 đến dưới 500"),
    ("]100..500]", "trên 100 đến 500"),
    (">= 500", "từ 500 trở lên"),
    ("> 1500000", "trên 1.500.000"),
    ("<= 20", "không quá 20"),
    ("!= \"IV\"", "khác «IV»"),
    ("? in [\"III\", \"IV\"]", "«III» hoặc «IV»"),
    ("True", "Có"),
    ("False", "Không"),
    ("\"III\"", "«III»"),
    ("2.5", "2,5"),
    ("-", ""),
    ("", ""),
    ("? * 2 > 10", "«Diện tích» * 2 > 10"),
])
def test_a_condition_cell_in_words(cell: str, words: str) -> None:
    assert condition_words(cell, "Diện tích") == words


def test_a_condition_with_its_column_for_a_sentence() -> None:
    assert condition_sentence("< 100", "Diện tích") == "«Diện tích» dưới 100"
    assert condition_sentence("True", "Nộp thay") == "«Nộp thay» là Có"
    assert condition_sentence("-", "Nộp thay") == ""


def test_fees_are_said_in_dong_and_yes_no_in_words() -> None:
    assert value_words("80000", money=True) == "80.000 đồng"
    assert value_words("80000") == "80.000"
    assert value_words("False") == "Không"


def test_a_table_to_show_read_only() -> None:
    table = Table(file="le_phi.dmn", decision="le_phi", name="Lệ phí", line=None,
                  hit_policy="UNIQUE",
                  inputs=(Column("Tổng diện tích sàn (m²)", "dien_tich", "number"),),
                  outputs=(Column("Lệ phí (đồng)", "le_phi", "integer"),
                           Column("Cần lấy ý kiến PCCC", "pccc", "boolean")),
                  rows=(Row(1, None, ("< 100",), ("50000", "False")),
                        Row(2, None, ("-",), ("150000", "True"))))
    shown = table_in_words(table)
    assert shown["name"] == "Lệ phí" and shown["file"] == "le_phi.dmn"
    assert shown["rows"] == [{"when": ["dưới 100"], "then": ["50.000 đồng", "Không"]},
                             {"when": ["Mọi giá trị"], "then": ["150.000 đồng", "Có"]}]
