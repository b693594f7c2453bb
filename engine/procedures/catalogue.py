"""Procedure services: validate and import packages, publish versions, the catalogue."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, literal, select, union_all

from bpmn.compiled import CompiledProcedure
from bpmn.diff_tables import fee_amounts
from bpmn.package import Package, PackageError, from_separate_files, read_package, read_zip
from bpmn.package_tests import Suite
from bpmn.paper_channels import with_channel_note
from bpmn.problems import Problem, Report
from bpmn.validation import manifest_schema, validate_package, validate_path
from bpmn.words import TIME_UNITS
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Forbidden, Invalid, NotFound
from engine.core.models import Agency, Procedure, ProcedureAgency, ProcedureVersion, Province, RoleGrant
from engine.core.permissions import may_design
from engine.core.prepared import Prepared
from engine.core.uow import UnitOfWork
from engine.procedures.applied import offered
from engine.procedures.cache import loaded_version
from engine.procedures.identical import same_version
from engine.procedures.in_force import in_force_at, in_force_versions
from engine.procedures.package_runner import TestLimits, run_isolated

__all__ = [
    "catalogue",
    "check_path",
    "import_package",
    "manifest_schema",
    "procedure_detail",
]

VERSION_STATUS_LABELS = {"draft": "Bản nháp", "in_review": "Đang xem xét",
                         "reviewed": "Đã xem xét, chờ phê duyệt", "approved": "Đã phê duyệt",
                         "published": "Đang áp dụng", "retired": "Ngừng áp dụng",
                         "discarded": "Đã bỏ"}
UNIT_LABELS = TIME_UNITS


def check_path(path: Path) -> Report:
    """Validate a package folder, .zip or bare .bpmn on disk (no database involved)."""
    report, _ = validate_path(path)
    return report


def package_texts(package: Package) -> dict[str, str]:
    """The package's files as text (every file of a package is JSON or BPMN XML)."""
    return {name: data.decode("utf-8", "replace") for name, data in sorted(package.files.items())}


def content_hash(texts: Mapping[str, str]) -> str:
    """SHA-256 of a package's files (path → text), whatever order they came in."""
    canonical = json.dumps(dict(texts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Runs a package's test cases: the compiled procedure and the package's files → results.
TestRunner = Callable[[CompiledProcedure, Mapping[str, bytes]], Suite]


def isolated_runner(limits: TestLimits | None = None) -> TestRunner:
    """The default runner: a separate process bounded in time and memory (MOTCUA_PACKAGE_TEST_*)."""
    bounds = limits or TestLimits.from_env()
    return lambda compiled, files: run_isolated(compiled, files, bounds)


def run_tests_at(path: Path, runner: TestRunner | None = None) -> tuple[Report, Suite | None]:
    """Validate a package on disk and, when it is valid, run its `tests/*.json` cases in
    the sandbox (no database involved)."""
    report, package, compiled = _read_and_validate(path=path)
    if compiled is None or package is None:
        return report, None
    return report, (runner or isolated_runner())(compiled, package.files)


def _read_and_validate(
    *, path: Path | None = None, zip_bytes: bytes | None = None, filename: str = "upload.zip",
    files: list[tuple[str, bytes]] | None = None,
) -> tuple[Report, Package | None, CompiledProcedure | None]:
    """Read a package however it came and validate it; a package that cannot be read is a
    report with one problem (pure: no database)."""
    try:
        if path is not None:
            package = read_package(path)
        elif files is not None:
            package = from_separate_files(files)
        else:
            package = read_zip(zip_bytes or b"", filename)
    except PackageError as exc:
        report = Report(str(path) if path is not None else filename)
        report.add(Problem(exc.code, exc.message, exc.file or report.source))
        return report, None, None
    report, compiled = validate_package(package)
    return report, package, compiled


def end_transaction(uow: UnitOfWork) -> None:
    """End the unit's transaction before long work (package tests, validating a large
    package): on SQLite every
    transaction holds the write lock (BEGIN IMMEDIATE), on PostgreSQL a snapshot and a
    connection. Only reads may have happened: pending changes would be lost, so refuse."""
    session = uow.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("import_package needs a unit of work without pending changes")
    session.rollback()


def import_package(
    uow: UnitOfWork,
    *,
    actor: Actor,
    agency_code: str,
    path: Path | None = None,
    zip_bytes: bytes | None = None,
    filename: str = "upload.zip",
    files: list[tuple[str, bytes]] | None = None,
    runner: TestRunner | None = None,
) -> tuple[Report, dict[str, Any] | None]:
    """`import_and_read` without the files read (see there)."""
    report, summary, _ = import_and_read(uow, actor=actor, agency_code=agency_code, path=path,
                                         zip_bytes=zip_bytes, filename=filename, files=files,
                                         runner=runner)
    return report, summary


def import_and_read(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, path: Path | None = None,
    zip_bytes: bytes | None = None,
    filename: str = "upload.zip",
    files: list[tuple[str, bytes]] | None = None,
    runner: TestRunner | None = None,
    any_version: bool = False,
    action: str = "procedure.import",
) -> tuple[Report, dict[str, Any] | None, dict[str, str] | None]:
    """Validate a package — a folder (`path`), a .zip (`zip_bytes`) or files sent one by one
    (`files`: name and bytes) — and store it as a new draft version with the results of
    its tests; nothing is stored when invalid.

    The tests run with no transaction open (by default in a separate process bounded in
    time and memory): the unit's session is used in short reads before, and again only
    to store the version. The unit must hold no uncommitted changes when called.

    Returns the validation report, the new version's summary when valid (the procedure's
    open draft holding the same files instead, marked `unchanged`, its tests not run
    again — with `any_version` (a save from the editors), any version of it in review,
    approved or published too: `identical.same_version`), and the package's files as text
    when they could be read. The new version is audited as `action` (an upload, or
    `procedure.save_draft`: a save from the web designer). The caller's unit of
    work is committed here only on success.
    """
    agency_id, agency_name = _design_agency(uow, actor, agency_code)
    end_transaction(uow)
    report, package, compiled = _read_and_validate(path=path, zip_bytes=zip_bytes,
                                                   filename=filename, files=files)
    if compiled is not None and not _roles_resolve(uow, compiled, agency_id, agency_name, report):
        compiled = None
    texts = package_texts(package) if package is not None else None
    if compiled is None or package is None:
        return report, None, texts
    same = _identical_draft(uow, agency_id, compiled.code, texts or {}, any_version)
    if same is not None:
        return report, same, texts
    end_transaction(uow)
    tests = (runner or isolated_runner())(compiled, package.files)
    # From here on, one short transaction: store the version with its results.
    version, procedure = _store_version(uow, actor, agency_id, compiled, package, tests)
    summary = {**version_summary(version, procedure), "tests": tests.as_dict()}
    uow.audit(action, actor_id=actor.account_id, object_type="procedure",
              object_id=f"{agency_code}/{compiled.code}",
              summary={"version": version.number, "tests_passed": tests.passed})
    uow.commit()
    return report, summary, texts


def _design_agency(uow: UnitOfWork, actor: Actor, agency_code: str) -> tuple[int, str]:
    """(id, name) of the agency the actor imports a package for; refused otherwise."""
    agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {agency_code}.")
    if not may_design(actor, agency.id):
        raise Forbidden("Bạn không có quyền cấu hình thủ tục của cơ quan này.")
    return agency.id, agency.name


def _identical_draft(uow: UnitOfWork, agency_id: int, code: str, texts: dict[str, str],
                     any_version: bool) -> dict[str, Any] | None:
    """The summary of the procedure's draft (or, `any_version`, its version) holding these
    files, if any (`same_version`)."""
    same = same_version(uow, agency_id, code, texts, content_hash(texts),
                        drafts_only=not any_version)
    if same is None:
        return None
    return {**version_summary(same, same.procedure), "tests": same.test_results,
            "status_label": VERSION_STATUS_LABELS.get(same.status, same.status), "unchanged": True}


def _store_version(
    uow: UnitOfWork, actor: Actor, agency_id: int, compiled: CompiledProcedure,
    package: Package, tests: Suite,
) -> tuple[ProcedureVersion, Procedure]:
    """Store a validated package as the next draft version of its procedure (created on
    its first upload), with the results of its tests."""
    procedure = uow.session.scalar(
        select(Procedure).where(Procedure.code == compiled.code, Procedure.agency_id == agency_id)
    )
    if procedure is None:
        procedure = Procedure(code=compiled.code, agency_id=agency_id,
                              name=compiled.manifest["name"], field=compiled.manifest["field"])
        uow.session.add(procedure)
        uow.session.flush()
    last = uow.session.scalar(
        select(func.max(ProcedureVersion.number)).where(ProcedureVersion.procedure_id == procedure.id)
    )
    version = ProcedureVersion(
        procedure_id=procedure.id, number=(last or 0) + 1, status="draft",
        compiled=compiled.to_dict(), created_by_id=actor.account_id, created_at=uow.clock.now(),
        package=package_texts(package), test_results=tests.as_dict(),
        content_hash=content_hash(package_texts(package)),
    )
    uow.session.add(version)
    uow.session.flush()
    return version, procedure


def _roles_resolve(uow: UnitOfWork, compiled: CompiledProcedure, agency_id: int,
                   agency_name: str, report: Report) -> bool:
    """Check each lane's role against the database: an agency it hands over to must exist
    (error), someone should hold its role (warning). False when the package cannot be stored."""
    ok = True
    for lane, role in compiled.manifest["roles"].items():
        code = role.get("agency")
        if code and uow.session.scalar(select(Agency.id).where(Agency.code == code)) is None:
            report.add(Problem("manifest.agency",
                               f"Làn '{lane}' chuyển cho cơ quan mã {code}, không có trong hệ thống.",
                               "procedure.json", element=f"roles.{lane}.agency"))
            ok = False
        elif not code and uow.session.scalar(select(RoleGrant.id).where(
                RoleGrant.agency_id == agency_id, RoleGrant.role == role["role"]).limit(1)) is None:
            report.add(Problem(
                "role.unstaffed", f"Không cán bộ nào của {agency_name} giữ vai trò "
                f"'{role['role']}' (làn '{lane}'): các bước của làn này sẽ không vào hộp công "
                "việc của ai cho đến khi được phân quyền.", "procedure.json",
                element=f"roles.{lane}.role", severity="warning"))
    return ok


def version_summary(version: ProcedureVersion, procedure: Procedure) -> dict[str, Any]:
    return {
        "code": procedure.code,
        "agency": procedure.agency.code if procedure.agency else None,
        "number": version.number,
        "status": version.status,
        "published_at": local_iso(version.published_at),
    }


def processing_time_label(manifest: dict[str, Any]) -> str:
    """"15 ngày làm việc", "trong ngày"."""
    time = manifest["processing_time"]
    unit = UNIT_LABELS.get(time["unit"], time["unit"])
    if time["unit"] == "same_day":
        return "Trong ngày"
    value = time["value"]
    return f"{int(value) if float(value).is_integer() else value} {unit}"


def _entry(uow: UnitOfWork, version: ProcedureVersion, agency: Agency) -> dict[str, Any]:
    manifest = loaded_version(uow, version.id).compiled.manifest
    return {
        "code": version.procedure.code,
        "name": manifest["name"],
        "field": manifest["field"],
        "level": manifest["level"],
        "processing_time": manifest["processing_time"],
        "processing_time_label": processing_time_label(manifest),
        "agency": {"code": agency.code, "name": agency.name},
        "version": version.number,
    }


def catalogue(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Published procedures, one entry per agency carrying it out (its own and those it
    was applied to: `applied.py`)."""
    return [_entry(uow, v, a) for v, a in offered(uow, in_force_versions(uow))]


def procedure_detail(uow: UnitOfWork, *, code: str, agency_code: str | None = None) -> dict[str, Any]:
    """A published procedure with its papers, fees, legal basis and start form schema."""
    versions = offered(uow, in_force_versions(uow, code=code))
    if agency_code is not None:
        versions = [(v, a) for v, a in versions if a.code == agency_code]
    if not versions:
        raise NotFound(f"Không có thủ tục đang áp dụng với mã {code}.")
    version, agency = versions[0]
    compiled = loaded_version(uow, version.id).compiled
    manifest = compiled.manifest
    basis = manifest.get("legal_basis", [])
    return {
        **_entry(uow, version, agency),
        "agencies": [{"code": a.code, "name": a.name} for _, a in versions],
        "components": [with_channel_note(c) for c in manifest.get("components", [])],
        "fees": _fees_in_words(version, manifest.get("fees", [])),
        "legal_basis": [basis] if isinstance(basis, str) else basis,
        "start_form": {
            "schema": compiled.forms[compiled.start_form],
            "ui": compiled.ui_for(compiled.start_form),
        },
    }


def _fees_in_words(version: ProcedureVersion, fees: list[Any]) -> list[Any]:
    """The manifest's fees, a fee a decision table decides (`"from"`) with what the table
    charges row by row (`"by_table"`, `bpmn.diff_tables.fee_amounts`): the citizen reads
    the table's amounts, not the amount charged only when the table decides nothing."""
    if not any(isinstance(f, dict) and f.get("from") for f in fees):
        return fees
    texts = dict(version.package or {})
    return [{**f, "by_table": fee_amounts(texts, str(f["from"]))}
            if isinstance(f, dict) and f.get("from") else f for f in fees]


@dataclass(frozen=True)
class InForce:
    """The published version new dossiers of a procedure use, at one agency."""

    version_id: int
    code: str
    name: str
    agency_id: int
    agency_code: str
    agency_name: str
    # Read in the same statement, so a submission asks nothing more of the agency.
    closed: bool = False
    province_id: int | None = None
    calendar_version: int = 0


_CALENDAR_VERSION = (select(Province.calendar_version).where(Province.id == Agency.province_id)
                     .correlate(Agency).scalar_subquery())


def _in_force_at_agencies(applied: bool) -> Any:
    """The versions of a procedure in force now, per agency: its own agency's (`applied`
    False) or the agencies it was applied to and not stopped at (True)."""
    query = (
        select(ProcedureVersion.id.label("version_id"), Procedure.code, Procedure.name,
               Agency.id.label("agency_id"), Agency.code.label("agency_code"),
               Agency.name.label("agency_name"), literal(applied).label("applied"),
               Agency.closed_at, Agency.province_id,
               _CALENDAR_VERSION.label("calendar_version"))
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .where(Procedure.code == bindparam("b_code"), in_force_at(bindparam("b_now")))
    )
    if not applied:
        return query.join(Agency, Procedure.agency_id == Agency.id)
    return (query.join(ProcedureAgency, ProcedureAgency.procedure_id == Procedure.id)
            .join(Agency, ProcedureAgency.agency_id == Agency.id)
            .where(ProcedureAgency.stopped_at.is_(None)))


# Asked at every submission: one statement, built once, prepared (`engine.core.prepared`).
_IN_FORCE = Prepared(union_all(_in_force_at_agencies(False), _in_force_at_agencies(True)))


def published_version(uow: UnitOfWork, *, code: str, agency_code: str | None) -> InForce:
    """The version in force for new dossiers (`in_force.py`; Invalid when the agency must
    be named)."""
    in_force: dict[str, InForce] = {}  # per agency: its own procedure before one applied
    found = _IN_FORCE.run(uow.connection, {"b_code": code, "b_now": uow.clock.now()})
    for row in sorted(found, key=lambda r: (bool(r.applied), r.agency_code)):
        in_force.setdefault(row.agency_code, InForce(
            row.version_id, row.code, row.name, row.agency_id, row.agency_code, row.agency_name,
            closed=row.closed_at is not None, province_id=row.province_id,
            calendar_version=row.calendar_version or 0))
    rows = list(in_force.values())
    if agency_code is not None:
        rows = [r for r in rows if r.agency_code == agency_code]
    if not rows:
        raise NotFound(f"Không có thủ tục đang áp dụng với mã {code}.")
    if len(rows) > 1:
        raise Invalid("Thủ tục do nhiều cơ quan thực hiện: hãy chọn cơ quan (agency).",
                      details=sorted(r.agency_code for r in rows))
    return rows[0]


def list_agencies(uow: UnitOfWork) -> list[dict[str, str]]:
    """Every agency (code and name), for pickers."""
    return [{"code": a.code, "name": a.name}
            for a in uow.session.scalars(select(Agency).order_by(Agency.code))]
