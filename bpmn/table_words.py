"""A decision table's cells in words, as designers, reviewers and approvers read a table they
do not edit (the version's page, the comparison): «Có»/«Không» for True/False, ranges
«từ 100 đến dưới 500», «dưới 100», «từ 500 trở lên» for `100 <= ? < 500`, `[100..500[`,
`< 100`, `>= 500`, a list ««III» hoặc «IV»», an amount «80.000» — «80.000 đồng» in a fee
column. A cell this module cannot say is shown as written, `?` replaced by the column's name.
Pure: works on `bpmn.dmn_table.Table`."""

from __future__ import annotations

import re
from typing import Any

from bpmn.dmn_table import Column, Table

FEE_OUTPUT = "le_phi"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_QUOTED = re.compile(r"^(['\"])(.*)\1$", re.DOTALL)
_VALUE = r"(-?\d+(?:\.\d+)?|\"[^\"]*\"|'[^']*')"
# `a <= ? < b` (also with `<` / `<=` on either side)
_BETWEEN = re.compile(rf"^{_VALUE}\s*(<=?)\s*\?\s*(<=?)\s*{_VALUE}$")
# FEEL's `[a..b[`, `]a..b]`, `[a..b]`, `(a..b)`
_INTERVAL = re.compile(rf"^([\[\](])\s*{_VALUE}\s*\.\.\s*{_VALUE}\s*([\[\])])$")
_COMPARISON = ("<=", ">=", "!=", "==", "<", ">")
_ONE_SIDE = {"<": "dưới {}", "<=": "không quá {}", ">": "trên {}", ">=": "từ {} trở lên",
             "!=": "khác {}", "==": "{}"}
_LOW = {"<=": "từ {}", "<": "trên {}"}
_HIGH = {"<": "đến dưới {}", "<=": "đến {}"}
_LIST = re.compile(r"^\?\s+in\s+\[(.*)\]$")
_ITEM = re.compile(rf"\s*{_VALUE}(?:\s*,\s*{_VALUE})*\s*")


def is_money(column: Column) -> bool:
    """A fee output (`le_phi`, `le_phi_2`, not a text column): its amounts are đồng."""
    fee = column.text == FEE_OUTPUT or column.text.startswith(FEE_OUTPUT + "_")
    return fee and column.type_ref != "string"


def value_words(cell: str, *, money: bool = False) -> str:
    """One value as read: 50000 → 50.000 (50.000 đồng for money), True → Có, "a" → «a»."""
    text = cell.strip()
    if text in ("True", "true"):
        return "Có"
    if text in ("False", "false"):
        return "Không"
    if _NUMBER.match(text):
        whole, _, fraction = text.partition(".")
        grouped = f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")
        return f"{grouped} đồng" if money else grouped
    quoted = _QUOTED.match(text)
    if quoted:
        return f"«{quoted.group(2)}»"
    return text or "(trống)"


def condition_words(cell: str, label: str = "", *, money: bool = False) -> str:
    """An input cell as words: "" for any value (`-` or empty), else «dưới 100»,
    «từ 100 đến dưới 500», «Có», «khác «IV»»…; what it cannot say, as written."""
    return _words(cell, label, money)[0]


def condition_sentence(cell: str, label: str, *, money: bool = False) -> str:
    """An input cell with its column, for a sentence: «Diện tích» dưới 100, «Hạng» là «III»
    hoặc «IV»; "" for any value."""
    words, plain = _words(cell, label, money)
    if not words or not plain:
        return words
    compared = words.startswith(("dưới ", "không quá ", "trên ", "từ ", "khác "))
    return f"«{label}» {words}" if compared else f"«{label}» là {words}"


def _words(cell: str, label: str, money: bool) -> tuple[str, bool]:
    """(the cell in words, whether it was said in words rather than shown as written)."""
    text = " ".join(cell.split())
    if text in ("", "-"):
        return "", True

    def said(value: str) -> str:
        return value_words(value, money=money)

    ranged = _BETWEEN.match(text)
    interval = _INTERVAL.match(text)
    if ranged:
        low, low_op, high_op, high = ranged.groups()
        return f"{_LOW[low_op].format(said(low))} {_HIGH[high_op].format(said(high))}", True
    if interval:
        opening, low, high, closing = interval.groups()
        low_op, high_op = ("<=" if opening == "[" else "<"), ("<=" if closing == "]" else "<")
        return f"{_LOW[low_op].format(said(low))} {_HIGH[high_op].format(said(high))}", True
    listed = _LIST.match(text)
    if listed and _ITEM.fullmatch(listed.group(1)):
        return " hoặc ".join(said(item) for item in re.findall(_VALUE, listed.group(1))), True
    if text.startswith("?") and text[1:].strip().startswith(_COMPARISON):
        text = text[1:].strip()  # `? < 100` reads as `< 100`
    operator = next((op for op in _COMPARISON if text.startswith(op)), "==")
    rest = text[len(operator):].strip() if text.startswith(operator) else text
    if _NUMBER.match(rest) or _QUOTED.match(rest) or rest in ("True", "False", "true", "false"):
        return _ONE_SIDE[operator].format(said(rest)), True
    return text.replace("?", f"«{label}»" if label else "giá trị"), False


def table_in_words(table: Table) -> dict[str, Any]:
    """A table to show read-only: its name, the file it is in, how a row is chosen, the
    columns by their labels and each row's conditions and results in words («Mọi giá trị»
    for a condition left open)."""
    return {
        "name": table.name or table.decision, "file": table.file,
        "policy": ("Dòng đầu tiên khớp được dùng" if table.hit_policy == "FIRST"
                   else "Mỗi hồ sơ khớp đúng một dòng"),
        "inputs": [c.label or c.text for c in table.inputs],
        "outputs": [c.label or c.text for c in table.outputs],
        "rows": [{"when": [condition_words(cell, c.label or c.text) or "Mọi giá trị"
                           for c, cell in zip(table.inputs, row.inputs, strict=False)],
                  "then": [value_words(cell, money=is_money(c))
                           for c, cell in zip(table.outputs, row.outputs, strict=False)]}
                 for row in table.rows],
    }
