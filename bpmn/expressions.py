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

Every evaluation runs on a budget checked *before* each operation, so a designer's
condition can never make the server build a huge number or string: a count of
evaluated nodes and of items scanned, a size limit on the integers entering an
arithmetic operation, on ``round``'s precision, on the strings and lists an operation
reads, and on conversions. Parts of an expression that read no field are evaluated
once when it is compiled, so a package whose condition can only fail is refused at
upload rather than at a citizen's submission.
"""

from __future__ import annotations

import ast
import math
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
# What one evaluation may spend: nodes visited plus items scanned (by in, min, max, ==).
MAX_COST = 50_000
# Integers entering arithmetic, round, str or float: about 38 decimal digits.
MAX_INT_BITS = 128
# Lists read by in, min, max, len, or written as a literal.
MAX_ITEMS = 1_000
# Strings read by a function or by in (form text fields are far shorter).
MAX_TEXT = 100_000
# round(x, n): n in -15..15, the precision of a double.
MAX_ROUND_DIGITS = 15
# int("...") / float("..."): the longest text converted to a number.
MAX_NUMBER_TEXT = 30

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


def _too_big(message: str = "Biểu thức vượt giới hạn tính toán cho phép.") -> ExpressionError:
    return ExpressionError(message)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ExpressionError("Hàm này chỉ nhận chuỗi ký tự.")
    if len(value) > MAX_TEXT:
        raise _too_big(f"Chuỗi quá dài để xử lý (tối đa {MAX_TEXT} ký tự).")
    return value


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError("Phép tính này chỉ nhận số.")
    return value


def _operand(value: Any) -> int | float:
    """A number small enough to compute with: checked before the operation, never after."""
    number = _number(value)
    if isinstance(number, int) and number.bit_length() > MAX_INT_BITS:
        raise _too_big("Số quá lớn để tính toán (tối đa khoảng 38 chữ số).")
    return number


def _number_text(value: str) -> str:
    if len(value) > MAX_NUMBER_TEXT:
        raise _too_big(f"Chuỗi quá dài để đổi sang số (tối đa {MAX_NUMBER_TEXT} ký tự).")
    return value


def _to_int(value: Any) -> int:
    if isinstance(value, str):
        _number_text(value)
    elif isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        raise ExpressionError("Không đổi được giá trị vô hạn hoặc không xác định sang số nguyên.")
    elif isinstance(value, float) and abs(value) > MAX_NUMBER:
        raise _too_big("Số quá lớn để đổi sang số nguyên.")
    elif not isinstance(value, int | float):  # bool is an int: int(True) == 1
        raise ExpressionError(f"Không đổi được {_shown(value)} sang số nguyên.")
    try:
        return _checked_int(int(value))
    except (TypeError, ValueError, OverflowError) as exc:
        raise ExpressionError(f"Không đổi được {_shown(value)} sang số nguyên.") from exc


def _checked_int(value: int) -> int:
    if value.bit_length() > MAX_INT_BITS:
        raise _too_big("Số quá lớn để tính toán (tối đa khoảng 38 chữ số).")
    return value


def _to_float(value: Any) -> float:
    if isinstance(value, str):
        _number_text(value)
    elif isinstance(value, int | float):
        _operand(value)
    else:
        raise ExpressionError(f"Không đổi được {_shown(value)} sang số thực.")
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ExpressionError(f"Không đổi được {_shown(value)} sang số thực.") from exc
    if math.isinf(result) or math.isnan(result):
        raise ExpressionError("Không nhận giá trị vô hạn (inf) hoặc không xác định (nan).")
    return result


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        _operand(value)
    elif not isinstance(value, bool) and value is not None:
        raise ExpressionError("Chỉ đổi được số, chuỗi hoặc giá trị đúng/sai sang chuỗi.")
    return str(value)


def _shown(value: Any) -> str:
    """A short rendering of a value for a message (never the whole of a huge one)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        return "số quá lớn"
    text = repr(value) if isinstance(value, str | int | float | bool) or value is None else (
        type(value).__name__)
    return text if len(text) <= 40 else text[:37] + "..."


def _length(value: Any) -> int:
    if not isinstance(value, str | list | tuple | dict):
        raise ExpressionError("len() chỉ nhận chuỗi, danh sách hoặc đối tượng.")
    return len(value)  # O(1): no size limit needed


def _sized(value: Any) -> Any:
    """A list or string small enough to scan (by in, min, max)."""
    if isinstance(value, list | tuple | dict) and len(value) > MAX_ITEMS:
        raise _too_big(f"Danh sách quá dài để xử lý (tối đa {MAX_ITEMS} phần tử).")
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise _too_big(f"Chuỗi quá dài để xử lý (tối đa {MAX_TEXT} ký tự).")
    return value


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def call(*values: Any) -> Any:
        items = values[0] if len(values) == 1 and isinstance(values[0], list | tuple) else values
        _sized(items)
        if not items:
            raise ExpressionError("min()/max() cần ít nhất một giá trị.")
        return pick(_number(v) for v in items)

    return call


def _round(value: Any, digits: Any = 0) -> int | float:
    number = _operand(value)
    places = _number(digits)
    if not isinstance(places, int) or not -MAX_ROUND_DIGITS <= places <= MAX_ROUND_DIGITS:
        raise ExpressionError(
            f"round(): số chữ số phải là số nguyên từ {-MAX_ROUND_DIGITS} đến {MAX_ROUND_DIGITS}.")
    if isinstance(number, float) and (math.isinf(number) or math.isnan(number)):
        raise ExpressionError("round() không nhận giá trị vô hạn hoặc không xác định.")
    result: int | float = round(number, places)
    return result


FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "len": _length,
    "lower": lambda s: _text(s).lower(),
    "upper": lambda s: _text(s).upper(),
    "strip": lambda s: _text(s).strip(),
    "abs": lambda n: abs(_operand(n)),
    "min": _extreme(min),
    "max": _extreme(max),
    "round": _round,
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
        except (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError) as exc:
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
    _check_constant_parts(text, tree.body)
    return Expression(text, tree, frozenset(names))


def _reads_data(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id not in FUNCTIONS and n.id not in _CONSTANTS
               for n in ast.walk(node))


def _check_constant_parts(text: str, node: ast.AST) -> None:
    """Evaluate each largest part that reads no field: one that fails (over the budget, a
    division by zero...) fails on every dossier, so it is refused now, at upload."""
    if isinstance(node, ast.Constant) or not isinstance(node, ast.expr):
        return
    if not _reads_data(node):
        try:
            Expression(text, ast.Expression(body=node), frozenset()).evaluate({})
        except ExpressionError as exc:
            raise ExpressionError(
                f"Phần '{_fragment(text, node)}' luôn lỗi: {exc.message}",
                getattr(node, "col_offset", None)) from exc
        return
    children = node.args if isinstance(node, ast.Call) else ast.iter_child_nodes(node)
    for child in children:
        _check_constant_parts(text, child)


def _fragment(text: str, node: ast.AST) -> str:
    part = ast.get_source_segment(text, node) or text
    return part if len(part) <= 60 else part[:57] + "..."


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
        self.cost = 0

    def charge(self, units: int) -> None:
        """Spend `units` of this evaluation's budget, before doing the work they pay for."""
        self.cost += units
        if self.cost > MAX_COST:
            raise _too_big("Biểu thức tốn quá nhiều bước tính toán.")

    def visit(self, node: ast.AST) -> Any:
        self.charge(1)
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
        if len(node.elts) > MAX_ITEMS:
            raise _too_big(f"Danh sách quá dài (tối đa {MAX_ITEMS} phần tử).")
        return [self.visit(e) for e in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        if len(node.elts) > MAX_ITEMS:
            raise _too_big(f"Danh sách quá dài (tối đa {MAX_ITEMS} phần tử).")
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
        number = _operand(value)
        return -number if isinstance(node.op, ast.USub) else +number

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > MAX_STRING:
                raise _too_big(f"Chuỗi kết quả quá dài (tối đa {MAX_STRING} ký tự).")
            self.charge((len(left) + len(right)) // 100)
            return left + right
        # Both operands are bounded before the operation: a product or a quotient of two
        # ~38-digit numbers is cheap, and the result is bounded again below.
        a, b = _operand(left), _operand(right)
        if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) and b == 0:
            raise ExpressionError("Không chia được cho 0.")
        result = _BINARY[type(node.op)](a, b)
        if isinstance(result, float) and math.isnan(result):
            raise ExpressionError("Kết quả phép tính không xác định (nan).")
        if abs(result) > MAX_NUMBER:
            raise ExpressionError("Kết quả phép tính vượt giới hạn.")
        return result

    def visit_Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(right, str | list | tuple | dict):
                    raise ExpressionError("Vế phải của 'in' phải là chuỗi hoặc danh sách.")
                if isinstance(right, str) and not isinstance(left, str):
                    raise ExpressionError("Tìm trong chuỗi thì vế trái của 'in' phải là chuỗi.")
                self.charge(len(_sized(right)) + (len(left) if isinstance(left, str) else 0))
            elif isinstance(op, ast.Eq | ast.NotEq):
                self.charge(_size(left) + _size(right))
            elif not _orderable(left, right):
                raise ExpressionError(
                    f"Không so sánh thứ tự được {_kind(left)} với {_kind(right)}.")
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)  # guaranteed by _check_node
        args = [self.visit(a) for a in node.args]
        self.charge(sum(len(a) for a in args if isinstance(a, list | tuple)))
        return FUNCTIONS[node.func.id](*args)


def _orderable(left: Any, right: Any) -> bool:
    """< <= > >= only between two numbers or two strings (never None, lists or objects)."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    return numbers or (isinstance(left, str) and isinstance(right, str))


def _kind(value: Any) -> str:
    if value is None:
        return "giá trị rỗng (None)"
    if isinstance(value, bool):
        return "giá trị đúng/sai"
    if isinstance(value, int | float):
        return "số"
    if isinstance(value, str):
        return "chuỗi"
    if isinstance(value, list | tuple):
        return "danh sách"
    return "đối tượng"


def _size(value: Any) -> int:
    """What comparing `value` for equality may scan: its items, or its length over 100 chars."""
    if isinstance(value, str):
        return len(value) // 100
    if isinstance(value, list | tuple | dict):
        return len(value)
    return 0


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
