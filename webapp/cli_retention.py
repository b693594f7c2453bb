"""`motcua retention apply [--dry-run]`: the archive package of every closed dossier ended
more than MOTCUA_RETENTION_YEARS years ago, into MOTCUA_ARCHIVE_DIR (engine/reports/retention.py;
the worker runs it daily). Nothing is ever deleted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from engine.core import VN_TZ
from engine.reports import ArchiveFolderError, apply_retention
from engine.wiring import Platform


@click.group("retention")
def retention_group() -> None:
    """Retention of closed dossiers (MOTCUA_RETENTION_YEARS, MOTCUA_ARCHIVE_DIR)."""


@retention_group.command("apply")
@click.option("--dry-run", is_flag=True, help="Only list the dossiers due; write nothing.")
def retention_apply(dry_run: bool) -> None:
    """Write the archive package of every dossier ended more than MOTCUA_RETENTION_YEARS
    years ago into MOTCUA_ARCHIVE_DIR, verified and recorded once; nothing is deleted.
    Exit 1 when refused or a dossier failed, 2 on an unexpected error."""
    raw = os.environ.get("MOTCUA_RETENTION_YEARS", "0").strip() or "0"
    if not raw.isdigit():
        click.echo(f"MOTCUA_RETENTION_YEARS phải là số năm (0 = tắt), không phải «{raw}».", err=True)
        sys.exit(1)
    if int(raw) == 0:
        click.echo("Chính sách lưu trữ đang tắt (MOTCUA_RETENTION_YEARS=0): không làm gì.")
        return
    folder = os.environ.get("MOTCUA_ARCHIVE_DIR", "").strip()
    if not folder and not dry_run:
        click.echo("Chưa đặt thư mục lưu trữ (MOTCUA_ARCHIVE_DIR).", err=True)
        sys.exit(1)
    from webapp.app import create_app

    platform: Platform = create_app().extensions["motcua"]
    try:
        run = apply_retention(platform.uow, years=int(raw), folder=Path(folder), dry_run=dry_run)
    except ArchiveFolderError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    except Exception as exc:  # the database unreachable, the disk full
        click.echo(f"Lỗi không mong đợi: {exc}", err=True)
        sys.exit(2)
    finally:
        platform.dispose()
    ended = run.cutoff.astimezone(VN_TZ).strftime("%d/%m/%Y")
    if dry_run:
        click.echo(f"{len(run.due)} hồ sơ kết thúc trước {ended} sẽ được lưu trữ (chạy thử, chưa ghi gì):")
        for code in run.due:
            click.echo(f"  {code}")
        return
    for item in run.archived:
        click.echo(f"  {item['code']} → {item['file']} (SHA-256 {item['sha256']})")
    click.echo(f"Đã lưu trữ {len(run.archived)} hồ sơ kết thúc trước {ended} vào {folder}.")
    for failure in run.failed:
        click.echo(f"  KHÔNG lưu trữ được {failure['code']}: {failure['problem']}", err=True)
    if run.failed:
        sys.exit(1)
