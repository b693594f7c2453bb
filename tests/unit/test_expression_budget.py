"""The expression evaluator's budget: no condition a designer writes, over any data a
citizen sends, may freeze the server or escape as anything but `ExpressionError`."""

from __future__ import annotations

import shutil
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpmn.expressions import (
    FUNCTIONS,
    MAX_COST,
    MAX_ITEMS,
    ExpressionError,
    compile_expression,
)
from bpmn.validation import validate_path

EXTRACT = Path(__file__).resolve().parents[2] / "procedures" / "cap-ban-sao-trich-luc-ho-tich"

# Each evaluation must stay far below what would block a request. Measured as work done,
# not as wall time (a busy machine once failed a 50 ms wall-clock limit on a trivial
# expression): the function calls the evaluator makes, counted by the profiler hook (the
# largest expression built here makes about 8,000; a loop over a huge value millions), and,
# for work inside one C call (a huge power, a huge string), this process's CPU time under a
# bound twenty times what any expression here needs.
MAX_CALLS = 50_000
MAX_CPU_SECONDS = 1.0
MEMORY_LIMIT = 4 * 1024 * 1024


def _work(action: Callable[[], object]) -> tuple[int, Exception | None]:
    """How many function calls `action` makes, and what it raised (if anything)."""
    count = 0

    def hook(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    started = time.process_time()
    sys.setprofile(hook)
    try:
        action()
    except Exception as exc:  # returned for the caller to check
        return count, exc
    finally:
        sys.setprofile(None)
        spent = time.process_time() - started
        assert spent < MAX_CPU_SECONDS, f"{spent:.2f} s of CPU"
    return count, None

FIELDS = ("a", "b", "c", "ds", "obj")


def _refused(source: str, data: dict[str, Any] | None = None) -> str:
    """The Vietnamese message `source` is refused with, at compile or at evaluation."""
    calls, raised = _work(lambda: compile_expression(source).evaluate(data or {}))
    assert isinstance(raised, ExpressionError), raised
    assert calls < MAX_CALLS, f"{source!r} made {calls} calls"
    return raised.message


def test_round_with_a_huge_negative_precision_cannot_freeze_the_server() -> None:
    assert "round()" in _refused("round(1, -100000000) == 0")
    assert "round()" in _refused("round(n, -100000000) == 0", {"n": 1})
    assert "round()" in _refused("round(n, 100000000) == 0", {"n": 1.5})


def test_round_within_the_precision_of_a_double_still_works() -> None:
    assert compile_expression("round(n, 2)").evaluate({"n": 1.2345}) == 1.23
    assert compile_expression("round(n, -3)").evaluate({"n": 123456}) == 123000


def test_repeated_multiplication_of_a_huge_field_is_refused_before_computing() -> None:
    source = " * ".join(["x"] * 40)
    message = _refused(source, {"x": 10**4000})
    assert "Số quá lớn" in message


def test_repeated_multiplication_stops_at_the_result_limit() -> None:
    message = _refused(" * ".join(["x"] * 40), {"x": 99})
    assert "vượt giới hạn" in message


def test_a_giant_integer_string_is_not_converted() -> None:
    assert "quá dài" in _refused("int(s) > 0", {"s": "9" * 100_000})
    assert "quá dài" in _refused("float(s) > 0", {"s": "9" * 100_000})


def test_infinity_and_nan_are_refused_by_conversions() -> None:
    assert "vô hạn" in _refused('float("inf") > 1')
    assert "vô hạn" in _refused("float(s) > 1", {"s": "nan"})
    assert "vô hạn" in _refused("int(f) > 1", {"f": float("inf")})


def test_str_of_a_huge_number_is_refused() -> None:
    assert "Số quá lớn" in _refused("str(x)", {"x": 10**4000})


def test_string_repetition_is_not_reachable() -> None:
    assert "chỉ nhận số" in _refused('"a" * 100000000')
    assert "chỉ nhận số" in _refused("s * n", {"s": "a", "n": 100_000_000})


def test_joining_strings_past_the_limit_is_refused_before_joining() -> None:
    assert "quá dài" in _refused("s + s", {"s": "a" * 9_000})


def test_scanning_a_huge_list_is_refused() -> None:
    data = {"ds": list(range(MAX_ITEMS + 1))}
    assert "quá dài" in _refused("5 in ds", data)
    assert "quá dài" in _refused("max(ds) > 1", data)


def test_a_long_list_literal_is_refused() -> None:
    items = ", ".join(["1"] * (MAX_ITEMS + 1))
    with pytest.raises(ExpressionError):
        compile_expression(f"x in [{items}]")


def test_the_cost_counter_stops_an_expensive_evaluation() -> None:
    # Equality over long lists is charged per item: each comparison here costs ~2,000.
    data = {"ds": list(range(MAX_ITEMS)), "es": list(range(MAX_ITEMS))}
    source = " and ".join(["ds == es"] * (MAX_COST // (2 * MAX_ITEMS) + 5))
    assert "quá nhiều bước" in _refused(source, data)


@pytest.mark.parametrize("source", ['a < "x"', "a < None", "[1] < [2]", "a >= obj", "d <= True"])
def test_ordering_incompatible_types_is_an_expression_error(source: str) -> None:
    assert "Không so sánh thứ tự được" in _refused(
        source, {"a": 1, "obj": {"k": 1}, "d": 2})


def test_a_constant_part_that_always_fails_is_refused_when_compiled() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a > 1 and round(1, -100000000) == 0")
    assert "luôn lỗi" in caught.value.message
    assert "round(1, -100000000)" in caught.value.message


def test_a_constant_part_that_never_runs_is_not_refused() -> None:
    # The bomb sits in a branch the constant test never takes: it can never run.
    expression = compile_expression("1 if True else round(1, -100000000)")
    assert expression.evaluate({}) == 1


# --- random expressions over the grammar, with random data ---------------------------------

_numbers = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
)
_leaves = st.one_of(
    st.sampled_from(FIELDS),
    _numbers.map(repr).map(lambda r: r if r not in ("inf", "-inf", "nan") else "1e999"),
    st.text(max_size=8).map(repr),
    st.sampled_from(["True", "False", "None", "[]", "[1, 2]", '"abc"']),
)


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "//", "%"]), children)
    compare = st.tuples(children, st.sampled_from(
        ["==", "!=", "<", "<=", ">", ">=", "in", "not in"]), children)
    boolean = st.tuples(children, st.sampled_from(["and", "or"]), children)
    call1 = st.tuples(st.sampled_from(sorted(FUNCTIONS)), children)
    call2 = st.tuples(st.sampled_from(["min", "max", "round"]), children, children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        compare.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        boolean.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"(not {c})"),
        children.map(lambda c: f"(-{c})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        call1.map(lambda t: f"{t[0]}({t[1]})"),
        call2.map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}]"),
        children.map(lambda c: f"{c}.k"),
    )


_expressions = st.recursive(_leaves, _extend, max_leaves=12)
_values = st.recursive(
    st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=20),
              st.sampled_from(["9" * 5000, "inf", "nan", "1e999", "a" * 20_000])),
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.sampled_from(["k", "x"]), inner, max_size=2)),
    max_leaves=10,
)
_data = st.fixed_dictionaries({name: _values for name in FIELDS})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=_expressions, data=_data)
def test_random_expressions_stay_within_budget_and_raise_only_expression_errors(
    source: str, data: dict[str, Any]
) -> None:
    tracemalloc.start()
    try:
        calls, raised = _work(lambda: compile_expression(source).evaluate(data))
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if raised is not None:  # only the designer's error, with a message, never a crash
        assert isinstance(raised, ExpressionError), raised
        assert raised.message
    assert calls < MAX_CALLS, f"{source!r} made {calls} calls"
    assert peak < MEMORY_LIMIT, f"{source!r} used {peak} bytes"


def test_a_package_whose_condition_always_blows_the_budget_is_refused_at_upload(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "extract"
    shutil.copytree(EXTRACT, folder)
    bpmn = folder / "process.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        "co_du_lieu == True", "co_du_lieu == True and round(1, -100000000) == 0"),
        encoding="utf-8")
    report, compiled = validate_path(folder)
    assert compiled is None
    [error] = report.errors
    assert (error.code, error.element) == ("expression.invalid", "tl_f_co_du_lieu")
    assert "round(1, -100000000) == 0" in error.message and "luôn lỗi" in error.message
