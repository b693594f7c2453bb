"""The regular expressions a form may use (`pattern`, `patternProperties`), run in linear time.

A designer's `pattern` runs on every submission. Python's `re` backtracks: `^(a+)+$` against
forty letters and a "!" takes hours, and one such request holds a worker for good. RE2 matches
in time linear in the text whatever the expression, so every form's expressions run in RE2;
what RE2 cannot run (look-arounds, back-references, a repetition too large to compile) is
refused when the schema is checked, naming the expression.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import re2  # google-re2: linear-time matching, no backtracking

# An expression longer than this is not a field format but an attempt on the compiler.
MAX_PATTERN_CHARS = 1000
# RE2's memory budget for one compiled expression (its default is 8 MiB); a bounded
# repetition like x{1000}{1000} exceeds it and is refused instead of compiled.
_MAX_MEMORY = 1 << 20
_DATA_KEYWORDS = ("const", "enum", "default", "examples")


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # a refused expression is reported to the designer, not to stderr
    options.max_mem = _MAX_MEMORY
    return options


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    """The RE2 program of `pattern`, or None when RE2 cannot run it."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return None
    try:
        return re2.compile(pattern, _options())
    except (re2.error, ValueError, TypeError):
        return None


def pattern_problem(pattern: str) -> str | None:
    """Why a form may not use `pattern` (a Vietnamese message), or None when it may."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"Biểu thức định dạng dài quá {MAX_PATTERN_CHARS} ký tự."
    if _compiled(pattern) is None:
        return ("Biểu thức định dạng không dùng được: chỉ chấp nhận biểu thức chính quy kiểm tra "
                "được trong thời gian tuyến tính (không dùng tham chiếu ngược \\1, điều kiện nhìn "
                "trước/nhìn sau (?=…)/(?<=…), lặp lồng nhau quá lớn).")
    return None


def search(pattern: str, text: str) -> bool | None:
    """Whether `pattern` matches somewhere in `text` (None when RE2 cannot run the expression,
    which only a schema stored before this check can hold)."""
    program = _compiled(pattern)
    if program is None:
        return None
    return program.search(text) is not None


def schema_patterns(node: object, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every regular expression a schema holds, as (JSON pointer, expression): each string
    `pattern` and each key of `patternProperties`, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _DATA_KEYWORDS:  # values, not schemas: a "pattern" there is data
                continue
            here = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key == "pattern" and isinstance(value, str):
                yield here, value
            if key == "patternProperties" and isinstance(value, dict):
                for name in value:
                    yield f"{here}/{str(name).replace('~', '~0').replace('/', '~1')}", str(name)
            yield from schema_patterns(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_patterns(value, f"{pointer}/{index}")
