"""p95 latency of the inbox API for one officer, in PostgreSQL: 100,000 open tasks spread
over 50 agencies, then the same query once the database holds 1,000,000 dossiers.

Data is generated here with COPY; requests go through the real Flask app (WSGI, in
process), the officer logged in with a session cookie. Prints `inbox-p95-ms-100k: X` and
`inbox-p95-ms-1m: Y`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from engine.core.actors import SYSTEM
from engine.core.models import Agency, Province
from engine.identity.accounts import create_account
from engine.procedures.catalogue import import_package
from engine.procedures.versions import act
from engine.seed import DEMO_PASSWORD, PROCEDURES
from engine.wiring import Platform
from webapp import create_app

ADMIN_URL = os.environ.get("MOTCUA_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AGENCIES = 50
ROLES = ("mot_cua", "chuyen_vien", "lanh_dao")
STEPS = {"mot_cua": ("tiep_nhan", "Tiếp nhận, kiểm tra hồ sơ"),
         "chuyen_vien": ("tham_dinh", "Thẩm định hồ sơ, đề xuất"),
         "lanh_dao": ("phe_duyet", "Xem xét, ký duyệt")}
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em")


def _database(admin: sa.Engine) -> str:
    name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return name


def _setup(platform: Platform) -> tuple[int, list[int]]:
    """50 agencies, the permit published at the first, one specialist there."""
    platform.migrate()
    with platform.uow() as uow:
        province = Province(name="Tuyên Quang", periods=[["07:00", "11:30"], ["13:30", "17:00"]],
                            calendar_version=1)
        uow.session.add(province)
        uow.session.flush()
        for n in range(AGENCIES):
            uow.session.add(Agency(code=f"000.00.{n:02d}.H64", name=f"UBND xã số {n}",
                                   province_id=province.id))
        uow.session.flush()
        create_account(uow, username="chuyenvien.bench", password=DEMO_PASSWORD,
                       full_name="Chuyên viên thử tải", kind="officer",
                       roles=(("000.00.00.H64", "chuyen_vien"),))
        uow.commit()
    with platform.uow() as uow:
        _, version = import_package(uow, actor=SYSTEM, agency_code="000.00.00.H64",
                                    path=PROCEDURES / "cap-giay-phep-xay-dung-nha-o")
    assert version is not None
    with platform.uow() as uow:
        act(uow, actor=SYSTEM, agency_code="000.00.00.H64", code=version["code"], number=1,
            action="publish", effective_from=datetime(2026, 1, 1, tzinfo=UTC))
    with platform.engine.connect() as connection:
        version_id = connection.execute(sa.text("SELECT id FROM procedure_versions")).scalar_one()
        agencies = list(connection.execute(sa.text("SELECT id FROM agencies ORDER BY id")).scalars())
    return int(version_id), agencies


def _load(platform: Platform, *, version_id: int, agencies: list[int], start_id: int,
          count: int, open_tasks: bool) -> None:
    """COPY `count` dossiers, each with one task (open, or completed for closed dossiers)."""
    now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC).replace(tzinfo=None)
    raw = platform.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(
            "COPY dossiers (id, code, agency_id, version_id, applicant_name, applicant_search, "
            "applicant_id_number, channel, data, status, workflow_state, submitted_at, "
            "received_at, due_at, ended_at, row_version, paused_seconds, supplement_rounds) "
            "FROM STDIN"
        ) as copy:
            for n in range(start_id, start_id + count):
                agency = agencies[n % len(agencies)]
                name = NAMES[n % len(NAMES)]
                received = now - timedelta(hours=n % 500)
                copy.write_row((
                    n, f"BENCH-{n:08d}", agency, version_id, name, name.lower(), "008090001234",
                    "online", "{}", 4 if open_tasks else 10, "{}", received, received,
                    received + timedelta(days=21), None if open_tasks else received, 1, 0, 0))
        with cursor.copy(
            "COPY tasks (dossier_id, spiff_id, bpmn_id, name, role, agency_id, form, state, "
            "created_at, due_at, completed_at) FROM STDIN"
        ) as copy:
            for n in range(start_id, start_id + count):
                role = ROLES[n % len(ROLES)]
                step, label = STEPS[role]
                created = now - timedelta(hours=n % 500)
                copy.write_row((
                    n, str(uuid.UUID(int=n)), step, label, role, agencies[n % len(agencies)],
                    f"{step}.schema.json", "open" if open_tasks else "completed", created,
                    created + timedelta(days=(n % 14) - 4), None if open_tasks else created))
        cursor.execute("SELECT setval('dossiers_id_seq', (SELECT max(id) FROM dossiers))")
        raw.commit()
        cursor.execute("ANALYZE dossiers")
        cursor.execute("ANALYZE tasks")
        raw.commit()
    finally:
        raw.close()


def _p95(client: Any, requests: int) -> tuple[float, int]:
    timings = []
    total = 0
    for n in range(requests):
        path = "/api/v1/tasks" if n % 2 == 0 else "/api/v1/tasks?urgency=overdue"
        began = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.json
        total = response.json["total"] if n % 2 == 0 else total
    return statistics.quantiles(timings, n=20)[18], total


def main() -> None:
    """Generate, measure, print, drop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args, _ = parser.parse_known_args()
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = _database(admin)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    platform = Platform(url)
    try:
        version_id, agencies = _setup(platform)
        began = time.perf_counter()
        _load(platform, version_id=version_id, agencies=agencies, start_id=1, count=100_000,
              open_tasks=True)
        loaded = time.perf_counter() - began
        app = create_app({"PLATFORM": platform, "SECRET_KEY": "bench", "DATABASE_URL": url})
        client = app.test_client()
        login = client.post("/api/v1/session", data=json.dumps(
            {"username": "chuyenvien.bench", "password": DEMO_PASSWORD}),
            content_type="application/json")
        assert login.status_code == 201
        _p95(client, 20)  # warm-up
        p95_small, mine = _p95(client, args.requests)
        began = time.perf_counter()
        _load(platform, version_id=version_id, agencies=agencies, start_id=100_001,
              count=900_000, open_tasks=False)
        loaded += time.perf_counter() - began
        _p95(client, 20)
        p95_large, mine_large = _p95(client, args.requests)
        assert mine_large == mine
        print(f"inbox: 100,000 open tasks over {AGENCIES} agencies; the officer's scope holds "
              f"{mine} of them; {args.requests} requests each (page of 50 + counts); data "
              f"generated in {loaded:.0f} s")
        print(f"inbox-p95-ms-100k: {p95_small:.1f}")
        print(f"inbox-p95-ms-1m: {p95_large:.1f}")
    finally:
        platform.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
