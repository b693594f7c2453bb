"""Retention of closed dossiers: `motcua retention apply` writes the archive package of every
dossier ended more than MOTCUA_RETENTION_YEARS years ago into MOTCUA_ARCHIVE_DIR, verified
and recorded once; a dossier ended more recently or still open is left alone, a dry run
writes nothing, a folder that cannot be written is named and nothing is recorded."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from engine.applicants import receive_paper_dossier
from engine.core.clock import FixedClock
from engine.core.models import AuditEntry, Dossier
from engine.reports import (
    ArchiveFolderError,
    apply_retention,
    may_archive_dossier,
    verify_dossier_archive,
)
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.functional.test_dossier_archive import _refused_at_the_counter
from tests.helpers import MINH_XUAN, PERMIT, Officers, login, permit_data
from webapp.cli import main

YEAR = timedelta(days=365)


def _retained(platform: Platform) -> list[dict[str, Any]]:
    """The summaries of the `dossier.retained` audit entries: one per archived dossier."""
    with platform.uow() as uow:
        return [
            dict(summary or {})
            for summary in uow.session.scalars(
                select(AuditEntry.summary).where(AuditEntry.action == "dossier.retained")
            )
        ]


def _three_dossiers(platform: Platform, clock: FixedClock) -> tuple[str, str, str]:
    """One ended 6 years ago, one ended 2 years ago, one still open."""
    officers = Officers(platform)
    old = _refused_at_the_counter(platform, officers)
    clock.advance(4 * YEAR)
    recent = _refused_at_the_counter(platform, officers)
    still_open = receive_paper_dossier(
        platform.uow,
        actor=officers.actor("motcua.minhxuan"),
        procedure_code=PERMIT,
        agency_code=MINH_XUAN,
        data=permit_data(),
        papers=PAPERS,
        decision="complete",
        reception={"ket_qua_kiem_tra": "tiep_nhan"},
    )
    clock.advance(2 * YEAR)
    return old, recent, str(still_open["code"])


def test_only_dossiers_ended_before_the_policy_are_archived_once_and_verified(
    platform: Platform,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    old, recent, _ = _three_dossiers(platform, clock)
    archive = tmp_path / "archive"
    archive.mkdir()
    run = apply_retention(platform.uow, years=5, folder=archive)
    assert run.due == [old] and [a["code"] for a in run.archived] == [old] and not run.failed
    written = archive / run.archived[0]["file"]
    content = written.read_bytes()
    assert verify_dossier_archive(content) == []
    assert hashlib.sha256(content).hexdigest() == run.archived[0]["sha256"]
    assert [p.name for p in archive.rglob("*") if p.is_file()] == [written.name]  # no temp left
    [entry] = _retained(platform)
    assert entry["sha256"] == run.archived[0]["sha256"] and entry["code"] == old

    again = apply_retention(platform.uow, years=5, folder=archive)  # idempotent
    assert again.due == [] and again.archived == []
    assert written.read_bytes() == content and len(_retained(platform)) == 1

    one_year = apply_retention(platform.uow, years=1, folder=archive)  # the recent one now
    assert [a["code"] for a in one_year.archived] == [recent]
    assert len(_retained(platform)) == 2


def test_a_dry_run_lists_and_writes_nothing(
    platform: Platform,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    old, _, _ = _three_dossiers(platform, clock)
    archive = tmp_path / "archive"
    archive.mkdir()
    run = apply_retention(platform.uow, years=5, folder=archive, dry_run=True)
    assert run.due == [old] and run.archived == []
    assert list(archive.iterdir()) == [] and _retained(platform) == []


def test_a_broken_archive_folder_is_named_and_nothing_is_recorded(
    platform: Platform,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    _three_dossiers(platform, clock)
    with pytest.raises(ArchiveFolderError, match="không tồn tại"):
        apply_retention(platform.uow, years=5, folder=tmp_path / "missing")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ArchiveFolderError):
        apply_retention(platform.uow, years=5, folder=a_file)
    assert _retained(platform) == []
    with pytest.raises(Exception, match="từ 1"):
        apply_retention(platform.uow, years=0, folder=tmp_path)


def test_only_a_leader_of_the_agency_may_download_a_closed_dossier(
    platform: Platform,
    clock: FixedClock,
) -> None:
    old, _, still_open = _three_dossiers(platform, clock)
    officers = Officers(platform)
    leader, desk = officers.actor("lanhdao.minhxuan"), officers.actor("motcua.minhxuan")
    other_leader = officers.actor("lanhdao.soxaydung")
    with platform.uow() as uow:
        assert may_archive_dossier(uow, actor=leader, code=old)
        assert not may_archive_dossier(uow, actor=leader, code=still_open)
        assert not may_archive_dossier(uow, actor=desk, code=old)
        assert not may_archive_dossier(uow, actor=other_leader, code=old)


def test_the_command_archives_by_the_environment_and_explains_refusals(
    platform: Platform,
    database_url: str,
    tmp_path: Path,
) -> None:
    old = _refused_at_the_counter(platform, Officers(platform))
    with platform.uow() as uow:  # the command runs on the real clock: end it long ago
        uow.session.execute(
            sa.update(Dossier).where(Dossier.code == old).values(ended_at=platform.clock.now() - 20 * YEAR)
        )
        uow.commit()
    archive = tmp_path / "archive"
    env = {
        "MOTCUA_DATABASE_URL": database_url,
        "MOTCUA_INSTANCE": str(tmp_path / "instance"),
        "MOTCUA_ATTACHMENT_STORE": "database",
        "MOTCUA_RETENTION_YEARS": "10",
        "MOTCUA_ARCHIVE_DIR": str(archive),
    }
    cli = CliRunner()
    off = cli.invoke(main, ["retention", "apply"], env={**env, "MOTCUA_RETENTION_YEARS": "0"})
    assert off.exit_code == 0 and "đang tắt" in off.output
    wrong = cli.invoke(main, ["retention", "apply"], env={**env, "MOTCUA_RETENTION_YEARS": "mười"})
    assert wrong.exit_code == 1 and "phải là số năm" in wrong.output
    broken = cli.invoke(main, ["retention", "apply"], env=env)
    assert broken.exit_code == 1 and "không tồn tại" in broken.output
    archive.mkdir()
    dry = cli.invoke(main, ["retention", "apply", "--dry-run"], env=env)
    assert dry.exit_code == 0 and old in dry.output and list(archive.iterdir()) == []
    done = cli.invoke(main, ["retention", "apply"], env=env)
    assert done.exit_code == 0, done.output
    assert "Đã lưu trữ 1 hồ sơ" in done.output and len(list(archive.rglob("*.zip"))) == 1
    again = cli.invoke(main, ["retention", "apply"], env=env)
    assert "Đã lưu trữ 0 hồ sơ" in again.output


def test_the_worker_archives_daily_only_when_a_policy_and_a_folder_are_set(
    platform: Platform, database_url: str, tmp_path: Path
) -> None:
    from celery.schedules import crontab

    import worker.tasks  # noqa: F401  (registers the shared tasks)
    from worker.app import context, make_celery

    old = _refused_at_the_counter(platform, Officers(platform))
    with platform.uow() as uow:  # the worker runs on the real clock: end it long ago
        uow.session.execute(
            sa.update(Dossier).where(Dossier.code == old).values(ended_at=platform.clock.now() - 20 * YEAR)
        )
        uow.commit()
    base = {"DATABASE_URL": database_url, "INSTANCE": str(tmp_path / "instance"), "TIMER_LOOP": "0"}
    archive = tmp_path / "archive"
    archive.mkdir()
    assert "daily-retention" not in make_celery(base).conf.beat_schedule
    assert "daily-retention" not in make_celery({**base, "ARCHIVE_DIR": str(archive)}).conf.beat_schedule
    app = make_celery({**base, "RETENTION_YEARS": "10", "ARCHIVE_DIR": str(archive), "RETENTION_AT": "03:05"})
    assert app.conf.beat_schedule["daily-retention"] == {
        "task": "motcua.retention",
        "schedule": crontab(hour=3, minute=5),
    }
    try:
        first = app.tasks["motcua.retention"].apply().get()
        second = app.tasks["motcua.retention"].apply().get()
    finally:
        context(app).platform.dispose()
    assert first == {"archived": 1, "failed": 0} and second == {"archived": 0, "failed": 0}
    [package] = archive.rglob("*.zip")
    assert verify_dossier_archive(package.read_bytes()) == []


def test_the_dossier_page_offers_the_archive_only_to_a_leader_of_a_closed_dossier(app: Flask) -> None:
    platform = app.extensions["motcua"]
    officers = Officers(platform)
    closed = _refused_at_the_counter(platform, officers)
    still_open = receive_paper_dossier(
        platform.uow,
        actor=officers.actor("motcua.minhxuan"),
        procedure_code=PERMIT,
        agency_code=MINH_XUAN,
        data=permit_data(),
        papers=PAPERS,
        decision="complete",
        reception={"ket_qua_kiem_tra": "tiep_nhan"},
    )["code"]
    leader, desk = app.test_client(), app.test_client()
    login(leader, "lanhdao.minhxuan")
    login(desk, "motcua.minhxuan")
    page = leader.get(f"/can-bo/ho-so/{closed}").get_data(as_text=True)
    assert "Tải hồ sơ lưu trữ (ZIP)" in page and f"/quan-tri/ho-so/{closed}/luu-tru.zip" in page
    assert leader.get(f"/quan-tri/ho-so/{closed}/luu-tru.zip").status_code == 200
    open_page = leader.get(f"/can-bo/ho-so/{still_open}")
    assert open_page.status_code == 200 and "Tải hồ sơ lưu trữ" not in open_page.get_data(as_text=True)
    desk_page = desk.get(f"/can-bo/ho-so/{closed}")
    assert desk_page.status_code == 200 and "Tải hồ sơ lưu trữ" not in desk_page.get_data(as_text=True)


def test_a_package_that_cannot_be_renamed_leaves_no_file_and_no_record(
    platform: Platform, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_dossiers(platform, clock)
    archive = tmp_path / "archive"
    archive.mkdir()

    def disk_full(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("engine.reports.retention.os.replace", disk_full)
    with pytest.raises(ArchiveFolderError, match="No space left on device"):
        apply_retention(platform.uow, years=5, folder=archive)
    assert [p for p in archive.rglob("*") if p.is_file()] == [] and _retained(platform) == []
    monkeypatch.undo()
    assert len(apply_retention(platform.uow, years=5, folder=archive).archived) == 1  # next run


def test_a_dossier_that_cannot_be_exported_is_named_and_the_others_are_archived(
    platform: Platform, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.core.errors import NotFound
    from engine.reports.archive import export_archive as real

    old, recent, _ = _three_dossiers(platform, clock)

    def paper_lost(uow_factory: Any, *, actor: Any, code: str) -> bytes:
        if code == old:
            raise NotFound("Không tìm thấy tệp giấy tờ trong kho lưu.")
        return real(uow_factory, actor=actor, code=code)

    monkeypatch.setattr("engine.reports.retention.export_archive", paper_lost)
    archive = tmp_path / "archive"
    archive.mkdir()
    run = apply_retention(platform.uow, years=1, folder=archive)
    assert run.failed == [{"code": old, "problem": "Không tìm thấy tệp giấy tờ trong kho lưu."}]
    assert [a["code"] for a in run.archived] == [recent]
    assert [r["code"] for r in _retained(platform)] == [recent]  # the lost one is tried again
