"""The `motcua` console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import click

from engine.core import SYSTEM, VN_TZ, ServiceError
from engine.core import verify_audit_chain as verify_audit
from engine.legal_clock import BusinessCalendar, parse_instant, province_calendar
from engine.operations import BackupError, create_backup, restore_backup, verify_backup
from engine.procedures import TestLimits, check_path, import_package, isolated_runner, run_tests_at
from engine.procedures import act_on_version as act
from engine.seed import DEMO_PASSWORD, demo_logins, load_samples
from engine.wiring import Platform
from webapp.cli_admin import COMMANDS
from webapp.cli_payments import payments_group
from webapp.cli_retention import retention_group


def _platform() -> Platform:
    from webapp.app import create_app

    app = create_app()
    platform: Platform = app.extensions["motcua"]
    return platform


@click.group()
def main() -> None:
    """motcua — one-stop-shop administrative procedures on BPMN and JSON-Schema forms."""


for _command in COMMANDS:  # motcua agencies …, motcua accounts …
    main.add_command(_command)
main.add_command(payments_group)  # motcua payments reconcile
main.add_command(retention_group)  # motcua retention apply [--dry-run]


@main.group()
def procedure() -> None:
    """Procedure packages: validate and import."""


def _unexpected(exc: Exception) -> NoReturn:
    """Whatever a package or the database throws ends in a Vietnamese line and exit 2,
    never a traceback (the reason stays visible for whoever reports it)."""
    click.echo(f"Lỗi không mong đợi ({type(exc).__name__}): {exc}"[:2000], err=True)
    sys.exit(2)


@procedure.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
def validate(path: Path, as_json: bool) -> None:
    """Check a package folder, a .zip or a bare .bpmn file. Exit 0 when valid, 1 when not."""
    try:
        report = check_path(path)
        payload = report.as_dict()
        text = report.as_text()
        valid = report.valid
    except Exception as exc:
        payload = {"source": str(path), "valid": False, "errors": 1, "warnings": 0,
                   "problems": [{"code": "internal", "message": f"Không đọc được gói: {exc}",
                                 "file": str(path), "line": None, "element": None,
                                 "severity": "error"}]}
        text = f"{path}: KHÔNG hợp lệ\n  LỖI {path}: Không đọc được gói: {exc} (internal)"
        valid = False
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2) if as_json else text)
    sys.exit(0 if valid else 1)


@procedure.command("test")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--timeout", type=float, default=None,
              help="Seconds the whole suite may run (default MOTCUA_PACKAGE_TEST_SECONDS or 20).")
def test(path: Path, as_json: bool, timeout: float | None) -> None:
    """Run a package's test cases (tests/*.json) in the sandbox, in a separate process
    bounded in time and memory. Exit 0 only when the package is valid, has cases, and
    every case passes; 1 when not; 2 on an unexpected error."""
    limits = TestLimits.from_env()
    if timeout is not None and timeout > 0:
        limits = TestLimits(seconds=timeout, memory_mb=limits.memory_mb)
    try:
        report, suite = run_tests_at(path, isolated_runner(limits))
    except Exception as exc:  # a bug met by a package must not print a traceback
        _unexpected(exc)
    ok = suite is not None and suite.passed and bool(suite.results)
    if as_json:
        click.echo(json.dumps({"report": report.as_dict(),
                               "tests": suite.as_dict() if suite else None},
                              ensure_ascii=False, indent=2))
        sys.exit(0 if ok else 1)
    if suite is None:
        click.echo(report.as_text())
        click.echo("Gói không hợp lệ: chưa chạy ca kiểm thử nào.")
        sys.exit(1)
    for problem in suite.problems:
        click.echo(f"  LỖI {problem.location()}: {problem.message} ({problem.code})")
    for result in suite.results:
        click.echo(result.as_text())
    failed = sum(not r.passed for r in suite.results)
    if not suite.results:
        click.echo(f"{path}: không có ca kiểm thử nào (tests/*.json).")
    else:
        click.echo(f"{path}: {len(suite.results) - failed}/{len(suite.results)} ca đạt.")
    sys.exit(0 if ok else 1)


@procedure.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--agency", required=True, help="Unit code of the agency that offers it.")
@click.option("--publish", is_flag=True, help="Publish the new version at once.")
def import_(path: Path, agency: str, publish: bool) -> None:
    """Import a package as a new draft version (optionally publishing it). Exit 1 when
    the package is invalid or refused, 2 on an unexpected error (the database down)."""
    if not path.exists():
        click.echo(f"Không tìm thấy gói '{path}'.", err=True)
        sys.exit(1)
    try:
        platform = _platform()
        with platform.uow() as uow:
            report, version = import_package(uow, actor=SYSTEM, agency_code=agency, path=path)
        click.echo(report.as_text())
        if version is None:
            sys.exit(1)
        click.echo(f"Đã lưu phiên bản {version['number']} của thủ tục {version['code']}.")
        if publish:
            with platform.uow() as uow:
                act(uow, actor=SYSTEM, agency_code=agency, code=version["code"],
                    number=version["number"], action="publish")
            click.echo("Đã công bố.")
    except ServiceError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    except Exception as exc:  # the database unreachable, a bug met by a package
        _unexpected(exc)


@main.group("catalogue")
def catalogue_group() -> None:
    """The province's procedure list from the national catalogue's export."""


@catalogue_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def catalogue_import(path: Path) -> None:
    """Import every procedure of PATH (.xlsx or .csv) as drafts awaiting a process; nothing
    when a row is wrong (each named with its column, exit 1)."""
    from engine.procedures import import_national_catalogue
    from webapp.cli_admin import _read, _refused

    content = _read(path)
    platform = _platform()
    try:
        with platform.uow() as uow:
            counts = import_national_catalogue(uow, actor=SYSTEM, content=content,
                                               filename=path.name)
    except ServiceError as exc:
        _refused(exc)
    finally:
        platform.dispose()
    click.echo(f"Đã nhập {path.name}: {counts['created']} thủ tục mới (chờ quy trình), "
               f"{counts['updated']} thủ tục cập nhật.")


@main.group()
def calendar() -> None:
    """The business calendar: due times in working time."""


@calendar.command("due")
@click.argument("start")
@click.argument("duration")
@click.option("--province", default=None, help="Use this province's hours and overrides.")
@click.option("--calendar-days", is_flag=True, help="Count calendar days, not working time.")
def calendar_due(start: str, duration: str, province: str | None, calendar_days: bool) -> None:
    """Print when DURATION (ISO-8601: P15D, PT4H, P1W, P1M) counted from START is due.

    START is ISO-8601 (without an offset it is Vietnam time). Working time skips
    weekends, public holidays and lunch; a start out of hours counts from the next
    working period; months and years are calendar ones. A period counted on the calendar
    that ends on a day off ends on the next working day. A malformed or too long
    DURATION (beyond the ceiling of bpmn/durations.py) exits 1 with the reason.
    """
    try:
        instant = parse_instant(start)
        if province is None:
            business = BusinessCalendar()
        else:
            with _platform().uow() as uow:
                business = province_calendar(uow, province)
        if calendar_days:
            due = business.calendar_after(instant, duration)
        else:
            due = business.after(instant, duration)
    except (ValueError, ServiceError) as exc:  # DurationError too: malformed or too long
        click.echo(getattr(exc, "message", str(exc)), err=True)
        sys.exit(1)
    click.echo(due.astimezone(VN_TZ).isoformat())


@main.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Walk the audit chain; exit 1 naming the first broken entry."""
    platform = _platform()
    with platform.engine.connect() as connection:
        checked, broken = verify_audit(connection)
    if broken is None:
        click.echo(f"Nhật ký kiểm toán nguyên vẹn: {checked} mục.")
        return
    click.echo(f"Nhật ký kiểm toán bị sửa hoặc xóa: mục {broken} không khớp chuỗi băm "
               f"({checked} mục trước đó nguyên vẹn).", err=True)
    sys.exit(1)


@main.group("backup")
def backup_group() -> None:
    """Backups: create, verify, restore into an empty database (see engine/operations)."""


def _backup_refused(exc: BackupError) -> NoReturn:
    click.echo(exc.message, err=True)
    for problem in exc.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(1)


@backup_group.command("create")
@click.argument("path", type=click.Path(path_type=Path))
def backup_create(path: Path) -> None:
    """Back up the database (PostgreSQL: pg_dump; SQLite: the online backup API), the papers
    kept outside it and a manifest with row counts and SHA-256 checksums into PATH (a new
    folder). Exit 1 when refused, 2 on an unexpected error."""
    platform = _platform()
    try:
        manifest = create_backup(platform.engine, path, storage=platform.storage,
                                 now=platform.clock.now())
    except BackupError as exc:
        _backup_refused(exc)
    except Exception as exc:  # the database unreachable, the disk full
        _unexpected(exc)
    finally:
        platform.dispose()
    rows = sum(manifest["tables"].values())
    click.echo(f"Đã sao lưu vào {path}: {len(manifest['tables'])} bảng, {rows} dòng, "
               f"{len(manifest['files'])} tệp; lược đồ {manifest['schema_revision']}.")


@backup_group.command("verify")
@click.argument("path", type=click.Path(path_type=Path))
def backup_verify(path: Path) -> None:
    """Check every file of the backup at PATH against its manifest (exit 1 naming each
    problem)."""
    try:
        manifest, problems = verify_backup(path)
    except BackupError as exc:
        _backup_refused(exc)
    if problems:
        _backup_refused(BackupError(f"Bản sao lưu {path} KHÔNG toàn vẹn:", problems))
    click.echo(f"Bản sao lưu nguyên vẹn: {len(manifest['files'])} tệp khớp mã SHA-256 "
               f"(tạo lúc {manifest['created_at']}, {manifest['database']}).")


@backup_group.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
def backup_restore(path: Path) -> None:
    """Restore the backup at PATH into the configured database, which must be EMPTY
    (refused otherwise, nothing written). Exit 1 when refused, 2 on an unexpected error."""
    platform = _platform()
    try:
        manifest = restore_backup(path, platform.engine, storage=platform.storage)
    except BackupError as exc:
        _backup_refused(exc)
    except Exception as exc:
        _unexpected(exc)
    finally:
        platform.dispose()
    click.echo(f"Đã khôi phục {len(manifest['tables'])} bảng từ {path} "
               f"(tạo lúc {manifest['created_at']}); số dòng khớp bản kê.")


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def upgrade() -> None:
    """Apply migrations (creates the embedded SQLite database on first run)."""
    _platform().migrate()
    click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


@main.command()
def seed() -> None:
    """Load the sample agencies, demo accounts and shipped procedures (once)."""
    platform = _platform()
    loaded = load_samples(platform)
    click.echo("Đã nạp dữ liệu mẫu." if loaded else "Dữ liệu mẫu đã có sẵn.")


def _print_logins(platform: Platform) -> None:
    click.echo(f"\nTài khoản thử nghiệm (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, name, roles in demo_logins(platform):
        click.echo(f"  {username:<22} {name:<22} {roles}")


@main.command()
@click.option("--beat/--no-beat", default=True, show_default=True,
              help="Also run the scheduler in this process (embedded mode).")
@click.option("--concurrency", default=1, show_default=True)
def worker(beat: bool, concurrency: int) -> None:
    """Run the background worker (timers, reminders, notifications)."""
    from worker.app import make_celery

    argv = ["worker", "--loglevel=INFO", f"--concurrency={concurrency}"]
    if beat:
        argv.append("--beat")
    make_celery().worker_main(argv)


@main.command()
def beat() -> None:
    """Run the scheduler alone (production: one beat, any number of workers)."""
    from worker.app import make_celery

    make_celery().start(["beat", "--loglevel=INFO"])


def gunicorn_command(host: str, port: int, workers: int, threads: int = 4) -> list[str]:
    """What `serve --production` runs: the gunicorn installed beside this Python (the
    virtualenv's, found even when the virtualenv is not activated), else `python -m gunicorn`.

    Threaded workers (`gthread`): a request waiting on the database or hashing a password
    (argon2 releases the GIL) leaves the worker's other threads serving; `threads=1` runs
    gunicorn's plain `sync` workers, one request per process (see webapp/README.md)."""
    # Not the venv's resolved interpreter: its bin/ folder is where gunicorn was installed.
    beside = Path(sys.executable).parent / "gunicorn"
    launcher = [str(beside)] if beside.is_file() else [sys.executable, "-m", "gunicorn"]
    worker = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    return [*launcher, "--bind", f"{host}:{port}", "--workers", str(workers), *worker,
            "webapp:create_app()"]


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--production", is_flag=True, help="Serve with gunicorn instead of Flask's server.")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers (production).")
@click.option("--threads", default=4, show_default=True,
              help="Threads per gunicorn worker (production; 1: sync workers).")
def serve(host: str, port: int, production: bool, workers: int, threads: int) -> None:
    """Serve the web application on http://HOST:PORT."""
    if production:
        command = gunicorn_command(host, port, workers, threads)
        raise SystemExit(subprocess.call(command, env=os.environ.copy()))  # noqa: S603
    from webapp.app import create_app
    from webapp.serving import run_threaded

    # Links sent by e-mail (an officer's invitation, a password reset) name this server,
    # not port 5000, unless MOTCUA_PUBLIC_URL says where the site is published.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    os.environ.setdefault("MOTCUA_PUBLIC_URL", f"http://{shown}:{port}")
    app = create_app()
    _print_logins(app.extensions["motcua"])
    click.echo(f"\nmotcua đang chạy tại http://{host}:{port}\n")
    run_threaded(host, port, app)  # Flask's server, closing responses of dropped connections
