"""National portal sync lag: 10,000 status changes pushed to the portal simulator answering
slowly and failing 10% of calls, delivered as the worker does it.

Status changes are real commits through the unit of work (the events, their audit entries
and the portal feed's outbox rows in one transaction, `--per-commit` status changes of
different dossiers each), spread over 500 dossiers (copies of one permit submitted through
the engine) and made by one thread as fast as PostgreSQL takes them. Delivery runs the
worker's task body (`integrations.deliver` round after round while messages go) at each
beat tick (`worker.app.CONNECTOR_SECONDS`), against `tests/simulators/portal.py` on loopback
(each answer after `--delay` seconds, `--fail` of calls refused with 503, nothing applied).
Lag of a status change: its dossier-sync row's `delivered_at − created_at` (commit to
acknowledged push, marked after the acknowledgement).

Prints `portal-sync-lag-p99-s: X` (target ≤ 60), p50 and max, `portal-sync-lost: N` (messages
written but never applied by the portal) and `portal-sync-doubled: N` (messages sent again
after the portal had acknowledged them). Bounded by `--timeout`; drops its database.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from engine.core.actors import ANONYMOUS
from engine.core.models import Dossier, OutboxMessage
from engine.dossiers import submit_dossier
from engine.seed import MINH_XUAN, load_samples
from engine.wiring import Platform
from integrations import deliver, registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the simulator lives in tests/
from tests.simulators.portal import SECRET, PortalState, running_portal
from worker.app import CONNECTOR_SECONDS
from worker.tasks import CONNECTOR_ROUNDS

ADMIN_URL = os.environ.get("MOTCUA_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PERMIT = "1.009994"
DOSSIERS = cast(sa.Table, Dossier.__table__)
MESSAGES = cast(sa.Table, OutboxMessage.__table__)
APPLICATION: dict[str, Any] = {
    "ho_ten": "Nguyễn Văn An", "so_dinh_danh": "008090001234", "dien_thoai": "0912345678",
    "dia_chi_lien_he": "Tổ 5, phường Minh Xuân",
    "lo_dat": {"dia_chi": "Số 12 đường Bình Thuận", "so_thua": "215", "to_ban_do": "34",
               "dien_tich": 120.5},
    "cong_trinh": {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "cap_cong_trinh": "III",
                   "dien_tich_xay_dung": 80, "so_tang": 3, "chieu_cao": 12.5},
    "don_vi_thiet_ke": [{"ten": "Công ty TNHH Thiết kế Sông Lô", "chung_chi": "TUQ-00123"}],
    "cam_ket": True,
}
STATUSES = (2, 4, 5, 4, 6, 4, 9, 10)


@contextmanager
def _postgres() -> Iterator[str]:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"motcua_bench_portal_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _dossiers(platform: Platform, count: int) -> list[int]:
    """One permit submitted through the engine and `count - 1` copies of its row."""
    with platform.uow() as uow:
        code = submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT, agency_code=MINH_XUAN,
                              data=APPLICATION)["code"]
    with platform.engine.begin() as connection:
        row = dict(connection.execute(sa.select(DOSSIERS).where(DOSSIERS.c.code == code)).mappings().one())
        first = int(connection.execute(sa.select(sa.func.max(DOSSIERS.c.id))).scalar_one()) + 1
        copies = [{**row, "id": first + n, "code": f"{code}-{n:04d}"} for n in range(count - 1)]
        for start in range(0, len(copies), 500):
            connection.execute(sa.insert(DOSSIERS), copies[start:start + 500])
        connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('dossiers', 'id'), "
                                   "(SELECT max(id) FROM dossiers))")
        connection.execute(sa.delete(MESSAGES))  # the submission's own messages: not measured
    return [row["id"], *(c["id"] for c in copies)]


def _produce(
    platform: Platform, ids: list[int], changes: int, per_commit: int, done: threading.Event
) -> None:
    """`changes` status changes round-robin over the dossiers, `per_commit` (of different
    dossiers) in each transaction."""
    try:
        started = time.monotonic()
        for first in range(0, changes, per_commit):
            with platform.uow() as uow:
                now = uow.clock.now()
                for n in range(first, min(first + per_commit, changes)):
                    dossier_id, status = ids[n % len(ids)], STATUSES[(n // len(ids)) % len(STATUSES)]
                    uow.connection.execute(sa.update(DOSSIERS).where(DOSSIERS.c.id == dossier_id)
                                           .values(status=status))
                    uow.add_event({"dossier_id": dossier_id, "kind": "status_changed", "at": now,
                                   "actor_id": None, "status": status, "channel": "online",
                                   "task_id": None, "step": None, "step_due_at": None,
                                   "due_at": None, "note": f"bench {n}"})
                uow.commit()
        print(f"  {changes} status changes committed in {time.monotonic() - started:.1f} s")
    finally:
        done.set()


def _deliver(platform: Platform, url: str, produced: threading.Event, deadline: float) -> None:
    """The worker: at each beat tick, the task's rounds while messages go."""
    connectors = registry().build({"portal": {"implementation": "real", "url": url, "secret": SECRET,
                                              "timeout": 10}})
    while time.monotonic() < deadline:
        tick = time.monotonic()
        sent = 0
        for _ in range(CONNECTOR_ROUNDS):
            if time.monotonic() > deadline:
                return
            done = deliver(platform.uow, connectors, platform.clock.now)
            sent += done["sent"] + done["failed"]
            if not done["sent"]:
                break
        if produced.is_set() and not sent and _waiting(platform) == 0:
            return
        time.sleep(max(0.0, CONNECTOR_SECONDS - (time.monotonic() - tick)))


def _waiting(platform: Platform) -> int:
    with platform.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).where(
            MESSAGES.c.delivered_at.is_(None))).scalar_one())


def run(args: argparse.Namespace) -> dict[str, float]:
    """Measure once; the figures printed."""
    with _postgres() as url, running_portal(PortalState(delay=args.delay, fail_rate=args.fail)) as (
        portal_url, state
    ):
        platform = Platform(url)
        try:
            platform.migrate()
            load_samples(platform)
            ids = _dossiers(platform, args.dossiers)
            started = time.monotonic()
            produced = threading.Event()
            producer = threading.Thread(
                target=_produce, args=(platform, ids, args.changes, args.per_commit, produced))
            producer.start()
            _deliver(platform, portal_url, produced, started + args.timeout)
            producer.join()
            elapsed = time.monotonic() - started
            with platform.engine.connect() as connection:
                rows = connection.execute(sa.select(MESSAGES.c.event_id, MESSAGES.c.created_at,
                                                    MESSAGES.c.delivered_at)
                                          .where(MESSAGES.c.kind == "dossier-sync")).all()
                written = set(connection.execute(sa.select(MESSAGES.c.event_id)).scalars())
        finally:
            platform.dispose()
    lags = sorted((r.delivered_at - r.created_at).total_seconds() for r in rows if r.delivered_at)
    syncs = {r.event_id for r in rows}
    return {
        "changes": len(rows), "messages": len(written), "elapsed": elapsed,
        "p50": statistics.median(lags) if lags else float("nan"),
        "p99": lags[int(len(lags) * 0.99) - 1] if lags else float("nan"),
        "max": lags[-1] if lags else float("nan"),
        "lost": len(syncs - set(state.applied)), "lost_all": len(written - set(state.applied)),
        "doubled": len(state.keys_acknowledged_twice()),
        "calls": len(state.calls), "failed_calls": sum(c.status != 200 for c in state.calls),
    }


def main() -> None:
    """Run the bench and print its lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--dossiers", type=int, default=500)
    parser.add_argument("--per-commit", type=int, default=20, help="status changes per transaction")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds the portal takes per answer")
    parser.add_argument("--fail", type=float, default=0.1, help="share of calls the portal refuses")
    parser.add_argument("--timeout", type=float, default=150.0)
    args, _ = parser.parse_known_args()
    logging.getLogger("motcua.connectors").setLevel(logging.ERROR)  # each refused call, 1,000 times
    result = run(args)
    print(f"portal sync: {result['changes']:.0f} status changes ({result['messages']:.0f} outbox messages) "
          f"over {args.dossiers} dossiers in {result['elapsed']:.1f} s; "
          f"portal answering in {args.delay:.2f} s, {result['failed_calls']:.0f} of "
          f"{result['calls']:.0f} calls refused; lag p50 {result['p50']:.2f} s, max "
          f"{result['max']:.2f} s; load {os.getloadavg()[0]:.2f} at {datetime.now(UTC):%H:%M:%S}Z")
    print(f"portal-sync-lag-p99-s: {result['p99']:.2f}")
    print(f"portal-sync-lost: {result['lost_all']:.0f}")
    print(f"portal-sync-doubled: {result['doubled']:.0f}")


if __name__ == "__main__":
    main()
