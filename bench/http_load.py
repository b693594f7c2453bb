"""HTTP under load: `motcua serve --production` on PostgreSQL, driven over loopback by
concurrent clients — citizens logging in and submitting building permits through the API,
officers listing their inbox, claiming and completing the permit's steps.

Each client pauses `--think-ms` (1000 by default, ±50%) between two actions, as a person
does; the 1- and 4-worker runs at the end pause never (capacity). Creates its own
database (migrated, seeded, dropped at the end), starts the server on a free port and
stops it, and stops itself after `--seconds` (60 by default, after 5 s of warm-up). Prints
`http-p95-ms-submit`, `http-p95-ms-complete`, `http-p95-ms-inbox` (targets ≤ 300),
`http-5xx`, and from the database `http-lost` (a submission acknowledged with a 2xx that
is not stored, a completion acknowledged but not recorded as the officer's) and
`http-doubled` (one submission stored twice, one step completed twice). Then the same
mixed load with 1 and with 4 gunicorn workers: `http-scaling-4w/1w` (completed requests/s).

`python -m bench.http_load [--seconds 60] [--clients 32] [--think-ms 1000] [--workers 2]
[--threads 4] [--scaling-seconds 20]`; `python -m bench http …` once wired.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from engine.core.permissions import DESK, LEADER, SPECIALIST
from engine.identity.accounts import create_account
from engine.seed import DEMO_PASSWORD, MINH_XUAN, load_samples
from engine.wiring import Platform

ADMIN_URL = os.environ.get("MOTCUA_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PERMIT = "1.009994"
# The permit's steps, by step id: what the officer of that step types.
STEP_DATA: dict[str, dict[str, Any]] = {
    "tiep_nhan": {"ket_qua_kiem_tra": "tiep_nhan"},
    "tham_dinh": {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."},
    "phe_duyet": {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"},
    "tra_giay_phep": {"hinh_thuc_tra": "truc_tiep"},
}
HAND_OVER = "tra_giay_phep"  # the desk's hand-over: the fee is taken in cash first
ROLE_PREFIX = {DESK: "motcua", SPECIALIST: "chuyenvien", LEADER: "lanhdao"}


def permit_data(marker: str, id_number: str) -> dict[str, Any]:
    """A valid building-permit application; `marker` makes each submission recognisable."""
    return {
        "ho_ten": "Nguyễn Văn An", "so_dinh_danh": id_number, "dien_thoai": "0912345678",
        "dia_chi_lien_he": f"Tổ 5, phường Minh Xuân [{marker}]",
        "lo_dat": {"dia_chi": "Số 12 đường Bình Thuận", "so_thua": "215", "to_ban_do": "34",
                   "dien_tich": 120.5},
        "cong_trinh": {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "cap_cong_trinh": "III",
                       "dien_tich_xay_dung": 80, "so_tang": 3, "chieu_cao": 12.5},
        "cam_ket": True,
    }


@dataclass(frozen=True)
class Cast:
    """Who drives the load: citizens submitting, officers of each role working."""

    citizens: int
    officers: dict[str, int]

    @classmethod
    def of(cls, clients: int) -> Cast:
        """Split `clients`: 3/8 citizens, the rest officers (desk twice as many: two steps)."""
        citizens = max(1, round(clients * 3 / 8))
        rest = max(3, clients - citizens)
        desk = max(1, round(rest * 2 / 5))
        specialist = max(1, (rest - desk) // 2)
        return cls(citizens, {DESK: desk, SPECIALIST: specialist,
                              LEADER: max(1, rest - desk - specialist)})

    def usernames(self) -> list[tuple[str, str | None]]:
        """(username, role) of every account; citizens have no role."""
        names: list[tuple[str, str | None]] = [(f"congdan.bench{n}", None)
                                               for n in range(self.citizens)]
        for role, count in self.officers.items():
            names += [(f"{ROLE_PREFIX[role]}.bench{n}", role) for n in range(count)]
        return names


# ---------------------------------------------------------------- database


def create_database(admin: sa.Engine, cast: Cast) -> tuple[str, str]:
    """A fresh database: migrated, samples loaded, the bench's accounts; (name, url)."""
    name = f"motcua_http_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    platform = Platform(url)
    try:
        _fill(platform, cast)
    except BaseException:
        platform.dispose()
        drop_database(admin, name)  # a failed setup leaves nothing behind
        raise
    platform.dispose()
    return name, url


def _fill(platform: Platform, cast: Cast) -> None:
    """Migrate, load the samples, add the bench's accounts."""
    platform.migrate()
    load_samples(platform)
    with platform.uow() as uow:
        for n, (username, role) in enumerate(cast.usernames()):
            if role is None:
                create_account(uow, username=username, password=DEMO_PASSWORD,
                               full_name=f"Công dân thử tải {n}", kind="citizen",
                               id_number=f"0010900{n:05d}")
            else:
                create_account(uow, username=username, password=DEMO_PASSWORD,
                               full_name=f"Cán bộ thử tải {n}", kind="officer",
                               roles=((MINH_XUAN, role),))
        uow.commit()


def drop_database(admin: sa.Engine, name: str) -> None:
    """Drop the bench's database (its server is stopped by then; FORCE for stragglers)."""
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def motcua_command() -> list[str]:
    """The `motcua` script beside this Python, else the module."""
    script = Path(sys.executable).with_name("motcua")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from webapp.cli import main; main()"]


@contextmanager
def server(url: str, *, workers: int, log: Path, threads: int = 4) -> Iterator[tuple[str, int]]:
    """`motcua serve --production` on a free port of loopback, stopped (with every process
    it started: its own session) when the block ends. Yields (host, port)."""
    port = free_port()
    instance = log.parent / f"instance-{port}"
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_SECRET_KEY": "bench-http",
           "MOTCUA_INSTANCE": str(instance),
           # The load submits far more than a citizen may in 10 minutes: lift the limit.
           "MOTCUA_SUBMISSIONS_CITIZEN": "1000000"}
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603
            [*motcua_command(), "serve", "--production", "--port", str(port),
             "--workers", str(workers), "--threads", str(threads)],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(port, process)
        yield "127.0.0.1", port
    finally:
        _stop(process)


def _wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180  # a busy machine boots gunicorn's workers slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/api/v1/procedures")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError("the server did not answer within 180 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (gunicorn stops its workers), SIGKILL if it
    lingers: nothing it started survives the bench."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
    with suppress(ProcessLookupError, PermissionError):  # workers a crashed master left
        os.killpg(process.pid, signal.SIGKILL)


# ---------------------------------------------------------------- clients


class Browser:
    """One client: a keep-alive connection (reopened when the server closes it) with its
    cookies and CSRF token, timing every call."""

    def __init__(self, host: str, port: int, record: Record) -> None:
        self.host, self.port, self.record = host, port, record
        self.connection = http.client.HTTPConnection(host, port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def call(self, kind: str, method: str, path: str,
             body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """(status, JSON answer); status 0 when the connection failed mid-request."""
        headers = {"Accept": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.record.add(kind, (time.perf_counter() - began) * 1000, 0)
            return 0, None
        self.record.add(kind, (time.perf_counter() - began) * 1000, response.status)
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        answer = json.loads(raw) if raw and response.getheader(
            "Content-Type", "").startswith("application/json") else None
        return response.status, answer

    def log_in(self, username: str) -> bool:
        """Log in through the API (a fresh session each time)."""
        self.cookies.clear()
        self.csrf = ""
        status, answer = self.call("login", "POST", "/api/v1/session",
                                   {"username": username, "password": DEMO_PASSWORD})
        if status == 201:
            self.csrf = answer["csrf_token"]
        return status == 201

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


@dataclass
class Record:
    """What the clients saw, shared by their threads."""

    timings: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    submitted: dict[str, str] = field(default_factory=dict)  # marker → acknowledged code
    unsure: list[str] = field(default_factory=list)  # markers whose answer never came
    completed: list[tuple[int, str]] = field(default_factory=list)  # (task id, username)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, status: int) -> None:
        """One timed call."""
        with self.lock:
            self.timings.setdefault(kind, []).append(ms)
            self.statuses[status] += 1

    def p95(self, kind: str) -> float:
        """The 95th percentile of one kind of call, in ms (0 when none was made)."""
        values = self.timings.get(kind, [])
        if len(values) < 2:
            return values[0] if values else 0.0
        return statistics.quantiles(values, n=20)[18]

    def requests(self) -> int:
        """Calls answered (any status but a failed connection)."""
        return sum(self.statuses.values()) - self.statuses[0]


@dataclass(frozen=True)
class Load:
    """How long, how many clients, how they pause between actions."""

    seconds: float
    clients: int
    think: float = 0.0  # seconds between two actions of one client
    relogin_every: int = 5  # a citizen logs in again after this many submissions
    warmup: float = 0.0  # seconds of load not measured (integrity still checked)
    min_steps: int = 0  # go on past `seconds` until this many steps were completed…
    max_seconds: float = 120.0  # …but never longer than this


def _pause(load: Load, stop: threading.Event) -> None:
    if load.think > 0:
        stop.wait(random.uniform(0.5, 1.5) * load.think)


def citizen(browser: Browser, username: str, n: int, load: Load, stop: threading.Event) -> None:
    """Log in, submit permits, log in again every few submissions."""
    record, id_number = browser.record, f"0010900{n:05d}"
    done = 0
    while not stop.is_set():
        if done % load.relogin_every == 0 and not browser.log_in(username):
            stop.wait(0.5)
            continue
        marker = f"{username}#{done}"
        status, answer = browser.call("submit", "POST", "/api/v1/dossiers", {
            "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(marker, id_number)})
        with record.lock:
            if 200 <= status < 300:
                record.submitted[marker] = answer["code"]
            elif status == 0:
                record.unsure.append(marker)
        done += 1
        _pause(load, stop)


def officer(browser: Browser, username: str, load: Load, stop: threading.Event) -> None:
    """List the unassigned tasks, claim one at random, complete it (409: someone was first)."""
    record = browser.record
    while not stop.is_set() and not browser.log_in(username):
        stop.wait(0.5)
    while not stop.is_set():
        status, answer = browser.call("inbox", "GET", "/api/v1/tasks?assigned=unassigned&limit=20")
        tasks = [t for t in (answer or {}).get("tasks", []) if t["step"] in STEP_DATA]
        if status != 200 or not tasks:
            stop.wait(0.2)  # nothing to do yet
            continue
        task = random.choice(tasks)
        status, _ = browser.call("claim", "POST", f"/api/v1/tasks/{task['id']}/claim")
        if status == 200 and task["step"] == HAND_OVER:
            take_fee(browser, task["dossier"])
        if status == 200:
            status, _ = browser.call("complete", "POST", f"/api/v1/tasks/{task['id']}/complete",
                                     {"data": STEP_DATA[task["step"]]})
            with record.lock:
                if status == 200:
                    record.completed.append((task["id"], username))
        with record.lock:
            record.conflicts += status == 409
        _pause(load, stop)


def take_fee(browser: Browser, code: str) -> None:
    """The desk asks the dossier's fee and takes it in cash before handing the result over
    (the hand-over is refused while the fee is unpaid); a fee already asked or paid by
    another desk officer's try is taken as it stands."""
    status, asked = browser.call("fee", "POST", f"/api/v1/dossiers/{code}/request-payment", {})
    if status == 200 and asked:
        browser.call("fee", "POST", f"/api/v1/dossiers/{code}/cash-payment",
                     {"amount": asked["amount"]})


def drive(host: str, port: int, cast: Cast, load: Load) -> tuple[Record, float]:
    """Run every client in its own thread for `load.seconds`; (what they saw, seconds)."""
    record, stop = Record(), threading.Event()
    threads, browsers = [], []
    officers = [(u, r) for u, r in cast.usernames() if r is not None]
    for n in range(cast.citizens):
        browser = Browser(host, port, record)
        browsers.append(browser)
        threads.append(threading.Thread(target=citizen, daemon=True, args=(
            browser, f"congdan.bench{n}", n, load, stop)))
    for username, _ in officers:
        browser = Browser(host, port, record)
        browsers.append(browser)
        threads.append(threading.Thread(target=officer, daemon=True, args=(
            browser, username, load, stop)))
    for thread in threads:
        thread.start()
    if load.warmup > 0:  # every worker booted, caches filled: then the clock starts
        stop.wait(load.warmup)
        with record.lock:
            record.timings.clear()
            record.statuses.clear()
    began = time.perf_counter()
    stop.wait(load.seconds)
    while len(record.completed) < load.min_steps and time.perf_counter() - began < load.max_seconds:
        stop.wait(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)  # a call in flight finishes (or times out at 120 s)
    elapsed = time.perf_counter() - began
    for browser in browsers:
        browser.close()
    return record, elapsed


@dataclass(frozen=True)
class Integrity:
    """What the database says about what the clients were told."""

    lost: int
    doubled: int
    stored: int  # dossiers of the load in the database
    steps: int  # steps completed in the database


def check(url: str, record: Record) -> Integrity:
    """Every acknowledged submission stored once under its code, every acknowledged
    completion recorded as that officer's, no step completed twice."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT code, data FROM dossiers WHERE channel = 'online'")).all()
            completed: dict[int, str] = dict(connection.execute(sa.text(
                "SELECT t.id, a.username FROM tasks t JOIN accounts a ON a.id = t.completed_by_id "
                "WHERE t.state = 'completed'")).all())
            twice = connection.execute(sa.text(
                "SELECT count(*) FROM (SELECT task_id FROM events WHERE kind = 'task_completed' "
                "GROUP BY task_id HAVING count(*) > 1) AS e")).scalar_one()
            steps_twice = connection.execute(sa.text(
                "SELECT count(*) FROM (SELECT dossier_id, bpmn_id FROM tasks "
                "WHERE state = 'completed' GROUP BY dossier_id, bpmn_id HAVING count(*) > 1) AS s"
            )).scalar_one()
    finally:
        engine.dispose()
    markers: Counter[str] = Counter()
    codes: dict[str, str] = {}
    for code, data in rows:
        address = str((data if isinstance(data, dict) else json.loads(data)).get("dia_chi_lien_he"))
        if not address.endswith("]"):
            continue  # not the load's (the samples')
        marker = address.rsplit("[", 1)[-1].rstrip("]")
        markers[marker] += 1
        codes[marker] = code
    lost = sum(codes.get(m) != code for m, code in record.submitted.items())
    lost += sum(completed.get(task) != who for task, who in record.completed)
    doubled = sum(n - 1 for n in markers.values() if n > 1) + int(twice) + int(steps_twice)
    return Integrity(lost=lost, doubled=doubled, stored=len(rows), steps=len(completed))


@contextmanager
def database(admin_url: str, cast: Cast) -> Iterator[str]:
    """A fresh database for the load (see `create_database`), dropped when the block ends;
    yields its URL."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name, url = create_database(admin, cast)
    try:
        yield url
    finally:
        drop_database(admin, name)
        admin.dispose()


def run(admin_url: str, *, load: Load, workers: int, log: Path,
        threads: int = 4) -> tuple[Record, float, Integrity]:
    """One complete run on its own database: create, serve, drive, check, stop, drop."""
    cast = Cast.of(load.clients)
    with database(admin_url, cast) as url:
        with server(url, workers=workers, log=log, threads=threads) as (host, port):
            record, elapsed = drive(host, port, cast, load)
        return record, elapsed, check(url, record)


def scaling(admin_url: str, *, load: Load, log: Path,
            threads: int = 4) -> list[tuple[int, Record, float]]:
    """The same mixed load with 1 and with 4 workers (one database, 1 worker first: the
    4-worker run meets the larger tables); (workers, record, seconds) of each."""
    cast = Cast.of(load.clients)
    runs = []
    with database(admin_url, cast) as url:
        for workers in (1, 4):
            with server(url, workers=workers, log=log, threads=threads) as (host, port):
                record, elapsed = drive(host, port, cast, load)
            runs.append((workers, record, elapsed))
    return runs


def _latencies(record: Record) -> str:
    return ", ".join(f"{kind} {record.p95(kind):.0f}" for kind in ("submit", "complete", "inbox"))


def main() -> None:
    """Measure, print, clean up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (main run)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (1: sync)")
    parser.add_argument("--think-ms", type=float, default=1000.0,
                        help="pause of each client between two actions (±50%%; 0: none)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load not measured")
    parser.add_argument("--scaling-seconds", type=float, default=20.0,
                        help="length of each of the 1- and 4-worker runs, no pauses (0: skip)")
    args, _ = parser.parse_known_args(sys.argv[2:] if sys.argv[1:2] == ["http"] else None)
    load = Load(seconds=args.seconds, clients=args.clients, think=args.think_ms / 1000,
                warmup=args.warmup)
    print(f"http-machine-load: {os.getloadavg()[0]:.1f} (1-minute load average, {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        record, elapsed, integrity = run(ADMIN_URL, load=load, workers=args.workers, log=log,
                                         threads=args.threads)
        print(f"http-load: {args.clients} clients, think {args.think_ms:.0f} ms, "
              f"{args.workers} workers x {args.threads} threads, {elapsed:.0f} s")
        for kind in ("submit", "complete", "inbox", "claim", "login"):
            print(f"http-p95-ms-{kind}: {record.p95(kind):.0f}")
        print(f"http-requests-per-s: {record.requests() / elapsed:.1f} "
              f"({record.requests()} requests, {len(record.submitted)} submitted, "
              f"{len(record.completed)} steps completed, {record.conflicts} conflicts)")
        print(f"http-5xx: {sum(n for s, n in record.statuses.items() if s >= 500)}")
        print(f"http-failed-connections: {record.statuses[0]}")
        print(f"http-lost: {integrity.lost}")
        print(f"http-doubled: {integrity.doubled}")
        if args.scaling_seconds > 0:
            runs = scaling(ADMIN_URL, load=Load(seconds=args.scaling_seconds, clients=args.clients,
                                                warmup=args.warmup), log=log, threads=args.threads)
            rates = {}
            for workers, saturated, seconds in runs:
                rates[workers] = saturated.requests() / seconds
                print(f"http-throughput-{workers}w: {rates[workers]:.1f} requests/s without pauses "
                      f"(p95 ms: {_latencies(saturated)}; "
                      f"5xx {sum(n for s, n in saturated.statuses.items() if s >= 500)})")
            print(f"http-scaling-4w/1w: {rates[4] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
