"""How long reports take over a year of a province's dossiers, in PostgreSQL:
1,000,000 dossiers over 50 agencies and 12 months, 10,000,000 events.

Data is generated inside PostgreSQL (INSERT … SELECT generate_series); the reports run
through the engine services as an administrator would ask for them. Prints
`report-month-province-s: X` (the standard report, every agency, November) and
`indicators-766-agency-s: Y` (the QĐ 766 indicators of one agency, November).
"""

from __future__ import annotations

import time
from datetime import date

import sqlalchemy as sa

from bench.inbox_latency import ADMIN_URL, _database, _setup
from engine.core.actors import SYSTEM
from engine.reports.indicators import indicators
from engine.reports.statistics import Period, statistics_report
from engine.wiring import Platform

DOSSIERS = 1_000_000
EVENTS_PER_DOSSIER = 10

# Each dossier n: agency n % 50, submitted at an instant of 2026 spread evenly, received an
# hour later, due 15 days later; those submitted from 25 November still open, one in
# seven late, one in thirteen with two supplement rounds, one in 97 extended; channels
# online/desk/post 3:2:1.
_DOSSIERS = sa.text("""
INSERT INTO dossiers (id, code, agency_id, version_id, applicant_name, applicant_search,
    applicant_id_number, channel, data, status, outcome, workflow_state, submitted_at,
    received_at, due_at, ended_at, returned_at, row_version, paused_seconds,
    supplement_rounds, extended_at)
SELECT n, 'BENCH-' || n, (:agencies)[1 + n % 50], :version, 'Người thử', 'nguoi thu',
    '008090001234', (ARRAY['online','online','online','desk','desk','post'])[1 + n % 6],
    '{}'::jsonb, CASE WHEN s >= timestamp '2026-11-25' THEN 4 ELSE 10 END, NULL, '{}'::jsonb, s,
    s + interval '1 hour', s + interval '15 days',
    CASE WHEN s >= timestamp '2026-11-25' THEN NULL
         WHEN n % 7 = 1 THEN s + interval '17 days' ELSE s + interval '9 days' END,
    CASE WHEN s >= timestamp '2026-11-25' THEN NULL ELSE s + interval '10 days' END,
    1, 0, CASE WHEN n % 13 = 7 THEN 2 ELSE 0 END,
    CASE WHEN n % 97 = 0 THEN s + interval '12 days' END
FROM (SELECT n, timestamp '2026-01-01' + (n * interval '31536 seconds') / 1000 AS s
      FROM generate_series(1, :count) AS n) AS g
""")

_EVENTS = sa.text("""
INSERT INTO events (dossier_id, kind, at, status, channel, step, note)
SELECT d, (ARRAY['submitted','received','task_claimed','task_completed','task_completed',
                 'task_completed','task_assigned','ended','returned','reminder'])[1 + k],
       timestamp '2026-01-01' + (d * interval '31536 seconds') / 1000 + k * interval '1 day',
       4, 'online', 'tham_dinh', ''
FROM generate_series(1, :count) AS d, generate_series(0, :per - 1) AS k
""")


def main() -> None:
    """Generate, measure, print, drop."""
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = _database(admin)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    platform = Platform(url)
    try:
        version_id, agencies = _setup(platform)
        began = time.perf_counter()
        with platform.engine.begin() as connection:
            connection.execute(_DOSSIERS, {"agencies": agencies, "version": version_id,
                                           "count": DOSSIERS})
            connection.execute(_EVENTS, {"count": DOSSIERS, "per": EVENTS_PER_DOSSIER})
        with platform.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("ANALYZE dossiers")
            c.exec_driver_sql("ANALYZE events")
        loaded = time.perf_counter() - began
        november = Period(date(2026, 11, 1), date(2026, 11, 30))
        timings = []
        for _ in range(3):
            began = time.perf_counter()
            with platform.uow() as uow:
                report = statistics_report(uow, actor=SYSTEM, period=november)
            timings.append(time.perf_counter() - began)
        agency_timings = []
        for _ in range(3):
            began = time.perf_counter()
            with platform.uow() as uow:
                found = indicators(uow, actor=SYSTEM, agency_code="000.00.00.H64",
                                   start=november.start, end=november.end)
            agency_timings.append(time.perf_counter() - began)
        print(f"reports: {DOSSIERS:,} dossiers over {len(agencies)} agencies and 12 months, "
              f"{DOSSIERS * EVENTS_PER_DOSSIER:,} events (generated in {loaded:.0f} s); "
              f"November: {report['total']['received']['total']:,} received province-wide, "
              f"on-time rate of one agency {found['indicators'][0]['value']}")
        print(f"report-month-province-s: {min(timings):.2f}")
        print(f"indicators-766-agency-s: {min(agency_timings):.2f}")
    finally:
        platform.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
