"""What changed in a package's decision tables, in sentences a designer reads:
"Bảng quyết định «Lệ phí»: thêm dòng khi «Tổng diện tích sàn (m²)» dưới 100 → «Lệ phí (đồng)»
50.000 đồng" (cells in words: `bpmn.table_words`). Rows are matched by their conditions: a
row whose conditions are new is added, one whose conditions are gone is removed, one whose
conditions stay with other results changed. Pure: works on the stored package texts (path →
text), like `bpmn.diff`."""

from __future__ import annotations

from bpmn.dmn_table import Column, Row, Table, read_tables
from bpmn.package import Package
from bpmn.problems import Report
from bpmn.table_words import condition_sentence, is_money, value_words
from bpmn.words import type_words


def tables(texts: dict[str, str]) -> dict[str, Table]:
    """Every decision table of the package by decision id (unreadable files left out)."""
    files = {name: text.encode("utf-8") for name, text in texts.items()
             if "/" not in name and name.endswith(".dmn")}
    try:
        return {ident: table for ident, (table, _) in
                read_tables(Package("so-sanh", files), Report("so-sanh")).items()}
    except ValueError:
        return {}


def fee_tables(texts: dict[str, str]) -> dict[str, str]:
    """The name of the table that decides each output («le_phi» → «Lệ phí …»)."""
    return {column.text: table.name or table.decision
            for table in tables(texts).values() for column in table.outputs if column.text}


def fee_amounts(texts: dict[str, str], output: str) -> list[dict[str, str]]:
    """What the table deciding `output` (a fee's `from`) charges, row by row, as the citizen
    reads it: `{"amount": "50.000 đồng", "when": "«Tổng diện tích sàn (m²)» dưới 100"}`
    ("when" empty for a row open on every condition); [] when no table decides it."""
    for table in tables(texts).values():
        for index, column in enumerate(table.outputs):
            if column.text != output:
                continue
            return [{"amount": value_words(row.outputs[index], money=True),
                     "when": " và ".join(s for s in (
                         condition_sentence(cell, c.label or c.text)
                         for c, cell in zip(table.inputs, row.inputs, strict=False)) if s)}
                    for row in table.rows if index < len(row.outputs)]
    return []


def table_sentences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Tables added, removed, renamed, and each changed table's columns and rows."""
    old, new = tables(before), tables(after)
    said = [f"Thêm {new[i].title[0].lower()}{new[i].title[1:]} ({len(new[i].rows)} dòng)."
            for i in sorted(set(new) - set(old))]
    said += [f"Bỏ {old[i].title[0].lower()}{old[i].title[1:]}." for i in sorted(set(old) - set(new))]
    for ident in sorted(set(old) & set(new)):
        said += _changed(old[ident], new[ident])
    return said


def _changed(old: Table, new: Table) -> list[str]:
    what = new.title
    said = []
    if old.name != new.name:
        said.append(f"{what}: đổi tên từ «{old.name or old.decision}».")
    if old.hit_policy != new.hit_policy:
        said.append(f"{what}: " + ("nhiều dòng có thể cùng khớp, dùng dòng đầu tiên."
                                   if new.hit_policy == "FIRST" else "mỗi hồ sơ khớp đúng một dòng."))
    for kind, before, after in (("điều kiện", old.inputs, new.inputs),
                                ("kết quả", old.outputs, new.outputs)):
        names = {c.text for c in before}
        said += [f"{what}: thêm cột {kind} «{_label(c)}»." for c in after if c.text not in names]
        names = {c.text for c in after}
        said += [f"{what}: bỏ cột {kind} «{_label(c)}»." for c in before if c.text not in names]
        types = {c.text: c.type_ref for c in before}
        said += [f"{what}: cột {kind} «{_label(c)}» kiểu «{type_words(types[c.text])}» → "
                 f"«{type_words(c.type_ref)}»." for c in after
                 if c.text in types and types[c.text] != c.type_ref]
    if [c.text for c in old.inputs] != [c.text for c in new.inputs]:
        return [*said, f"{what}: các dòng viết lại theo cột mới ({len(new.rows)} dòng)."]
    old_rows = {row.inputs: row for row in old.rows}
    new_rows = {row.inputs: row for row in new.rows}
    for row in new.rows:
        before_row = old_rows.get(row.inputs)
        if before_row is None:
            said.append(f"{what}: thêm dòng {_when(new, row)} → {_then(new, row)}.")
        elif _results(old, before_row) != _results(new, row):
            said.append(f"{what}: dòng {_when(new, row)}: {_then(old, before_row)} → "
                        f"{_then(new, row)}.")
    said += [f"{what}: bỏ dòng {_when(old, row)} → {_then(old, row)}."
             for row in old.rows if row.inputs not in new_rows]
    return said


def _label(column: Column) -> str:
    return column.label or column.text


def _when(table: Table, row: Row) -> str:
    """"khi «Tổng diện tích sàn (m²)» < 100 và …", or "mọi trường hợp"."""
    parts = [_condition(_label(column), cell) for column, cell in zip(table.inputs, row.inputs,
                                                                      strict=False)]
    shown = [p for p in parts if p]
    return "khi " + " và ".join(shown) if shown else "cho mọi trường hợp"


def _condition(label: str, cell: str) -> str:
    return condition_sentence(cell, label)


def _results(table: Table, row: Row) -> dict[str, str]:
    return {column.text: cell for column, cell in zip(table.outputs, row.outputs, strict=False)}


def _then(table: Table, row: Row) -> str:
    return ", ".join(f"«{_label(column)}» {value_words(cell, money=is_money(column))}"
                     for column, cell in zip(table.outputs, row.outputs, strict=False))
