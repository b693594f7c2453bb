"""Backups on both databases: dossiers with papers backed up with `motcua backup create`,
restored with `motcua backup restore` into a new, empty database — every table's rows, the
papers' bytes and the audit chain come back; a non-empty target, a tampered backup and a
backup of the other database kind are refused with the reason, and nothing is written."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from flask import Flask

from engine.core.clock import FixedClock
from engine.operations import kept, scheduled_backup, verify_backup
from engine.wiring import Platform
from tests.conftest import _pg_url
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PDF, PERMIT, login, permit_data
from webapp.cli import main

MOTCUA = Path(sys.executable).parent / "motcua"
ROOT = Path(__file__).resolve().parents[2]


def _cli(database_url: str, tmp_path: Path, *args: str) -> Result:
    env = {
        "MOTCUA_DATABASE_URL": database_url,
        "MOTCUA_INSTANCE": str(tmp_path / "instance"),
        "MOTCUA_ATTACHMENT_STORE": "database",
    }
    return CliRunner().invoke(main, list(args), env=env)


def _motcua(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as an operator runs it."""
    env = {
        **os.environ,
        "MOTCUA_DATABASE_URL": database_url,
        "MOTCUA_INSTANCE": str(tmp_path / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(  # noqa: S603
        [str(MOTCUA), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty database of the same kind as the test's."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    name = f"motcua_r_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _dossiers_with_papers(app: Flask) -> list[tuple[str, int, bytes]]:
    """Three dossiers, each with a paper (one replaced, the old file kept): (code,
    attachment id, bytes)."""
    citizen = app.test_client()
    login(citizen, "congdan")
    made = []
    for number in range(3):
        code = citizen.post(
            "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
        ).json["code"]
        content = PDF + f"% giấy tờ {number}\n".encode()
        if number == 0:  # replaced: the old file stays as history
            citizen.post(
                f"/api/v1/dossiers/{code}/attachments",
                data={"paper": PAPERS[0], "file": (io.BytesIO(PDF + b"% cu\n"), "cu.pdf")},
            )
        answer = citizen.post(
            f"/api/v1/dossiers/{code}/attachments",
            data={"paper": PAPERS[0], "file": (io.BytesIO(content), f"giay-{number}.pdf")},
        )
        assert answer.status_code == 201, answer.json
        made.append((code, int(answer.json["id"]), content))
    return made


def _row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # noqa: S608
                for name in sa.inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def _papers_hash(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT sha256, content FROM attachment_contents ORDER BY sha256")
            ).all()
    finally:
        engine.dispose()
    digest = hashlib.sha256()
    for sha256, content in rows:
        assert hashlib.sha256(content).hexdigest() == sha256
        digest.update(sha256.encode() + bytes(content))
    return digest.hexdigest()


def test_a_backup_restores_into_a_new_database_whole(
    app: Flask,
    platform: Platform,
    database_url: str,
    empty_url: str,
    tmp_path: Path,
    clock: FixedClock,
) -> None:
    made = _dossiers_with_papers(app)
    clock.advance(timedelta(hours=1))
    backup = tmp_path / "backup"
    created = _cli(database_url, tmp_path, "backup", "create", str(backup))
    assert created.exit_code == 0, created.output
    assert created.output.startswith(f"Đã sao lưu vào {backup}: ")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"] == platform.engine.dialect.name
    assert manifest["schema_revision"] == _row_versions(database_url)
    assert manifest["tables"] == _row_counts(database_url)
    assert manifest["tables"]["attachments"] >= 4 and manifest["tables"]["audit_log"] > 0
    verified = _cli(database_url, tmp_path, "backup", "verify", str(backup))
    assert verified.exit_code == 0 and "nguyên vẹn" in verified.output

    restored = _cli(empty_url, tmp_path, "backup", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert _row_counts(empty_url) == _row_counts(database_url) == manifest["tables"]
    assert _papers_hash(empty_url) == _papers_hash(database_url)
    audit = _motcua(empty_url, tmp_path, "audit", "verify")
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout.startswith("Nhật ký kiểm toán nguyên vẹn")
    assert audit.stdout == _motcua(database_url, tmp_path, "audit", "verify").stdout

    # The restored platform serves the same papers to the same people.
    again = Platform(empty_url, clock=clock)
    try:
        from webapp import create_app

        officer = create_app(
            {"TESTING": True, "PLATFORM": again, "SECRET_KEY": "t", "DATABASE_URL": empty_url}
        ).test_client()
        login(officer, "motcua.minhxuan")
        for code, attachment_id, content in made:
            answer = officer.get(f"/api/v1/dossiers/{code}/attachments/{attachment_id}")
            assert answer.status_code == 200 and answer.data == content
    finally:
        again.dispose()

    # A second restore into the now-filled database is refused and writes nothing.
    before = _row_counts(empty_url)
    refused = _cli(empty_url, tmp_path, "backup", "restore", str(backup))
    assert refused.exit_code == 1
    assert "Cơ sở dữ liệu đích không trống" in refused.output
    assert _row_counts(empty_url) == before


def _row_versions(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_tampered_backup_is_named_and_never_restored(
    platform: Platform, database_url: str, empty_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    assert _cli(database_url, tmp_path, "backup", "create", str(backup)).exit_code == 0
    dump = backup / "database.sqlite3"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    (backup / "ghi-chu.txt").write_text("lạ")
    verified = _cli(database_url, tmp_path, "backup", "verify", str(backup))
    assert verified.exit_code == 1
    assert "database.sqlite3: nội dung không khớp mã SHA-256 trong bản kê" in verified.output
    assert "ghi-chu.txt: tệp không có trong bản kê" in verified.output
    refused = _cli(empty_url, tmp_path, "backup", "restore", str(backup))
    assert refused.exit_code == 1 and "không toàn vẹn" in refused.output
    assert not Path(empty_url.removeprefix("sqlite:///")).exists() or _row_counts(empty_url) == {}


def test_a_link_planted_in_a_backup_is_named_and_never_followed(
    platform: Platform, database_url: str, empty_url: str, tmp_path: Path
) -> None:
    """A backup folder is read by an operator with the database's rights: a paper replaced
    by a link to a file elsewhere (here the system's password list) must not be hashed nor
    restored as a paper."""
    backup = tmp_path / "backup"
    assert _cli(database_url, tmp_path, "backup", "create", str(backup)).exit_code == 0
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    name = next(n for n in manifest["files"] if n != "database.sqlite3" and "/" in n) \
        if any("/" in n for n in manifest["files"]) else None
    planted = backup / (name or "attachments/planted")
    planted.parent.mkdir(parents=True, exist_ok=True)
    if planted.exists():
        planted.unlink()
    planted.symlink_to("/etc/passwd")
    verified = _cli(database_url, tmp_path, "backup", "verify", str(backup))
    assert verified.exit_code == 1
    assert "là liên kết tới tệp khác" in verified.output
    refused = _cli(empty_url, tmp_path, "backup", "restore", str(backup))
    assert refused.exit_code == 1 and "không toàn vẹn" in refused.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_refuses_a_used_folder_and_a_folder_without_manifest(
    platform: Platform, database_url: str, tmp_path: Path
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x")
    refused = _cli(database_url, tmp_path, "backup", "create", str(used))
    assert refused.exit_code == 1 and "đã có dữ liệu" in refused.output
    assert [p.name for p in used.iterdir()] == ["x"]
    unreadable = _cli(database_url, tmp_path, "backup", "verify", str(tmp_path / "khong-co"))
    assert unreadable.exit_code == 1 and "không phải bản sao lưu đọc được" in unreadable.output


@pytest.mark.postgres
def test_a_sqlite_backup_is_not_restored_into_postgresql(
    seeded_sqlite: Path, postgres_admin: sa.Engine, tmp_path: Path
) -> None:
    source = tmp_path / "motcua.db"
    shutil.copy(seeded_sqlite, source)
    backup = tmp_path / "backup"
    assert _cli(f"sqlite:///{source}", tmp_path, "backup", "create", str(backup)).exit_code == 0
    name = f"motcua_x_{uuid.uuid4().hex[:10]}"
    with postgres_admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        refused = _cli(_pg_url(name), tmp_path, "backup", "restore", str(backup))
        assert refused.exit_code == 1
        assert "chỉ khôi phục được vào sqlite, không vào postgresql" in refused.output
    finally:
        with postgres_admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_retention_keeps_the_newest_of_each_recent_day_and_month() -> None:
    names = [f"motcua-202611{day:02d}-010000" for day in range(1, 31)] + [
        "motcua-20261130-130000",
        "motcua-20261031-010000",
        "motcua-20261015-010000",
        "motcua-20260930-010000",
        "motcua-20260831-010000",
        "ghi-chu",
        "motcua-2026-bad",
    ]
    assert kept(names, keep_daily=3, keep_monthly=3) == {
        "motcua-20261130-130000",
        "motcua-20261129-010000",
        "motcua-20261128-010000",
        "motcua-20261031-010000",
        "motcua-20260930-010000",
    }
    assert kept(names, keep_daily=0, keep_monthly=0) == set()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_scheduled_backup_is_whole_and_prunes_only_old_backups(
    platform: Platform, tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "backups"
    for name in ("motcua-20260901-013000", "motcua-20261001-013000", "motcua-20261124-013000"):
        (folder / name).mkdir(parents=True)
        (folder / name / "manifest.json").write_text("{}")
    (folder / "motcua-20260801-013000").mkdir()  # no manifest: not ours to delete
    (folder / "tai-lieu-khac").mkdir()
    (folder / ".partial-motcua-20261125-080000").mkdir()  # a crash's leftover at this time
    done = scheduled_backup(
        platform.engine, folder, storage=platform.storage, now=clock.now(), keep_daily=2, keep_monthly=2
    )
    assert done["path"] == str(folder / "motcua-20261125-080000")
    assert sorted(p.name for p in folder.iterdir()) == [
        "motcua-20260801-013000",
        "motcua-20261001-013000",
        "motcua-20261124-013000",
        "motcua-20261125-080000",
        "tai-lieu-khac",
    ]
    assert done["removed"] == ["motcua-20260901-013000"]
    manifest, problems = verify_backup(Path(done["path"]))
    assert problems == [] and manifest["tables"]["dossiers"] == _row_counts(platform.database_url)["dossiers"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_worker_backs_up_daily_only_when_a_folder_is_named(
    platform: Platform, database_url: str, tmp_path: Path
) -> None:
    from celery.schedules import crontab

    import worker.tasks  # noqa: F401  (registers the shared tasks)
    from worker.app import context, make_celery

    base = {"DATABASE_URL": database_url, "INSTANCE": str(tmp_path / "instance"), "TIMER_LOOP": "0"}
    assert "daily-backup" not in make_celery(base).conf.beat_schedule
    folder = tmp_path / "backups"
    (folder / "motcua-20200101-013000").mkdir(parents=True)
    (folder / "motcua-20200101-013000" / "manifest.json").write_text("{}")
    app = make_celery(
        {
            **base,
            "BACKUP_DIR": str(folder),
            "BACKUP_AT": "02:15",
            "BACKUP_KEEP_DAILY": "1",
            "BACKUP_KEEP_MONTHLY": "0",
        }
    )
    assert app.conf.beat_schedule["daily-backup"] == {
        "task": "motcua.backup",
        "schedule": crontab(hour=2, minute=15),
    }
    try:
        done = app.tasks["motcua.backup"].apply().get()
    finally:
        context(app).platform.dispose()
    assert done["removed"] == ["motcua-20200101-013000"]
    assert [p.name for p in folder.iterdir()] == [Path(done["path"]).name]
    assert verify_backup(Path(done["path"]))[1] == []
