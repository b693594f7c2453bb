"""The starter row of a new table («Mọi giá trị»: `-` → 0) plus the rows the page suggests
(`< 100 → 50000`, `>= 100 → 100000`) overlap; the message names the starter row as such and
says what to do (designer's walk, finding 3: «trùng với dòng 1 … UNIQUE» left the designer
guessing that row 1 had to go)."""

from __future__ import annotations

from tests.unit.test_dmn_checks import _check, _table

SUGGESTED = [("&lt; 100", "50000", "False"), ("&gt;= 100", "100000", "True")]


def test_an_overlap_with_the_starter_row_names_it_and_says_to_delete_or_change_it() -> None:
    overlaps = [p.message for p in _check(_table([("-", "0", "False"), *SUGGESTED]))
                if p.code == "dmn.overlap"]
    assert len(overlaps) == 2
    for message in overlaps:
        assert "trùng với dòng 1" in message and "«Đúng một dòng khớp»" in message
        assert "Dòng 1 là dòng «Mọi giá trị» (ô điều kiện «-» khớp mọi hồ sơ): xóa dòng đó hoặc " \
               "đổi điều kiện của nó." in message


def test_without_the_starter_row_the_suggested_rows_pass_and_other_overlaps_say_nothing_of_it() -> None:
    assert [p for p in _check(_table(SUGGESTED)) if p.severity == "error"] == []
    rows = [("&lt;= 100", "50000", "False"), ("&gt;= 100", "100000", "True")]
    overlaps = [p.message for p in _check(_table(rows)) if p.code == "dmn.overlap"]
    assert overlaps and all("Mọi giá trị" not in m for m in overlaps)
