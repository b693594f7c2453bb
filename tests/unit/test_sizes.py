"""Modules and functions stay small enough to read (issue 14): no module over 400 lines and
no function over 50 (its docstring included) in the engine and the entry points.

Each test prints the largest offenders first, so a failure says where to cut.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("engine", "webapp", "admin")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def _sources() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")
                  if "migrations" not in p.relative_to(ROOT).parts)


def module_sizes() -> list[tuple[int, str]]:
    """(lines, path) of every module, largest first."""
    sizes = [(len(p.read_text(encoding="utf-8").splitlines()), p.relative_to(ROOT).as_posix())
             for p in _sources()]
    return sorted(sizes, reverse=True)


def function_sizes() -> list[tuple[int, str]]:
    """(lines, path:line name) of every function and method, largest first."""
    sizes = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                where = f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {node.name}"
                sizes.append((node.end_lineno - node.lineno + 1, where))
    return sorted(sizes, reverse=True)


def test_no_module_over_400_lines() -> None:
    sizes = module_sizes()
    print("largest modules:", *(f"{n} {p}" for n, p in sizes[:5]), sep="\n  ")
    assert [s for s in sizes if s[0] > MAX_MODULE_LINES] == []


def test_no_function_over_50_lines() -> None:
    sizes = function_sizes()
    print("largest functions:", *(f"{n} {p}" for n, p in sizes[:5]), sep="\n  ")
    assert [s for s in sizes if s[0] > MAX_FUNCTION_LINES] == []


def test_the_measures_count_what_they_claim(tmp_path: Path) -> None:
    """The function measure counts a function from `def` to its last line, docstring and
    nested code included (so a long function cannot hide in a docstring or a closure)."""
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    tree = ast.parse(f'def long():\n    """Doc."""\n{body}\n')
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef) and node.end_lineno is not None
    assert node.end_lineno - node.lineno + 1 == 62 > MAX_FUNCTION_LINES
