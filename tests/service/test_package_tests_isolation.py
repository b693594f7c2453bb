"""A package's test cases never run inside a database transaction, and never run unbounded:
an upload (or a draft saved from the modeler) validates and tests the package with no
transaction open, in a separate process killed at a time limit and capped in memory; the
version is stored afterwards, in one short transaction, whatever the tests did."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bpmn.compiled import CompiledProcedure
from bpmn.package import Package, read_package
from bpmn.package_tests import Suite
from bpmn.validation import validate_package
from engine.core.actors import SYSTEM
from engine.core.models import Procedure, ProcedureVersion
from engine.procedures import catalogue as procedures
from engine.procedures import versions
from engine.procedures.package_runner import TestLimits, run_in_process, run_isolated
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT
from tests.unit.test_package_test_steps import long_suite

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def _hold_on_database(url: str) -> str | None:
    """What another process meets if it writes now: None when it can, else the error. On
    PostgreSQL also any transaction left open (idle) by someone else, holding a snapshot."""
    if url.startswith("sqlite"):
        # A plain connection that waits one second for the write lock, not thirty.
        other = sa.create_engine(url, connect_args={"timeout": 1})
    else:
        other = sa.create_engine(url)
    try:
        with other.begin() as connection:
            connection.execute(sa.text("UPDATE agencies SET name = name WHERE code = :code"),
                               {"code": MINH_XUAN})
            if other.dialect.name == "postgresql":
                idle = connection.scalar(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"))
                if idle:
                    return f"{idle} transaction(s) left open during the package tests"
    except sa.exc.OperationalError as exc:
        return str(exc.orig)
    finally:
        other.dispose()
    return None


def _probing(url: str, seen: list[str | None]) -> Callable[[CompiledProcedure, Mapping[str, bytes]], Suite]:
    def runner(compiled: CompiledProcedure, files: Mapping[str, bytes]) -> Suite:
        seen.append(_hold_on_database(url))
        return run_in_process(compiled, files)
    return runner


def _versions(platform: Platform) -> list[tuple[int, str]]:
    with platform.uow() as uow:
        rows = uow.session.execute(
            sa.select(ProcedureVersion.number, ProcedureVersion.status).join(Procedure)
            .where(Procedure.code == PERMIT, Procedure.agency.has(code=MINH_XUAN))
            .order_by(ProcedureVersion.number)).all()
    return [(r.number, r.status) for r in rows]


@pytest.mark.parametrize("entry", ["upload", "modeler"])
def test_another_process_can_write_while_a_packages_tests_run(
        platform: Platform, monkeypatch: pytest.MonkeyPatch, entry: str) -> None:
    seen: list[str | None] = []
    monkeypatch.setattr(procedures, "isolated_runner",
                        lambda limits=None: _probing(platform.database_url, seen))
    with platform.uow() as uow:
        if entry == "upload":
            _, version = procedures.import_package(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                                   path=PACKAGE)
        else:  # the modeler's "save": reads the version it edits, then imports (a change:
            # the same files as a published version make no draft)
            bpmn = (PACKAGE / "process.bpmn").read_text(encoding="utf-8").replace(
                'value="P10D"', 'value="P8D"', 1)
            _, version, _ = versions.save_as_draft(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                                code=PERMIT, number=1,
                                                changes={"process.bpmn": bpmn})
    assert seen == [None]
    assert version is not None and version["tests"]["passed"]
    assert _versions(platform)[-1] == (2, "draft")


def test_the_designer_page_validates_its_package_without_holding_the_database(
        platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    def probing_validation(package: Package) -> Any:
        seen.append(_hold_on_database(platform.database_url))
        return validate_package(package)

    monkeypatch.setattr(versions, "validate_package", probing_validation)
    with platform.uow() as uow:
        bench = versions.workbench(uow, actor=SYSTEM, agency_code=MINH_XUAN, code=PERMIT, number=1)
    assert seen == [None]
    assert bench["report"]["valid"] and bench["number"] == 1 and bench["tasks"]


def test_a_suite_that_runs_too_long_is_stopped_at_the_limit_and_the_draft_is_kept(
        platform: Platform) -> None:
    files = long_suite()
    report, compiled = validate_package(Package("goi", files))
    assert compiled is not None, report.as_text()
    runner = procedures.isolated_runner(TestLimits(seconds=2))
    started = time.monotonic()
    with platform.uow() as uow:
        _, version = procedures.import_package(
            uow, actor=SYSTEM, agency_code=MINH_XUAN, runner=runner,
            files=sorted(files.items()))
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"the import took {elapsed:.1f} s despite a 2 s limit"
    assert version is not None and version["status"] == "draft"
    tests = version["tests"]
    assert not tests["passed"] and tests["results"] == []
    [problem] = tests["problems"]
    assert problem["code"] == "test.timeout"
    assert problem["message"] == "Các ca kiểm thử chạy quá thời gian cho phép (2 giây)."
    with platform.uow() as uow:  # the designer loses nothing: the draft and its report are kept
        stored = uow.session.scalars(sa.select(ProcedureVersion).join(Procedure).where(
            Procedure.code == PERMIT, ProcedureVersion.number == version["number"],
            Procedure.agency.has(code=MINH_XUAN))).one()
        assert stored.status == "draft" and stored.package is not None
        assert "tests/vong-0.json" in stored.package
        assert stored.test_results == tests


def _runs_the_suite(compiled: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    return run_in_process(CompiledProcedure.from_dict(compiled), files).as_dict()


def _hogs_memory(compiled: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB, far past the cap
    return {"hoard": len(hoard)}


def _dies(compiled: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    os._exit(3)


def _compiled() -> tuple[CompiledProcedure, dict[str, bytes]]:
    package = read_package(PACKAGE)
    _, compiled = validate_package(package)
    assert compiled is not None
    return compiled, dict(package.files)


def test_the_isolated_runner_gives_the_same_results_as_running_in_process() -> None:
    compiled, files = _compiled()
    isolated = run_isolated(compiled, files, TestLimits(seconds=30), target=_runs_the_suite)
    assert isolated.passed and len(isolated.results) == 6
    assert isolated.as_dict() == run_in_process(compiled, files).as_dict()


def test_a_suite_that_eats_memory_is_stopped_at_the_cap_with_a_clear_problem() -> None:
    compiled, files = _compiled()
    suite = run_isolated(compiled, files, TestLimits(seconds=30, memory_mb=512), target=_hogs_memory)
    [problem] = suite.problems
    assert (problem.code, problem.message) == (
        "test.memory", "Các ca kiểm thử dùng quá bộ nhớ cho phép (512 MB).")
    assert not suite.passed


def test_a_runner_that_dies_is_reported_not_raised() -> None:
    compiled, files = _compiled()
    suite = run_isolated(compiled, files, TestLimits(seconds=30), target=_dies)
    [problem] = suite.problems
    assert problem.code == "test.crashed" and "mã 3" in problem.message


def test_the_limits_come_from_the_environment_with_safe_defaults() -> None:
    assert TestLimits.from_env({}) == TestLimits(seconds=20.0, memory_mb=1024)
    assert TestLimits.from_env({"MOTCUA_PACKAGE_TEST_SECONDS": "5",
                                "MOTCUA_PACKAGE_TEST_MEMORY_MB": "256"}) == TestLimits(5.0, 256)
    assert TestLimits.from_env({"MOTCUA_PACKAGE_TEST_SECONDS": "abc"}) == TestLimits()
    assert TestLimits.from_env({"MOTCUA_PACKAGE_TEST_SECONDS": "-1"}) == TestLimits()
