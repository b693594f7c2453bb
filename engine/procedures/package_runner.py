"""Running a package's test cases bounded in wall time and memory, in a separate process.

Package tests run what a designer wrote (conditions, loops, thousands of cases): an upload
must neither hang the server nor exhaust its memory. `run_isolated` runs the suite in a
child process started fresh ("forkserver": the web server, with its open database
connections, is never forked), hands it only the compiled procedure and the package's
files, kills it at the time limit and caps its address space. Whatever happens, the
caller gets a `Suite`: the results, or a problem saying why there are none.

`run_in_process` is the plain path (unit tests, tools that bound time themselves).

As with any multiprocessing start method but "fork", each child runs the program's main
script again under another name: a script calling this must keep its work under
`if __name__ == "__main__":` (console scripts, gunicorn, pytest and `python -m` do).
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bpmn.compiled import CompiledProcedure
from bpmn.package_tests import Suite, run_package_tests
from bpmn.problems import Problem

DEFAULT_SECONDS = 20.0
DEFAULT_MEMORY_MB = 1024
TESTS_FILE = "tests/"
START_SECONDS = 30.0  # for the child to start (a busy machine), before the limit counts

# What the child runs: (compiled procedure as a dict, files) → suite as a dict. A
# module-level function, so that a fresh interpreter can import it by name.
Target = Callable[[dict[str, Any], dict[str, bytes]], dict[str, Any]]


@dataclass(frozen=True)
class TestLimits:
    """Bounds on one run of a package's whole test suite."""

    __test__ = False  # not a pytest test class despite its name

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TestLimits:
        """Limits from MOTCUA_PACKAGE_TEST_SECONDS and MOTCUA_PACKAGE_TEST_MEMORY_MB (else defaults)."""
        env = os.environ if environ is None else environ
        try:
            seconds = float(env.get("MOTCUA_PACKAGE_TEST_SECONDS", DEFAULT_SECONDS))
            memory = int(env.get("MOTCUA_PACKAGE_TEST_MEMORY_MB", DEFAULT_MEMORY_MB))
        except ValueError:
            return cls()
        return cls(seconds=seconds if seconds > 0 else DEFAULT_SECONDS,
                   memory_mb=memory if memory > 0 else DEFAULT_MEMORY_MB)


def run_in_process(compiled: CompiledProcedure, files: Mapping[str, bytes]) -> Suite:
    """Run the suite here, unbounded; an unexpected failure becomes a problem of the suite."""
    try:
        return run_package_tests(compiled, files)
    except MemoryError:
        raise  # the isolated runner reports it against its limit
    except Exception as exc:  # designer input must never end in a traceback
        return _failed("test.error", f"Không chạy được các ca kiểm thử: {type(exc).__name__}: {exc}")


def run_suite(compiled: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    """The child's work: compile back, run every case, return the suite as a dict."""
    return run_in_process(CompiledProcedure.from_dict(compiled), files).as_dict()


def run_isolated(compiled: CompiledProcedure, files: Mapping[str, bytes],
                 limits: TestLimits | None = None, *, target: Target = run_suite) -> Suite:
    """Run the suite in a child process, killed after `limits.seconds` and capped at
    `limits.memory_mb` of address space; returns its results or the problem that ended it."""
    limits = limits or TestLimits()
    context = multiprocessing.get_context("forkserver")
    # The fork server imports the runtime once; each suite then forks from it quickly.
    context.set_forkserver_preload([__name__, *_main_imports()])
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, name="motcua-package-tests", daemon=True,
        args=(sender, target, compiled.to_dict(), dict(files), limits.memory_mb))
    try:
        child.start()
    except OSError as exc:
        return _failed("test.unavailable", f"Không khởi động được tiến trình chạy kiểm thử: {exc}")
    finally:
        sender.close()  # only the child writes: its end closing is how a crash shows
    try:
        return _await(receiver, child, limits)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)


def _await(receiver: Connection, child: Any, limits: TestLimits) -> Suite:
    # The child's own start-up is not the designer's time: the clock starts when it says so.
    deadline = time.monotonic() + START_SECONDS
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not receiver.poll(remaining):
            child.kill()
            return _failed("test.timeout", "Các ca kiểm thử chạy quá thời gian cho phép "
                           f"({limits.seconds:g} giây).")
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            child.join(timeout=5)
            return _failed("test.crashed", "Các ca kiểm thử dừng bất thường (tiến trình chạy "
                           f"kiểm thử kết thúc với mã {child.exitcode}).")
        if kind == "started":
            deadline = time.monotonic() + limits.seconds
        elif kind == "memory":
            return _failed("test.memory", "Các ca kiểm thử dùng quá bộ nhớ cho phép "
                           f"({limits.memory_mb} MB).")
        else:
            return Suite.from_dict(payload)


def _child(sender: Connection, target: Target, compiled: dict[str, Any],
           files: dict[str, bytes], memory_mb: int) -> None:
    """In the child: cap memory, say the cases begin, run them, send the suite back."""
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS,
                       (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    sender.send(("started", None))
    try:
        message: tuple[str, Any] = ("suite", target(compiled, files))
    except MemoryError:
        message = ("memory", None)
    sender.send(message)
    sender.close()


def _main_imports() -> list[str]:
    """What the program's main script imports: each child runs that script again (Python
    3.11's fork server does not preload it), so the server imports those modules once."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if not path:
        return []
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return sorted(name for name in names if name in sys.modules)  # only what it did import


def _failed(code: str, message: str) -> Suite:
    return Suite(problems=[Problem(code, message, TESTS_FILE)])
