"""Dossiers per second through the building permit, every step committed to SQLite,
beside bare SpiffWorkflow running the same diagram in memory and serialising the whole
workflow to JSON after each step (the baseline). Prints `persisted/baseline: R`.

Then the cost of a cache miss: with several worker processes a step often lands where the
dossier's live instance is not cached and must be restored from its stored state. The
appraisal step of fresh dossiers is timed (CPU time of the whole committed step) with the
instance cached and with it dropped just before, alternating, and the medians compared:
`restore-miss-over-hit: R`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState
from sqlalchemy import event, func, select

from bpmn.runtime import SafeEnvironment
from engine.applicants import record_cash_payment, request_payment
from engine.core.actors import ANONYMOUS, Actor
from engine.core.models import Dossier, Task
from engine.dossiers import submit as dossiers
from engine.dossiers import tasks
from engine.identity.accounts import authenticate
from engine.seed import DEMO_PASSWORD, MINH_XUAN, PROCEDURES, load_samples
from engine.wiring import Platform

PACKAGE = PROCEDURES / "cap-giay-phep-xay-dung-nha-o"
PROCESS_ID = "cap_gpxd_nha_o_rieng_le"
START_DATA: dict[str, Any] = {
    "ho_ten": "Nguyễn Văn An", "so_dinh_danh": "008090001234", "dien_thoai": "0912345678",
    "dia_chi_lien_he": "Tổ 5, phường Minh Xuân",
    "lo_dat": {"dia_chi": "Số 12 đường Bình Thuận", "dien_tich": 120.5},
    "cong_trinh": {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "dien_tich_xay_dung": 80,
                   "so_tang": 3, "chieu_cao": 12.5},
    "cam_ket": True,
}
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("motcua.minhxuan", {"ket_qua_kiem_tra": "tiep_nhan"}),
    ("chuyenvien.minhxuan", {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."}),
    ("lanhdao.minhxuan", {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"}),
    ("motcua.minhxuan", {"hinh_thuc_tra": "truc_tiep"}),
]


class Baseline:
    """Bare SpiffWorkflow: the diagram parsed once, each dossier run in memory and the whole
    workflow serialised to JSON after each step (what SpiffWorkflow's serializer writes)."""

    def __init__(self) -> None:
        parser = SpiffBpmnParser()
        parser.add_bpmn_file(str(PACKAGE / "process.bpmn"))
        parser.add_dmn_files([str(p) for p in sorted(PACKAGE.glob("*.dmn"))])  # the fee table
        self.spec = parser.get_spec(PROCESS_ID)
        self.subprocesses = parser.get_subprocess_specs(PROCESS_ID)
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        # The same expression evaluator as the engine (the diagram's conditions and its
        # plain ISO timer duration), so the two sides differ only in persistence.
        self.script_engine = PythonScriptEngine(environment=SafeEnvironment())
        self.stored_bytes = 0

    def run(self, count: int) -> float:
        """Dossiers per second over `count` dossiers."""
        began = time.perf_counter()
        for _ in range(count):
            workflow = BpmnWorkflow(self.spec, self.subprocesses, script_engine=self.script_engine)
            workflow.task_tree.data.update(START_DATA)
            workflow.do_engine_steps()
            stored = self.serializer.serialize_json(workflow)
            for _, data in STEPS:
                task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data.update(data)
                task.run()
                workflow.do_engine_steps()
                stored = self.serializer.serialize_json(workflow)
            assert workflow.is_completed()
            self.stored_bytes = len(stored.encode())
        return count / (time.perf_counter() - began)


class Persisted:
    """The engine: submission, four officer steps and the fee taken in cash at the desk before
    the hand-over, each its own committed transaction."""

    def __init__(self, folder: Path) -> None:
        self.database = folder / "bench.db"
        self.platform = Platform(f"sqlite:///{self.database}")
        self.platform.migrate()
        load_samples(self.platform)
        self.actors: dict[str, Actor] = {}
        for username, _ in STEPS:
            with self.platform.uow() as uow:
                self.actors[username] = authenticate(uow, username=username,
                                                     password=DEMO_PASSWORD)
        self.done = self.warm = 0
        self.start_size = self._size()

    def run(self, count: int) -> float:
        """Dossiers per second over `count` dossiers."""
        began = time.perf_counter()
        for _ in range(count):
            with self.platform.uow() as uow:
                code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code="1.009994",
                                               agency_code=MINH_XUAN, data=START_DATA)["code"]
            with self.platform.uow() as uow:  # the desk officer finds it in the inbox
                task_id = uow.session.scalar(
                    select(Task.id).join(Dossier).where(Dossier.code == code, Task.state == "open"))
            for step, (username, data) in enumerate(STEPS):
                if step == len(STEPS) - 1:  # the desk takes the fee before the hand-over
                    self._take_fee(code)
                assert task_id is not None, f"step {step + 1} of {code} did not open"
                with self.platform.uow() as uow:
                    done = tasks.complete_task(uow, actor=self.actors[username], task_id=task_id,
                                               data=data)
                task_id = done["opened"][0] if done["opened"] else None
        rate = count / (time.perf_counter() - began)
        self.done += count
        return rate

    def _take_fee(self, code: str) -> None:
        """The desk asks the fee and takes it in cash: two more committed transactions, as
        at a real counter (the hand-over is refused while the fee is unpaid)."""
        desk = self.actors[STEPS[0][0]]
        with self.platform.uow() as uow:
            amount = request_payment(uow, actor=desk, code=code)["amount"]
        with self.platform.uow() as uow:
            record_cash_payment(uow, actor=desk, code=code, amount=amount)

    def step_times(self, pairs: int) -> tuple[list[float], list[float]]:
        """CPU seconds of the appraisal step of fresh dossiers: (cache hits, cache misses),
        alternating one of each."""
        ready = []
        for _ in range(2 * pairs):  # submitted and received: the appraisal waits
            with self.platform.uow() as uow:
                code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code="1.009994",
                                               agency_code=MINH_XUAN, data=START_DATA)["code"]
            with self.platform.uow() as uow:
                task_id, dossier_id = uow.session.execute(
                    select(Task.id, Dossier.id).join(Dossier)
                    .where(Dossier.code == code, Task.state == "open")).one()
            username, data = STEPS[0]
            with self.platform.uow() as uow:
                opened = tasks.complete_task(uow, actor=self.actors[username], task_id=task_id,
                                             data=data)["opened"]
            ready.append((dossier_id, opened[0]))
        hits: list[float] = []
        misses: list[float] = []
        username, data = STEPS[1]
        for number, (dossier_id, task_id) in enumerate(ready):
            miss = number % 2 == 1
            if miss:  # another worker process took the last step
                self.platform.instances.forget(dossier_id)
            began = time.process_time()
            with self.platform.uow() as uow:
                tasks.complete_task(uow, actor=self.actors[username], task_id=task_id, data=data)
            (misses if miss else hits).append(time.process_time() - began)
        return hits, misses

    def statements(self, count: int) -> tuple[float, float]:
        """SQL statements and commits per dossier over `count` more dossiers (counted, not
        timed): the shape of the persistence, which the time per dossier follows."""
        counts = {"statements": 0, "commits": 0}

        def statement(*_: Any) -> None:
            counts["statements"] += 1

        def commit(*_: Any) -> None:
            counts["commits"] += 1

        with self._listening(statement, commit):
            self.run(count)
        return counts["statements"] / count, counts["commits"] / count

    @contextmanager
    def _listening(self, statement: Callable[..., None], commit: Callable[..., None]
                   ) -> Iterator[None]:
        """`statement` told of every SQL statement and `commit` of every commit inside."""
        event.listen(self.platform.engine, "before_cursor_execute", statement)
        event.listen(self.platform.engine, "commit", commit)
        try:
            yield
        finally:
            event.remove(self.platform.engine, "before_cursor_execute", statement)
            event.remove(self.platform.engine, "commit", commit)

    def sql_alone(self, count: int) -> float:
        """Milliseconds per dossier that SQLite alone takes for `count` more dossiers: their
        statements and commits, recorded with their values, replayed by `sqlite3` on a copy
        of the database as it was before them (the floor under the engine's time)."""
        self.platform.engine.dispose()  # checkpoint: the file holds everything
        before = self.database.with_name("before.db")
        shutil.copy(self.database, before)
        log: list[tuple[str, Any, Any]] = []

        def statement(_c: Any, _cursor: Any, sql: str, values: Any, _x: Any, many: bool) -> None:
            log.append(("many" if many else "one", sql, values))

        def end(_connection: Any) -> None:
            log.append(("end", None, None))

        with self._listening(statement, end):
            self.run(count)
        replay = sqlite3.connect(before, isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            replay.execute(f"PRAGMA {pragma}")
        began = time.perf_counter()
        replay.execute("BEGIN IMMEDIATE")
        for kind, sql, values in log:
            if kind == "end":
                replay.execute("COMMIT")
                replay.execute("BEGIN IMMEDIATE")
            elif kind == "many":
                replay.executemany(sql, values)
            else:
                replay.execute(sql, values).fetchall()
        replay.execute("COMMIT")
        spent = time.perf_counter() - began
        replay.close()
        return spent / count * 1000

    def warm_up(self, count: int) -> None:
        """Run a few dossiers that the figures leave out (imports, caches, first pages)."""
        self.run(count)
        self.warm = self.done
        self.done = 0
        self.start_size = self._size()

    def stored(self) -> tuple[int, int]:
        """Database growth per dossier, and the workflow state's share of it."""
        with self.platform.uow() as uow:
            finished = uow.session.scalar(select(func.count()).where(Dossier.status == 10))
            state = uow.session.scalar(select(Dossier.workflow_state).limit(1))
        assert finished == self.warm + self.done, f"only {finished} dossiers finished"
        return (self._size() - self.start_size) // self.done, len(json.dumps(state).encode())

    def _size(self) -> int:
        self.platform.engine.dispose()  # checkpoint the WAL so the file holds everything
        return self.database.stat().st_size


def main() -> None:
    """Alternate rounds of both sides (so machine noise hits both) and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dossiers", type=int, default=60, help="dossiers per round")
    parser.add_argument("--pairs", type=int, default=100, help="hit/miss pairs of steps")
    args, _ = parser.parse_known_args()
    base = Baseline()
    with tempfile.TemporaryDirectory() as folder:
        persisted = Persisted(Path(folder))
        base.run(10)
        persisted.warm_up(10)
        base_rates, rates = [], []
        for _ in range(args.rounds):
            base_rates.append(base.run(args.dossiers))
            rates.append(persisted.run(args.dossiers))
        growth, state_bytes = persisted.stored()
        statements, commits = persisted.statements(10)
        sql_ms = persisted.sql_alone(30)
        hits, misses = persisted.step_times(args.pairs)
    base_rate, rate = statistics.median(base_rates), statistics.median(rates)
    print(f"dossiers: {args.rounds} rounds x {args.dossiers}, 5 steps each (building permit), "
          "the fee asked and taken in cash before the hand-over (7 transactions)")
    print(f"baseline (bare SpiffWorkflow, whole workflow to JSON after each step): "
          f"{base_rate:.1f} dossiers/s, {base.stored_bytes} bytes per serialised workflow")
    print(f"persisted (motcua engine, each step committed to SQLite): {rate:.1f} dossiers/s")
    print(f"stored bytes per dossier: {growth} (database growth), "
          f"{state_bytes} of them workflow state")
    print(f"statements-per-dossier: {statements:.0f} (SQL statements over "
          f"{commits:.0f} committed transactions)")
    print(f"persisted/baseline: {rate / base_rate:.2f}")
    print(f"ms-per-dossier: engine {1000 / rate:.1f}, bare SpiffWorkflow {1000 / base_rate:.1f}, "
          f"SQLite alone {sql_ms:.1f} (the engine's statements and commits replayed by sqlite3); "
          f"a ratio of 0.6 leaves {1000 / (0.6 * base_rate):.1f}")
    hit, miss = statistics.median(hits), statistics.median(misses)
    print(f"appraisal step, CPU median of {args.pairs} each: instance cached {hit * 1000:.2f} ms, "
          f"restored from the stored state {miss * 1000:.2f} ms")
    print(f"restore-miss-over-hit: {miss / hit:.2f}")
