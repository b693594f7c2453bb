"""Fields that may be empty when the process reads them.

A form field the applicant or an officer may leave empty reaches a gateway condition or a
decision table as ``None``. Equality with it is simply false, but ordering it (``> 100``)
or computing with it (``* 2``) stops the run («Không so sánh thứ tự được giá trị rỗng»):
every dossier without the value would be stuck. So the checks refuse such a read unless
the field is surely filled — required at every level of the form that provides it — or the
expression tests it first (``x != None and x > 100``, ``x and x > 100``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

from bpmn.expressions import ExpressionError, compile_expression
from bpmn.flow_checks import NS, FormFields, Scope, _completed_forms, _field, _path, line_of
from bpmn.problems import Problem, Report

_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def check_condition_reads(scope: Scope, fields: FormFields, report: Report) -> None:
    """Each gateway condition orders or computes only with fields surely filled before
    its gateway, or tests them first."""
    ready = _completed_forms(scope, fields)
    for flow_id, flow in scope.flows.items():
        condition = flow.find("bpmn:conditionExpression", NS)
        source = flow.get("sourceRef", "")
        if condition is None or source not in scope.kinds:
            continue
        try:
            tree = compile_expression((condition.text or "").strip()).tree
        except ExpressionError:
            continue  # reported by the expression check
        before = ready.get(source, set())
        for path in unguarded_reads(tree) if tree is not None else []:
            schema = _field(fields.forms, before, path)
            if schema is None or surely_filled(fields.forms, before, path):
                continue  # an unknown field is reported by the condition check
            title = schema.get("title") or ".".join(path)
            report.add(Problem(
                "condition.optional_field",
                f"Điều kiện so sánh hoặc tính toán với trường «{title}» ('{'.'.join(path)}') "
                "không bắt buộc: hồ sơ bỏ trống trường này sẽ dừng ở cổng "
                f"'{source}'. Hãy đặt trường là bắt buộc trong biểu mẫu, hoặc kiểm tra trước: "
                f"«{'.'.join(path)} != None and …».",
                scope.file, line_of(condition), flow_id))


def surely_filled(forms: dict[str, dict[str, Any]], names: Iterable[str], path: list[str]) -> bool:
    """Whether one of the forms `names` has the field at `path` required at every level
    (a field asked only under a condition is not: it lives outside the top `required`)."""
    for name in sorted(names):
        schema: Any = forms.get(name, {})
        for part in path:
            required = schema.get("required") if isinstance(schema, dict) else None
            properties = schema.get("properties") if isinstance(schema, dict) else None
            if not isinstance(required, list) or part not in required or not isinstance(properties, dict):
                break
            schema = properties.get(part)
        else:
            return True
    return False


def unguarded_reads(tree: ast.AST) -> list[list[str]]:
    """The field paths `tree` orders or computes with, outside a test of that same field
    earlier in an ``and`` (in order of appearance, each once)."""
    found: dict[tuple[str, ...], None] = {}
    for path in _reads(tree, frozenset()):
        found.setdefault(tuple(path), None)
    return [list(p) for p in found]


def _reads(node: ast.AST, guarded: frozenset[tuple[str, ...]]) -> Iterator[list[str]]:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        for operand in node.values:
            yield from _reads(operand, guarded)
            guarded = guarded | _tested(operand)
        return
    operands: list[ast.expr] = []
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        for op, (left, right) in zip(node.ops, pairwise(sides), strict=True):
            if isinstance(op, _ORDERING):
                operands += [left, right]
    elif isinstance(node, ast.BinOp):
        operands = [node.left, node.right]
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operands = [node.operand]
    for operand in operands:
        path = _path(operand)
        if path is not None and path[0] not in ("True", "False", "None") and tuple(path) not in guarded:
            yield path
    for child in ast.iter_child_nodes(node):
        yield from _reads(child, guarded)


def _tested(node: ast.AST) -> frozenset[tuple[str, ...]]:
    """Fields an ``and`` operand proves filled when true: ``x``, ``x != None``."""
    path = _path(node)
    if path is not None:
        return frozenset({tuple(path)})
    if (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.NotEq)
            and isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value is None
            and (inner := _path(node.left)) is not None):
        return frozenset({tuple(inner)})
    return frozenset()
