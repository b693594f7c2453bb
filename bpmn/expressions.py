"""The safe expression language of gateway conditions and timer expressions.

Designers write conditions such as ``quyet_dinh == "dong_y" and dien_tich <= 250``.
They are parsed with Python's `ast` module and walked by a small interpreter that
knows an explicit allow-list of node types; nothing is ever handed to `eval` or
`exec`. What the language has:

- names: form fields of the dossier's data (a missing field is ``None``);
- ``a.b`` and ``a["b"]``: a key of a nested object (never a Python attribute);
- literals: strings, numbers, ``True``/``False``/``None``, lists and tuples;
- ``and``, ``or``, ``not``, comparisons (``== != < <= > >= in not in``), chained;
- ``+ - * / // %`` on numbers (``+`` also joins short strings), unary ``-``/``+``;
- ``x if cond else y``;
- the functions in `FUNCTIONS` (``len``, ``lower``, ``upper``, ``strip``, ``abs``,
  ``min``, ``max``, ``round``, ``int``, ``float``, ``str``).

Timer expressions may also be a bare ISO-8601 duration or instant (``P2D``,
``PT4H``, ``2026-01-02T08:00:00+07:00``), taken as that literal text.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_LENGTH = 2000
MAX_NODES = 300
MAX_STRING = 10_000
MAX_NUMBER = 10**15

_ISO_LITERAL = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)$"
)


class ExpressionError(ValueError):
    """An expression was refused, at parse time or while evaluating; message in Vietnamese."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ExpressionError("Hàm này chỉ nhận chuỗi ký tự.")
    return value


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError("Phép tính này chỉ nhận số.")
    return value


def _to_int(value: Any) -> int:
    if isinstance(value, str) and len(value) > 30:
        raise ExpressionError("Chuỗi quá dài để đổi sang số.")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ExpressionError(f"Không đổi được {value!r} sang số nguyên.") from exc


def _to_float(value: Any) -> float:
    if isinstance(value, str) and len(value) > 30:
        raise ExpressionError("Chuỗi quá dài để đổi sang số.")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ExpressionError(f"Không đổi được {value!r} sang số thực.") from exc


def _to_str(value: Any) -> str:
    if not isinstance(value, str | int | float | bool) and value is not None:
        raise ExpressionError("Chỉ đổi được số, chuỗi hoặc giá trị đúng/sai sang chuỗi.")
    return str(value)


def _length(value: Any) -> int:
    if not isinstance(value, str | list | tuple | dict):
        raise ExpressionError("len() chỉ nhận chuỗi, danh sách hoặc đối tượng.")
    return len(value)


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def call(*values: Any) -> Any:
        items = values[0] if len(values) == 1 and isinstance(values[0], list | tuple) else values
        if not items:
            raise ExpressionError("min()/max() cần ít nhất một giá trị.")
        return pick(_number(v) for v in items)

    return call


FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "len": _length,
    "lower": lambda s: _text(s).lower(),
    "upper": lambda s: _text(s).upper(),
    "strip": lambda s: _text(s).strip(),
    "abs": lambda n: abs(_number(n)),
    "min": _extreme(min),
    "max": _extreme(max),
    "round": lambda n, digits=0: round(_number(n), int(_number(digits))),
    "int": _to_int,
    "float": _to_float,
    "str": _to_str,
}

_BINARY: Mapping[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}

_COMPARE: Mapping[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

_ALLOWED: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple,
    ast.Attribute, ast.Subscript, ast.Call, ast.IfExp,
    *_BINARY, *_COMPARE,
)


@dataclass(frozen=True)
class Expression:
    """A checked expression, ready to evaluate over a dossier's data."""

    source: str
    tree: ast.Expression | None
    names: frozenset[str]

    @property
    def is_literal(self) -> bool:
        """True for a bare ISO-8601 duration or instant (timer expressions)."""
        return self.tree is None

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        """Evaluate over `data` (form fields); raises `ExpressionError`, never anything else."""
        if self.tree is None:
            return self.source.strip()
        try:
            return _Interpreter(data).visit(self.tree.body)
        except ExpressionError:
            raise
        except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
            raise ExpressionError(f"Lỗi khi tính biểu thức '{self.source}': {exc}") from exc


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> Expression:
    """Parse and check `source` against the allow-list; raises `ExpressionError`."""
    text = source.strip()
    if not text:
        raise ExpressionError("Biểu thức rỗng.")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"Biểu thức quá dài (tối đa {MAX_LENGTH} ký tự).")
    if _ISO_LITERAL.match(text):
        return Expression(text, None, frozenset())
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"Biểu thức sai cú pháp: {exc.msg}", exc.offset) from exc
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"Biểu thức quá phức tạp (tối đa {MAX_NODES} phần tử).")
    names: set[str] = set()
    for node in nodes:
        _check_node(node)
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in _CONSTANTS:
            names.add(node.id)
    return Expression(text, tree, frozenset(names))


_CONSTANTS = {"True": True, "False": False, "None": None}


def _check_node(node: ast.AST) -> None:
    column = getattr(node, "col_offset", None)
    if not isinstance(node, _ALLOWED):
        raise ExpressionError(
            f"Không cho phép cú pháp '{type(node).__name__}' trong biểu thức.", column
        )
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise ExpressionError(f"Tên '{node.id}' không được bắt đầu bằng '_'.", column)
    if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
        raise ExpressionError(f"Không được truy cập thuộc tính '{node.attr}'.", column)
    if isinstance(node, ast.Constant) and not isinstance(
        node.value, str | int | float | bool | type(None)
    ):
        raise ExpressionError("Chỉ cho phép hằng là chuỗi, số, True, False, None.", column)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExpressionError(
                "Chỉ được gọi các hàm: " + ", ".join(sorted(FUNCTIONS)) + ".", column
            )
        if node.keywords:
            raise ExpressionError("Không dùng tham số có tên khi gọi hàm.", column)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        raise ExpressionError("Không cho phép cắt chuỗi/danh sách.", column)


class _Interpreter:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def visit(self, node: ast.AST) -> Any:
        method: Callable[[Any], Any] = getattr(self, "visit_" + type(node).__name__)
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise ExpressionError(f"'{node.id}' là hàm, cần gọi với dấu ngoặc.")
        return self.data.get(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        return _member(self.visit(node.value), node.attr)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        return _member(self.visit(node.value), self.visit(node.slice))

    def visit_List(self, node: ast.List) -> list[Any]:
        return [self.visit(e) for e in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.visit(e) for e in node.elts)

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        result: Any = None
        for value in node.values:
            result = self.visit(value)
            if isinstance(node.op, ast.And) and not result:
                return result
            if isinstance(node.op, ast.Or) and result:
                return result
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        number = _number(value)
        return -number if isinstance(node.op, ast.USub) else +number

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > MAX_STRING:
                raise ExpressionError("Chuỗi kết quả quá dài.")
            return left + right
        result = _BINARY[type(node.op)](_number(left), _number(right))
        if abs(result) > MAX_NUMBER:
            raise ExpressionError("Kết quả phép tính vượt giới hạn.")
        return result

    def visit_Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if isinstance(op, ast.In | ast.NotIn) and not isinstance(
                right, str | list | tuple | dict
            ):
                raise ExpressionError("Vế phải của 'in' phải là chuỗi hoặc danh sách.")
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)  # guaranteed by _check_node
        args = [self.visit(a) for a in node.args]
        return FUNCTIONS[node.func.id](*args)


def _member(container: Any, key: Any) -> Any:
    """A key of a nested object or an index of a list: plain data only, never attributes."""
    if isinstance(container, Mapping):
        return container.get(key) if isinstance(key, str) else None
    if isinstance(container, list | tuple):
        if isinstance(key, int) and not isinstance(key, bool) and -len(container) <= key < len(
            container
        ):
            return container[key]
        return None
    if container is None:
        return None
    raise ExpressionError("Chỉ truy cập được trường của đối tượng hoặc phần tử của danh sách.")
