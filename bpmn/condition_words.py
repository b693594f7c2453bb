"""A flow's condition in words, for a designer reading what changed:
`ket_qua_kiem_tra == "tiep_nhan"` → «Kết quả kiểm tra» là «Tiếp nhận hồ sơ». Fields by their
title (forms and decision tables' outputs), choices by their title, True/False as Có/Không.
A condition of another shape than comparisons joined by and/or/not is given as written.
Pure: reads the text with Python's parser only (nothing is evaluated)."""

from __future__ import annotations

import ast
from typing import Any

OPERATORS = {ast.Eq: "là", ast.NotEq: "không phải", ast.Lt: "nhỏ hơn", ast.LtE: "không quá",
             ast.Gt: "lớn hơn", ast.GtE: "từ", ast.In: "là một trong", ast.NotIn: "không thuộc"}


class _Unsaid(Exception):
    """A part of the condition this module does not put in words."""


def condition_words(text: str, fields: dict[str, dict[str, Any]]) -> str:
    """The condition in words; `fields` maps a dotted field path to its schema (title,
    oneOf choices). The text as written when it is not a simple comparison."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _said(tree.body, fields)
    except (SyntaxError, ValueError, _Unsaid, RecursionError):
        return text.strip()


def _path(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_path(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
            and isinstance(node.slice.value, str):
        return f"{_path(node.value)}.{node.slice.value}"
    raise _Unsaid


def _title(path: str, fields: dict[str, dict[str, Any]]) -> str:
    spec = fields.get(path)
    if spec is None:
        raise _Unsaid  # a name no form has: the designer's own text says it best
    return f"«{spec.get('title') or path}»"


def _value(node: ast.AST, spec: dict[str, Any]) -> str:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return ", ".join(_value(item, spec) for item in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
            and isinstance(node.operand, ast.Constant):
        return "-" + _value(node.operand, spec)
    if not isinstance(node, ast.Constant):
        raise _Unsaid
    value = node.value
    if value is None:
        return "trống"
    if isinstance(value, bool):
        return "«Có»" if value else "«Không»"
    if isinstance(value, int | float):
        return f"{value:,}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if not isinstance(value, str):
        raise _Unsaid
    for option in spec.get("oneOf") or spec.get("anyOf") or []:
        if isinstance(option, dict) and option.get("const") == value:
            return f"«{option.get('title') or value}»"
    return f"«{value}»"


def _said(node: ast.AST, fields: dict[str, dict[str, Any]]) -> str:
    if isinstance(node, ast.BoolOp):
        joiner = " và " if isinstance(node.op, ast.And) else " hoặc "
        return joiner.join(_part(value, fields) for value in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"không phải ({_said(node.operand, fields)})"
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        operator = OPERATORS.get(type(node.ops[0]))
        if operator is None:
            raise _Unsaid
        path = _path(node.left)
        spec = fields.get(path, {})
        said = f"{_title(path, fields)} {operator} {_value(node.comparators[0], spec)}"
        return f"{said} trở lên" if isinstance(node.ops[0], ast.GtE) else said
    if isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
        return f"{_title(_path(node), fields)} là «Có»"
    raise _Unsaid


def _part(node: ast.AST, fields: dict[str, dict[str, Any]]) -> str:
    said = _said(node, fields)
    return f"({said})" if isinstance(node, ast.BoolOp) else said
