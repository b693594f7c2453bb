"""Timer lateness: 10,000 pending timers and a burst of 1,000 due at the same second, fired
by a real worker process — on the embedded broker (SQLite database, kombu's SQLite
transport) and on Redis (PostgreSQL database).

The timers are real: one building permit is submitted and received through the engine,
then its dossier (process state, tasks, timers) is copied; the copies' escalation timers
(the appraisal's BPMN boundary timer) are made due a few seconds after the worker is up,
so each firing restores the process, fires the boundary event, opens the leader's step
and writes its events. Lateness is read from the database: fired_at − due_at (fired_at
is the time the firing's batch committed). Prints p50/p99/max and
`timer-lateness-p99-s-embedded: X`, `timer-lateness-p99-s-redis: Y`.

Bounded: gives up after `--timeout` seconds of waiting; stops the worker, removes its
files, drops the PostgreSQL database and deletes its Redis keys.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from engine.core.actors import ANONYMOUS
from engine.core.models import Dossier, Event, Task, Timer
from engine.dossiers import complete_task, officer_inbox, submit_dossier
from engine.identity import authenticate
from engine.seed import DEMO_PASSWORD, MINH_XUAN, load_samples
from engine.wiring import Platform

ADMIN_URL = os.environ.get("MOTCUA_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MOTCUA_BENCH_REDIS", "redis://127.0.0.1:6379/12")
MOTCUA = Path(sys.executable).with_name("motcua")
PERMIT = "1.009994"
ESCALATION = "don_doc"  # the leader's step the appraisal's boundary timer opens
DOSSIERS = cast(sa.Table, Dossier.__table__)
TASKS = cast(sa.Table, Task.__table__)
TIMERS = cast(sa.Table, Timer.__table__)
EVENTS = cast(sa.Table, Event.__table__)
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


@dataclass
class Result:
    """What one run measured."""

    lateness: list[float]
    fired: int
    escalations: int
    pending: int  # beside the burst, when it fell due
    load: float  # the machine's 1-minute load average at the end
    cpu: float = float("nan")  # CPU seconds the worker processes spent during the burst


def _received_permit(platform: Platform) -> int:
    """One building permit submitted and received through the engine (real clock)."""
    with platform.uow() as uow:
        code = submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                              agency_code=MINH_XUAN, data=APPLICATION)["code"]
    with platform.uow() as uow:
        desk = authenticate(uow, username="motcua.minhxuan", password=DEMO_PASSWORD)
    with platform.uow() as uow:
        task = next(t for t in officer_inbox(uow, actor=desk)["tasks"] if t["dossier"] == code)
    with platform.uow() as uow:
        complete_task(uow, actor=desk, task_id=task["id"], data={"ket_qua_kiem_tra": "tiep_nhan"})
    with platform.engine.connect() as connection:
        return int(connection.execute(
            sa.select(DOSSIERS.c.id).where(DOSSIERS.c.code == code)).scalar_one())


def _copies(platform: Platform, template: int, count: int) -> list[int]:
    """`count` copies of the template dossier with its tasks and pending timers; returns
    the copies' ids."""
    with platform.engine.begin() as connection:
        dossier = dict(connection.execute(
            sa.select(DOSSIERS).where(DOSSIERS.c.id == template)).mappings().one())
        tasks = [dict(r) for r in connection.execute(
            sa.select(TASKS).where(TASKS.c.dossier_id == template).order_by(TASKS.c.id)).mappings()]
        timers = [dict(r) for r in connection.execute(
            sa.select(TIMERS).where(TIMERS.c.dossier_id == template,
                                    TIMERS.c.state == "pending")).mappings()]
        first = {t.name: int(connection.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0) + 1
                 for t in (DOSSIERS, TASKS, TIMERS)}
        ids, dossiers, task_rows, timer_rows = [], [], [], []
        for n in range(count):
            ids.append(first["dossiers"] + n)
            dossiers.append({**dossier, "id": ids[-1], "code": f"{dossier['code']}-{n:05d}"})
            moved = {}
            for k, task in enumerate(tasks):
                moved[task["id"]] = first["tasks"] + n * len(tasks) + k
                task_rows.append({**task, "id": moved[task["id"]], "dossier_id": ids[-1]})
            for k, timer in enumerate(timers):
                timer_rows.append({**timer, "id": first["timers"] + n * len(timers) + k,
                                   "dossier_id": ids[-1],
                                   "task_id": moved.get(timer["task_id"])})
        for table, rows in ((DOSSIERS, dossiers), (TASKS, task_rows), (TIMERS, timer_rows)):
            for start in range(0, len(rows), 500):
                connection.execute(sa.insert(table), rows[start:start + 500])
        if connection.dialect.name == "postgresql":
            for table in (DOSSIERS, TASKS, TIMERS):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table.name}))")
                connection.exec_driver_sql(f"ANALYZE {table.name}")
    return ids


def _prepare(url: str, *, burst: int, pending: int) -> list[int]:
    """A seeded database holding `burst` dossiers whose escalation will be due together and
    enough others that `pending` timers wait far ahead; returns the burst's timer ids."""
    platform = Platform(url)
    try:
        platform.migrate()
        load_samples(platform)
        template = _received_permit(platform)
        with platform.engine.connect() as connection:
            per_dossier = int(connection.execute(sa.select(sa.func.count()).where(
                TIMERS.c.dossier_id == template, TIMERS.c.state == "pending")).scalar_one())
        # The burst's copies keep their reminders pending far ahead: (per_dossier - 1) each.
        others = max(0, -(-(pending - burst * (per_dossier - 1)) // per_dossier))
        copies = _copies(platform, template, burst + others)
        with platform.engine.begin() as connection:
            connection.execute(sa.update(TIMERS).where(TIMERS.c.dossier_id == template)
                               .values(state="cancelled"))
            return [int(i) for i in connection.execute(
                sa.select(TIMERS.c.id).where(TIMERS.c.dossier_id.in_(copies[:burst]),
                                             TIMERS.c.kind == "bpmn")).scalars()]
    finally:
        platform.dispose()


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen([str(MOTCUA), *args], env=env, stdout=output,  # noqa: S603
                                stderr=subprocess.STDOUT)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_ready(logs: list[Path], processes: list[subprocess.Popen[bytes]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a worker process exited:\n" + _tail(logs))
        if all(" ready." in log.read_text(errors="replace") for log in logs):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the worker was not ready after {seconds:.0f} s:\n" + _tail(logs))


def _cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) of these processes and their children, from /proc (Linux;
    NaN elsewhere)."""
    stats: dict[int, tuple[int, float]] = {}
    try:
        tick = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # ended meanwhile
                stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    except (OSError, ValueError):
        return float("nan")
    tree, grown = set(roots), True
    while grown:
        more = {pid for pid, (parent, _) in stats.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(stats[pid][1] for pid in tree if pid in stats)


def _tail(logs: list[Path]) -> str:
    return "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)


def _measure(url: str, ids: list[int], *, lead: float, timeout: float,
             workers: list[int]) -> Result:
    """Make the burst due `lead` seconds from now, wait until it is fired, read lateness."""
    platform = Platform(url)
    try:
        with platform.engine.begin() as connection:
            due = platform.clock.now() + timedelta(seconds=lead)
            connection.execute(sa.update(TIMERS).where(TIMERS.c.id.in_(ids)).values(due_at=due))
            pending = int(connection.execute(sa.select(sa.func.count()).where(
                TIMERS.c.state == "pending")).scalar_one()) - len(ids)
        deadline = time.monotonic() + lead + timeout
        cpu_before = _cpu_seconds(workers)
        left = len(ids)
        while left and time.monotonic() < deadline:
            time.sleep(0.5)
            with platform.engine.connect() as connection:
                left = int(connection.execute(sa.select(sa.func.count()).where(
                    TIMERS.c.id.in_(ids), TIMERS.c.state == "pending")).scalar_one())
        if left:
            raise TimeoutError(f"{left} of {len(ids)} timers were still pending {timeout:.0f} s "
                               "after their due time: giving up")
        cpu = _cpu_seconds(workers) - cpu_before
        with platform.engine.connect() as connection:
            rows = connection.execute(sa.select(TIMERS.c.due_at, TIMERS.c.fired_at, TIMERS.c.state)
                                      .where(TIMERS.c.id.in_(ids))).all()
            escalations = int(connection.execute(sa.select(sa.func.count()).where(
                TASKS.c.bpmn_id == ESCALATION)).scalar_one())
            fired_events = int(connection.execute(sa.select(sa.func.count()).where(
                EVENTS.c.kind == "timer_fired")).scalar_one())
        lateness = sorted((r.fired_at - r.due_at).total_seconds() for r in rows
                          if r.state == "fired")
        return Result(lateness, fired_events, escalations, pending, os.getloadavg()[0], cpu)
    finally:
        platform.dispose()


@contextmanager
def _postgres() -> Iterator[str]:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"motcua_bench_timers_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def _redis() -> Iterator[str]:
    """The bench's Redis database, which must be empty; its keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    if client.dbsize():
        raise RuntimeError(f"{REDIS_URL} is not empty: choose another database with "
                           "MOTCUA_BENCH_REDIS")
    try:
        yield REDIS_URL
    finally:
        for pattern in ("celery*", "_kombu.*", "unacked*"):
            for key in client.scan_iter(pattern):
                client.delete(key)
        client.close()


def _run(mode: str, args: argparse.Namespace) -> Result:
    work = Path(tempfile.mkdtemp(prefix=f"motcua-timers-{mode}-"))
    try:
        with (_postgres() if mode == "redis" else _nothing(f"sqlite:///{work / 'motcua.db'}")
              ) as url, (_redis() if mode == "redis" else _nothing("")) as broker:
            began = time.perf_counter()
            ids = _prepare(url, burst=args.burst, pending=args.pending)
            print(f"timers-{mode}: data prepared in {time.perf_counter() - began:.1f} s")
            env = {**os.environ, "MOTCUA_INSTANCE": str(work), "MOTCUA_DATABASE_URL": url}
            env.pop("MOTCUA_BROKER_URL", None)
            if broker:
                env["MOTCUA_BROKER_URL"] = broker
            commands = ([["worker", "--no-beat", f"--concurrency={args.concurrency}"], ["beat"]]
                        if broker else [["worker", "--beat"]])
            logs = [work / f"{c[0]}.log" for c in commands]
            processes = [_start(c, env, log) for c, log in zip(commands, logs, strict=True)]
            try:
                _wait_ready(logs[:1], processes, 120)
                return _measure(url, ids, lead=args.lead, timeout=args.timeout,
                                workers=[p.pid for p in processes])
            finally:
                _stop(processes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _nothing(value: str) -> Iterator[str]:
    yield value


def _report(mode: str, result: Result, burst: int) -> None:
    late = result.lateness
    p99 = late[int(0.99 * (len(late) - 1))]
    print(f"timers-{mode}: {burst} due at once beside {result.pending} pending; fired "
          f"{len(late)}, escalations opened {result.escalations}, timer_fired events "
          f"{result.fired}; lateness p50 {statistics.median(late):.2f} s, p99 {p99:.2f} s, "
          f"max {late[-1]:.2f} s ({len(late) / max(late[-1], 1e-3):.0f} firings/s); "
          f"load average {result.load:.1f}; the worker spent {result.cpu:.1f} s of CPU "
          f"({1000 * result.cpu / max(len(late), 1):.1f} ms a firing)")
    assert result.escalations == burst == result.fired, "a timer fired twice or not at all"
    print(f"timer-lateness-p99-s-{mode}: {p99:.2f}")


def main() -> None:
    """Prepare, start the worker, measure, print, clean up — embedded, then Redis."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=1_000)
    parser.add_argument("--lead", type=float, default=3.0, help="seconds until the burst is due")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (Redis)")
    parser.add_argument("--mode", choices=("embedded", "redis", "both"), default="both")
    args, _ = parser.parse_known_args()
    for mode in ("embedded", "redis"):
        if args.mode in (mode, "both"):
            _report(mode, _run(mode, args), args.burst)


if __name__ == "__main__":
    main()
