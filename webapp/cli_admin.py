"""`motcua agencies …` and `motcua accounts …`: a province loads its agencies and its
officers' accounts from spreadsheets (XLSX or CSV) and exports them. An import is all or
nothing: a wrong row is named with its column and nothing is written (exit 1)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from engine import agencies
from engine.core import SYSTEM, FormInvalid, ServiceError
from engine.wiring import Platform


def _platform() -> Platform:
    from webapp.app import create_app

    platform: Platform = create_app().extensions["motcua"]
    return platform


def _refused(exc: ServiceError) -> NoReturn:
    """The engine's refusal in Vietnamese (each wrong row on its own line), exit 1."""
    click.echo(exc.message, err=True)
    if isinstance(exc, FormInvalid):
        for detail in exc.details or []:
            where = f"Dòng {detail['row']}, " if "row" in detail else ""
            column = detail.get("column") or detail.get("field", "")
            click.echo(f"  {where}cột {column}: {detail['message']}", err=True)
    sys.exit(1)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        click.echo(f"Không đọc được tệp {path}: {exc.strerror}", err=True)
        sys.exit(1)


def _format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        click.echo("Tên tệp phải kết thúc bằng .xlsx hoặc .csv.", err=True)
        sys.exit(1)
    return fmt


@click.group("agencies")
def agencies_group() -> None:
    """The agencies' tree: import and export (XLSX or CSV)."""


@agencies_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def agencies_import(path: Path) -> None:
    """Create or update (by unit code) every agency of the file; nothing when a row is wrong."""
    content = _read(path)
    platform = _platform()
    try:
        with platform.uow() as uow:
            counts = agencies.import_agencies(uow, actor=SYSTEM, content=content,
                                              filename=path.name)
    except ServiceError as exc:
        _refused(exc)
    finally:
        platform.dispose()
    click.echo(f"Đã nhập {path.name}: {counts['created']} cơ quan mới, "
               f"{counts['updated']} cơ quan cập nhật.")


@agencies_group.command("export")
@click.argument("path", type=click.Path(path_type=Path))
def agencies_export(path: Path) -> None:
    """Write every agency to PATH (.xlsx or .csv), in tree order."""
    fmt = _format(path)
    platform = _platform()
    try:
        with platform.uow() as uow:
            content, _ = agencies.export_agencies(uow, fmt=fmt)
    finally:
        platform.dispose()
    _write(path, content)


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        click.echo(f"Không ghi được tệp {path}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"Đã ghi {path}.")


@click.group("accounts")
def accounts_group() -> None:
    """Officers' accounts: bulk import (each invited by e-mail) and export."""


@accounts_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def accounts_import(path: Path) -> None:
    """Create every account of the file with its roles; each gets an e-mail to set its
    password (MOTCUA_PUBLIC_URL names the site in the link). Nothing when a row is wrong."""
    from webapp.app import create_app

    content = _read(path)
    app = create_app()
    platform: Platform = app.extensions["motcua"]
    base = str(app.config["PUBLIC_URL"]).rstrip("/") + "/dat-lai-mat-khau"
    try:
        with platform.uow() as uow:
            counts = agencies.import_officers(uow, actor=SYSTEM, content=content,
                                              filename=path.name, link_base=base)
    except ServiceError as exc:
        _refused(exc)
    finally:
        platform.dispose()
    click.echo(f"Đã tạo {counts['created']} tài khoản từ {path.name}; mỗi người nhận thư mời "
               "đặt mật khẩu.")


@accounts_group.command("export")
@click.argument("path", type=click.Path(path_type=Path))
def accounts_export(path: Path) -> None:
    """Write every staff account to PATH (.xlsx or .csv), one row per role."""
    fmt = _format(path)
    platform = _platform()
    try:
        with platform.uow() as uow:
            content, _ = agencies.export_officers(uow, actor=SYSTEM, fmt=fmt)
    finally:
        platform.dispose()
    _write(path, content)


COMMANDS: list[Any] = [agencies_group, accounts_group]
