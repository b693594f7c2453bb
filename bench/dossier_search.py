"""p95 latency of the agency's dossier list (engine/dossiers/search.py) in PostgreSQL over
1,000,000 dossiers spread over 50 agencies and a year, with one task each (the open step
of open dossiers, the completed last step of the others, completed by one of the four
officers of its agency).

Data is generated inside PostgreSQL (INSERT … SELECT generate_series); each query asks for
a filtered page of 50 through the engine service, as the desk officer of one agency, with
filters varied over the run (no filter, status, quick views, a name, a code, received
between, late, a step, an officer, a procedure, a whole code and a code's end, and the
second page of each). Prints
`dossier-search-p95-ms-1m: X`. The database is created and dropped here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace
from datetime import date
from itertools import cycle
from typing import Any

import sqlalchemy as sa

from bench.inbox_latency import ADMIN_URL, _database, _setup
from engine.core.actors import Actor
from engine.core.permissions import DESK
from engine.dossiers.search import DossierQuery, search_dossiers
from engine.wiring import Platform

DOSSIERS = 1_000_000
OFFICERS = 200  # four to an agency

# Dossier n: agency n % 50 (code `BENCH.<agency>-<Vietnamese day YYMMDD>-<n>`, as
# `next_dossier_code` shapes them, so a typed code's end finds its day), submitted at an
# instant of 2026 spread evenly, received an hour later, due 15 days later; from 25 November
# still open (status 4, one in 9 waiting for a supplement, one in 23 for a fee), earlier ones
# returned (one in seven late).
_DOSSIERS = sa.text("""
INSERT INTO dossiers (id, code, agency_id, version_id, applicant_name, applicant_search,
    applicant_id_number, channel, data, status, workflow_state, submitted_at, received_at,
    due_at, ended_at, returned_at, row_version, paused_seconds, supplement_rounds)
SELECT n, 'BENCH.' || lpad((n % 50)::text, 2, '0') || '-'
        || to_char(timezone('Asia/Ho_Chi_Minh', s::timestamptz), 'YYMMDD') || '-'
        || lpad(n::text, 7, '0'), (:agencies)[1 + n % 50], :version,
    (ARRAY['Nguyễn Văn An','Trần Thị Bình','Lê Văn Cường','Phạm Thị Dung','Hoàng Văn Em'])[1 + n / 50 % 5]
        || ' ' || n,
    (ARRAY['nguyen van an','tran thi binh','le van cuong','pham thi dung','hoang van em'])[1 + n / 50 % 5]
        || ' ' || n,
    lpad((8090000000 + n % 200000)::text, 12, '0'),
    (ARRAY['online','online','desk','post'])[1 + n % 4], '{}'::jsonb,
    CASE WHEN s < timestamp '2026-11-25' THEN 10 WHEN n % 9 = 0 THEN 5 WHEN n % 23 = 0 THEN 6
         ELSE 4 END,
    '{}'::jsonb, s, s + interval '1 hour', s + interval '15 days',
    CASE WHEN s >= timestamp '2026-11-25' THEN NULL
         WHEN n % 7 = 1 THEN s + interval '17 days' ELSE s + interval '9 days' END,
    CASE WHEN s >= timestamp '2026-11-25' THEN NULL ELSE s + interval '10 days' END, 1, 0, 0
FROM (SELECT n, timestamp '2026-01-01' + (n * interval '31536 seconds') / 1000 AS s
      FROM generate_series(1, :count) AS n) AS g
""")

_TASKS = sa.text("""
INSERT INTO tasks (dossier_id, spiff_id, bpmn_id, name, role, agency_id, form, state,
    created_at, due_at, completed_at, completed_by_id, assignee_id)
SELECT d.id, md5(d.id::text), s.step, s.label, s.role, d.agency_id, s.step || '.schema.json',
    CASE WHEN d.status = 10 THEN 'completed' ELSE 'open' END, d.received_at,
    d.received_at + interval '5 days', CASE WHEN d.status = 10 THEN d.ended_at END,
    CASE WHEN d.status = 10 THEN (:officers)[1 + (d.id % 50) * 4 + (d.id / 50) % 4] END,
    CASE WHEN d.status <> 10 AND d.id % 3 = 0
         THEN (:officers)[1 + (d.id % 50) * 4 + (d.id / 50) % 4] END
FROM dossiers d
JOIN (VALUES (0, 'tiep_nhan', 'Tiếp nhận, kiểm tra hồ sơ', 'mot_cua'),
             (1, 'tham_dinh', 'Thẩm định hồ sơ, đề xuất', 'chuyen_vien'),
             (2, 'phe_duyet', 'Xem xét, ký duyệt', 'lanh_dao')) AS s(k, step, label, role)
  ON s.k = d.id % 3
""")


def _load(platform: Platform, version_id: int, agencies: list[int]) -> list[int]:
    with platform.engine.begin() as connection:
        officers = [int(i) for i in connection.execute(sa.text(
            "INSERT INTO accounts (username, password_hash, full_name, kind, active, created_at,"
            " failed_logins, locked_reason, totp_last_step) SELECT 'canbo' || k, 'x', "
            "'Cán bộ ' || k, 'officer', true, now(), 0, '', 0 FROM generate_series(1, :n) k "
            "RETURNING id"), {"n": OFFICERS}).scalars()]
        connection.execute(_DOSSIERS, {"agencies": agencies, "version": version_id,
                                       "count": DOSSIERS})
        connection.execute(_TASKS, {"officers": officers})
        connection.execute(sa.text("SELECT setval('dossiers_id_seq', :n)"), {"n": DOSSIERS})
    with platform.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("VACUUM ANALYZE dossiers")
        c.exec_driver_sql("VACUUM ANALYZE tasks")
    return officers


def _queries(officers: list[int], code: str) -> list[DossierQuery]:
    """The filters an officer uses, each also asked for its second page; `code` is one of
    the agency's dossiers, searched whole and by its end in lower case (`261130-0003`, as
    people read it off a receipt: `codes.code_ending`)."""
    return [
        DossierQuery(), DossierQuery(status=5), DossierQuery(status=6),
        DossierQuery(view="processing"), DossierQuery(view="supplement"),
        DossierQuery(view="done_by_me"), DossierQuery(search="tran thi binh"),
        DossierQuery(search=code), DossierQuery(search=code.split("-", 1)[1].lower()),
        DossierQuery(search="008090000050"),
        DossierQuery(received_from=date(2026, 3, 1), received_to=date(2026, 3, 31)),
        DossierQuery(timeliness="late"), DossierQuery(timeliness="on_time", view="processing"),
        DossierQuery(step="tham_dinh"), DossierQuery(officer=officers[0]),
        DossierQuery(procedure="1.009994", status=10),
        DossierQuery(status=10, received_from=date(2026, 6, 1), received_to=date(2026, 6, 30)),
    ]


def _timed(platform: Platform, actor: Actor, query: DossierQuery) -> tuple[float, dict[str, Any]]:
    began = time.perf_counter()
    with platform.uow() as uow:
        page = search_dossiers(uow, actor=actor, query=query)
    return (time.perf_counter() - began) * 1000, page


def _measure(platform: Platform, actor: Actor, queries: list[DossierQuery],
             count: int) -> tuple[list[float], int]:
    """`count` pages: each filter's first page, then its second when there is one."""
    timings: list[float] = []
    rows = 0
    for query in cycle(queries):
        if len(timings) >= count:
            break
        took, page = _timed(platform, actor, query)
        timings.append(took)
        rows += len(page["dossiers"])
        if page["next"] and len(timings) < count:
            took, second = _timed(platform, actor, replace(query, after=page["next"]))
            timings.append(took)
            rows += len(second["dossiers"])
    return timings, rows


def main() -> None:
    """Generate, measure, print, drop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=200)
    args, _ = parser.parse_known_args()
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = _database(admin)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    platform = Platform(url)
    try:
        version_id, agencies = _setup(platform)
        began = time.perf_counter()
        officers = _load(platform, version_id, agencies)
        loaded = time.perf_counter() - began
        actor = Actor(account_id=officers[0], kind="officer", name="Một cửa thử tải",
                      grants=frozenset({(agencies[0], DESK)}))
        with platform.engine.connect() as connection:
            code = connection.execute(sa.text("SELECT code FROM dossiers WHERE id = 500050")
                                      ).scalar_one()
        queries = _queries(officers, code)
        _measure(platform, actor, queries, len(queries))  # warm-up
        timings, rows = _measure(platform, actor, queries, args.queries)
        p95 = statistics.quantiles(timings, n=20)[18]
        print(f"dossier search: {DOSSIERS:,} dossiers over {len(agencies)} agencies, "
              f"{len(queries)} filters, {args.queries} pages of 50 (first and second pages), "
              f"{rows} rows; data generated in {loaded:.0f} s; median "
              f"{statistics.median(timings):.1f} ms; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        print(f"dossier-search-p95-ms-1m: {p95:.1f}")
    finally:
        platform.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
