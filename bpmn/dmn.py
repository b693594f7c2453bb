"""Decision tables (DMN) of a package: read them, and check them statically the way
gateway conditions are checked, before any dossier meets them.

A business rule task (`bpmn:businessRuleTask` with `spiffworkflow:calledDecisionId`)
runs one decision table of a `.dmn` file at the top of the package. SpiffWorkflow's DMN
engine evaluates every cell through the process's script engine, which in motcua is the
safe evaluator (`bpmn.expressions`): a cell is never given to Python's `eval`.

What a table may hold (and what `check_decisions` proves before upload):
- hit policy `UNIQUE` (at most one row matches: overlaps refused) or `FIRST` (the first
  row matching wins); every combination of sample values must match a row (no gaps);
- an input expression is a form field (`cong_trinh.dien_tich_xay_dung`) or arithmetic
  on fields, filled in by forms completed on every path to the task, of the column's type;
  or a field the applicant may leave empty with what to take instead, in the one shape
  `x if x != None else <field or arithmetic>` (the declared total floor area, else
  ground floor × floors): the fallback reads required fields only;
- an input cell is empty or `-` (any value), a value (`100`, `"III"`, `True`), a
  comparison (`< 100`, `>= 250`, `!= "IV"`), or a test on `?`, the input
  (`100 <= ? < 250`, `? in ["III", "IV"]`), comparing with values of the column's type;
- an output cell is a value of the output's type; every output has a name a condition
  of the diagram (or a fee of procedure.json) reads.
The sample values of a column are the values its cells name, either side of each
(± 1 for integers, ± 0.001 otherwise), the form field's bounds and choices.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable
from copy import deepcopy
from typing import Any

from lxml import etree

from bpmn.dmn_table import (
    HIT_POLICIES,
    INPUT,
    INTEGERS,
    MAX_COMBINATIONS,
    OTHER_TEXT,
    OUTPUT_NAME,
    Column,
    Table,
    Where,
    cell_test,
    decision_of,
    dmn_files,
    kind_of_ref,
    kind_of_schema,
    kind_of_value,
    number_refused,
    output_forms,
    read_tables,
)
from bpmn.expressions import ExpressionError, compile_expression
from bpmn.flow_checks import NS, FormFields, _completed_forms, _field, _path, line_of, scopes_of
from bpmn.optional_fields import surely_filled
from bpmn.problems import Problem, Report
from bpmn.words import type_words

__all__ = [
    "cell_test",
    "check_decisions",
    "dmn_files",
    "fee_sources",
    "names_read",
    "output_forms",
    "read_tables",
]


def check_decisions(
    tables: dict[str, tuple[Table, etree._Element]],
    diagrams: Iterable[tuple[str, etree._Element]],
    fields: FormFields,
    read_names: set[str],
    report: Report,
    fees: Iterable[str] = (),
) -> None:
    """Check each table against the business rule tasks calling it: the fields its inputs
    read, the types of its cells, the names of its outputs, overlaps and gaps; and that
    each fee taken from a decision (`fees[].from` of procedure.json) names an output."""
    called: set[str] = set()
    for name, root in diagrams:
        for scope in scopes_of(name, root):
            ready: dict[str, set[str]] | None = None
            for node, kind in scope.kinds.items():
                if kind != "businessRuleTask":
                    continue
                element = scope.elements[node]
                ref = decision_of(element)
                if not ref or ref not in tables:
                    report.add(
                        Problem(
                            "dmn.missing",
                            f"Tác vụ luật nghiệp vụ '{node}' gọi bảng "
                            f"quyết định '{ref or ''}' không có trong gói (tệp .dmn).",
                            name,
                            line_of(element),
                            node,
                        )
                    )
                    continue
                if ready is None:
                    ready = _completed_forms(scope, fields)
                if ref not in called:
                    called.add(ref)
                    _check_table(tables[ref][0], fields, ready.get(node, set()), read_names, report)
    outputs = {o.text for table, _ in tables.values() for o in table.outputs}
    for fee in fees:
        if fee not in outputs:
            report.add(
                Problem(
                    "dmn.fee_source",
                    f"Lệ phí lấy số tiền từ '{fee}', nhưng không bảng "
                    "quyết định nào của gói có kết quả tên đó.",
                    "procedure.json",
                    element=f"fees.{fee}",
                )
            )
    for ref, (table, _) in tables.items():
        if ref not in called:
            Where(report, table)(
                "dmn.unused", "không tác vụ luật nghiệp vụ nào gọi bảng này.", severity="warning"
            )


def _check_table(
    table: Table, fields: FormFields, ready: set[str], read_names: set[str], report: Report
) -> None:
    where = Where(report, table)
    if table.hit_policy not in HIT_POLICIES:
        where(
            "dmn.hit_policy",
            f"cách chọn dòng '{table.hit_policy}' không được hỗ trợ; dùng «Đúng một dòng "
            "khớp» (UNIQUE) hoặc «Dòng đầu tiên khớp» (FIRST).",
        )
        return
    if not table.inputs or not table.outputs or not table.rows:
        where("dmn.empty", "bảng cần ít nhất một cột điều kiện, một cột kết quả và một dòng.")
        return
    errors = len(report.errors)
    schemas = [_input_schema(where, column, fields, ready) for column in table.inputs]
    _check_outputs(where, table, read_names)
    tests = _check_cells(where, table, schemas)
    if tests is not None and len(report.errors) == errors:
        _check_coverage(where, table, schemas, tests)


def undecided_as_tasks(root: etree._Element, decisions: list[etree._Element]) -> etree._Element:
    """`root` itself, or a copy whose business rule tasks calling a decision none of
    `decisions` holds are plain tasks: SpiffWorkflow parses the rest of the diagram (a bare
    `.bpmn`), and `check_decisions` names the missing table in Vietnamese (a package)."""
    known = {d.get("id") for r in decisions for d in r.iterfind("{*}decision")}
    missing = [t for t in root.iterfind(".//bpmn:businessRuleTask", NS) if decision_of(t) not in known]
    if not missing:
        return root
    copy = deepcopy(root)
    for task in copy.iterfind(".//bpmn:businessRuleTask", NS):
        if decision_of(task) not in known:
            task.tag = f"{{{NS['bpmn']}}}task"
    return copy


def inputs_grouped(root: etree._Element) -> etree._Element:
    """A copy of a `.dmn` root whose input expressions are each in parentheses.

    SpiffWorkflow tests a cell such as ``< 100`` on the text ``input_expr + " < 100"``:
    ``x if x != None else a * b < 100`` would compare only the fallback and return ``x``
    (true) as the row's match. In parentheses the whole input is compared."""
    copy = deepcopy(root)
    for text in copy.iterfind(".//{*}inputExpression/{*}text"):
        if source := (text.text or "").strip():
            text.text = f"({source})"
    return copy


def fee_sources(manifest: dict[str, Any] | None) -> list[str]:
    """The decision outputs fees of procedure.json take their amount from."""
    return [
        str(f["from"]) for f in (manifest or {}).get("fees") or [] if isinstance(f, dict) and f.get("from")
    ]


def names_read(roots: Iterable[etree._Element], manifest: dict[str, Any] | None) -> set[str]:
    """The names gateway conditions read, and the variables fees are taken from."""
    found = set(fee_sources(manifest))
    for root in roots:
        for node in root.iterfind(".//bpmn:conditionExpression", NS):
            try:
                found |= compile_expression((node.text or "").strip()).names
            except ExpressionError:
                continue
    return found


def _input_schema(where: Where, column: Column, fields: FormFields, ready: set[str]) -> dict[str, Any] | None:
    """The form field schema of an input (a path), {"type": "number"} for arithmetic."""
    label = column.label or column.text
    try:
        expression = compile_expression(column.text)
    except ExpressionError as exc:
        where("dmn.input", f"biểu thức của cột «{label}» bị từ chối: {exc.message}")
        return None
    guarded, computed = _fallback(expression.tree.body) if expression.tree is not None else (None, None)
    if computed is None or any(
        isinstance(n, ast.BoolOp | ast.Compare | ast.IfExp | ast.Not) for n in ast.walk(computed)
    ):
        where(
            "dmn.input",
            f"cột «{label}» phải là một trường của biểu mẫu hoặc một phép tính "
            "trên các trường, không phải một điều kiện (một trường có thể bỏ trống thì "
            "viết «x if x != None else phép tính thay thế»).",
        )
        return None
    schema: dict[str, Any] | None = None
    if guarded is not None:
        schema = _field(fields.forms, ready, guarded)
        if schema is None:
            where("dmn.unknown_field", f"cột «{label}» đọc trường '{'.'.join(guarded)}' "
                                       "không có trong biểu mẫu nào được hoàn thành trước tác vụ.")
            return None
    paths = [
        p
        for n in ast.walk(computed)
        if (p := _path(n)) is not None and isinstance(n, ast.Name | ast.Attribute | ast.Subscript)
    ]
    top = [p for p in paths if not any(len(q) > len(p) and q[: len(p)] == p for q in paths)]
    fallback: dict[str, Any] | None = None
    for path in top:
        if path[0] in ("True", "False", "None"):
            continue
        found = _field(fields.forms, ready, path)
        if found is None:
            elsewhere = [f for f in sorted(set(fields.forms) - ready) if _field(fields.forms, {f}, path)]
            reason = (
                (
                    f"chỉ có trong biểu mẫu {', '.join(elsewhere)}, không được hoàn thành trên "
                    "mọi đường đến tác vụ"
                )
                if elsewhere
                else "không có trong biểu mẫu nào được hoàn thành trước tác vụ"
            )
            where("dmn.unknown_field", f"cột «{label}» đọc trường '{'.'.join(path)}' {reason}.")
            return None
        if not surely_filled(fields.forms, ready, path):
            where("dmn.optional_field", f"cột «{label}» đọc trường «{found.get('title') or '.'.join(path)}» "
                  "không bắt buộc: hồ sơ bỏ trống trường này thì bảng không quyết định được và quy "
                  "trình dừng. Hãy đặt trường là bắt buộc trong biểu mẫu, hoặc cho giá trị thay "
                  "thế khi bỏ trống: «x if x != None else …».")
            return None
        fallback = found
    if not isinstance(computed, ast.Name | ast.Attribute | ast.Subscript):
        fallback = {"type": "number"}
    if schema is None:
        schema = fallback
    elif kind_of_schema(fallback) != kind_of_schema(schema):
        where("dmn.type", f"cột «{label}»: giá trị thay thế khi trường '{'.'.join(guarded or [])}' bỏ "
                          f"trống có kiểu «{type_words(kind_of_schema(fallback) or '')}», khác kiểu "
                          f"«{type_words(kind_of_schema(schema) or '')}» của trường.")
    wanted = kind_of_ref(column.type_ref)
    have = kind_of_schema(schema)
    if wanted and have and wanted != have:
        where("dmn.type", f"cột «{label}» có kiểu «{type_words(column.type_ref)}» nhưng trường là "
                          f"kiểu «{type_words(have)}».")
    return schema


def _fallback(body: ast.expr) -> tuple[list[str] | None, ast.expr | None]:
    """An input read as it stands: (None, body); `x if x != None else y`: (x's path, y);
    another conditional shape: (None, None), refused."""
    if not isinstance(body, ast.IfExp):
        return None, body
    test, value = body.test, _path(body.body)
    if (value is not None and isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.NotEq) and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None and _path(test.left) == value
            and value[0] not in ("True", "False", "None")):
        return value, body.orelse
    return None, None


def _check_outputs(where: Where, table: Table, read_names: set[str]) -> None:
    for column in table.outputs:
        label = column.label or column.text
        if not OUTPUT_NAME.match(column.text):
            where(
                "dmn.output_name",
                f"cột kết quả «{label}» cần tên biến viết thường không dấu "
                "(chữ, số, gạch dưới), ví dụ le_phi.",
            )
        elif column.text not in read_names:
            where(
                "dmn.output_unused",
                f"kết quả '{column.text}' không được điều kiện nào của sơ "
                "đồ hay lệ phí nào của procedure.json dùng đến.",
                severity="warning",
            )
    for row in table.rows:
        if len(row.outputs) != len(table.outputs):
            where("dmn.row_shape", "số ô kết quả khác số cột kết quả.", row)
            continue
        for column, cell in zip(table.outputs, row.outputs, strict=True):
            label = column.label or column.text
            refused = number_refused(cell, [], False)
            if refused:
                where("dmn.number", f"ô «{label}» = {cell[:60]}: {refused}.", row)
                continue
            try:
                expression = compile_expression(cell)
                if expression.tree is None or expression.names:
                    raise ExpressionError("ô kết quả phải là một giá trị cố định")
                value = expression.evaluate({})
            except ExpressionError as exc:
                where("dmn.output", _whole_number_wanted(label, cell) if column.type_ref in INTEGERS
                      else f"ô «{label}» ('{cell[:60]}') không phải một giá trị (số, chuỗi "
                           f"trong ngoặc kép, True/False): {exc.message}", row)
                continue
            wanted, have = kind_of_ref(column.type_ref), kind_of_value(value)
            refused = number_refused("", [value], column.type_ref in INTEGERS)
            if refused:
                where("dmn.number", f"ô «{label}» = {cell[:60]}: {refused}.", row)
            elif wanted and have != wanted:
                where("dmn.output_type", _whole_number_wanted(label, cell)
                      if column.type_ref in INTEGERS else f"ô «{label}» = {cell[:60]} không phải "
                      f"kiểu «{type_words(column.type_ref)}» của cột.", row)


def _whole_number_wanted(label: str, cell: str) -> str:
    """What to write in a whole-number (amount) cell, with what was written."""
    return (f"ô «{label}» ghi «{cell[:60]}»: cột này nhận một số nguyên (số tiền là số đồng), "
            "viết bằng chữ số, nhóm nghìn bằng dấu chấm nếu muốn, ví dụ 50.000; không có phần lẻ.")


def _check_cells(where: Where, table: Table, schemas: list[dict[str, Any] | None]) -> list[list[Any]] | None:
    """Each input cell compiled as the test SpiffWorkflow runs; None when one is refused."""
    tests: list[list[Any]] = []
    ok = True
    for row in table.rows:
        if len(row.inputs) != len(table.inputs):
            where("dmn.row_shape", "số ô điều kiện khác số cột điều kiện.", row)
            ok = False
            continue
        compiled: list[Any] = []
        for column, schema, cell in zip(table.inputs, schemas, row.inputs, strict=True):
            label = column.label or column.text
            test = cell_test(cell)
            if test is None:
                compiled.append(None)
                continue
            if refused := number_refused(cell, [], False):
                where("dmn.number", f"ô «{label}» ('{cell[:60]}'): {refused}.", row)
                ok = False
                continue
            try:
                alone = ast.parse(cell.strip(), mode="eval").body if "?" not in cell else None
            except SyntaxError:
                alone = None
            try:
                if isinstance(alone, ast.Tuple):
                    raise ExpressionError('liệt kê nhiều giá trị bằng ? in ["a", "b"]')
                expression = compile_expression(test)
                if expression.names - {INPUT}:
                    raise ExpressionError("chỉ so sánh đầu vào (?) với giá trị cố định")
            except ExpressionError as exc:
                where("dmn.cell", f"ô «{label}» ('{cell[:60]}') bị từ chối: {exc.message}", row)
                ok = False
                continue
            wanted = kind_of_ref(column.type_ref) or kind_of_schema(schema)
            integer = column.type_ref in INTEGERS or (schema or {}).get("type") == "integer"
            refused = number_refused("", _constants(expression.tree), integer)
            if refused:
                where("dmn.number", f"ô «{label}» ('{cell[:60]}'): {refused}.", row)
                ok = False
            for value in _constants(expression.tree):
                if wanted and kind_of_value(value) not in (wanted, None):
                    where(
                        "dmn.cell_type",
                        f"ô «{label}» so sánh với {value!r}, không phải kiểu «{type_words(wanted)}» "
                        "của cột.",
                        row,
                    )
                    ok = False
            compiled.append(expression)
        tests.append(compiled)
    return tests if ok else None


def _constants(tree: ast.AST | None) -> list[Any]:
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)] if tree else []


def _samples(column: Column, schema: dict[str, Any] | None, tests: list[Any]) -> list[Any]:
    kind = kind_of_ref(column.type_ref) or kind_of_schema(schema)
    values = {
        v for t in tests if t is not None for v in _constants(t.tree) if not isinstance(v, bool | type(None))
    }
    if kind == "boolean":
        return [True, False]
    choices = (schema or {}).get("enum")
    if isinstance(choices, list) and choices:
        return list(choices)
    if kind == "string" or any(isinstance(v, str) for v in values):
        return [*sorted(v for v in values if isinstance(v, str)), OTHER_TEXT]
    integer = (schema or {}).get("type") == "integer" or column.type_ref in ("integer", "long")
    step = 1 if integer else 0.001
    low = (schema or {}).get("minimum")
    above = (schema or {}).get("exclusiveMinimum")
    high = (schema or {}).get("maximum")
    numbers = {x for v in values for x in (v - step, v, v + step)} | {0, step}
    numbers |= {b for b in (low, high) if isinstance(b, int | float)}
    if isinstance(above, int | float):
        numbers.add(above + step)
    if not isinstance(high, int | float):
        numbers.add(max(numbers) * 10 + 1000)
    return sorted(
        n
        for n in numbers
        if (not isinstance(low, int | float) or n >= low)
        and (not isinstance(above, int | float) or n > above)
        and (not isinstance(high, int | float) or n <= high)
    )


def _shown(value: Any) -> str:
    if value is OTHER_TEXT:
        return "một giá trị khác"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def _check_coverage(
    where: Where, table: Table, schemas: list[dict[str, Any] | None], tests: list[list[Any]]
) -> None:
    """Try every combination of sample values: two rows matching (UNIQUE) is an overlap,
    no row matching a gap (a warning only when it needs "any other text")."""
    columns = list(zip(table.inputs, schemas, strict=True))
    samples = [_samples(c, s, [row[i] for row in tests]) for i, (c, s) in enumerate(columns)]
    total = 1
    for values in samples:
        total *= max(1, len(values))
    if total > MAX_COMBINATIONS:
        where(
            "dmn.too_many",
            f"bảng có quá nhiều tổ hợp giá trị để kiểm tra ({total}); tách thành nhiều bảng nhỏ hơn.",
            severity="warning",
        )
        return
    overlaps: set[tuple[int, int]] = set()
    gaps = 0
    for combo in itertools.product(*samples):
        matched = [table.rows[i] for i, row in enumerate(tests) if _matches(row, combo)]
        said = ", ".join(
            f"«{c.label or c.text}» = {_shown(v)}" for (c, _), v in zip(columns, combo, strict=True)
        )
        if not matched and gaps < 3:
            gaps += 1
            other = any(v is OTHER_TEXT for v in combo)
            where("dmn.gap", f"không dòng nào khớp khi {said}.", severity="warning" if other else "error")
        if table.hit_policy == "UNIQUE" and len(matched) > 1:
            pair = (matched[0].number, matched[1].number)
            if pair not in overlaps and len(overlaps) < 3:
                overlaps.add(pair)
                first = pair[0]
                catch_all = all(t is None for t in tests[first - 1])
                where(
                    "dmn.overlap",
                    f"trùng với dòng {first}: cả hai cùng khớp khi {said} "
                    "(cách chọn dòng «Đúng một dòng khớp»: mỗi hồ sơ chỉ khớp một dòng)."
                    + (f" Dòng {first} là dòng «Mọi giá trị» (ô điều kiện «-» khớp mọi hồ sơ): "
                       "xóa dòng đó hoặc đổi điều kiện của nó." if catch_all else ""),
                    matched[1],
                )


def _matches(row: list[Any], combo: tuple[Any, ...]) -> bool:
    for test, value in zip(row, combo, strict=True):
        if test is None:
            continue
        if value is OTHER_TEXT:
            value = "\u2063khác"  # a text no cell names
        try:
            if not test.evaluate({INPUT: value}):
                return False
        except ExpressionError:
            return False
    return True
