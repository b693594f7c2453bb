"""The firing loop: each worker process fires due timers itself, in batches, waking at the
next due time.

A thread started in every process that runs tasks (prefork children and the solo pool,
through Celery's `worker_process_init`). It fires batches while timers are due; then it
sleeps until the next due time, but never longer than `recheck` seconds, so a timer that
a step has just created (a BPMN timer event, a reminder) is noticed within that time.
Before it sleeps, it spends the time left until the next due time restoring the processes
of the dossiers whose timers fall due within `WARM_AHEAD` (at most `warm` of them) into
the instance cache: a burst due at one second then fires from memory, without restoring
each process from its stored state while the others wait.
Several loops (processes, workers) share the work: on PostgreSQL a batch claims its
dossiers with ``SKIP LOCKED``; on SQLite one writer goes at a time. A loop that meets an
error (the database away) logs it and tries again after `RETRY_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from engine import dossiers, legal_clock
from engine.core import VN_TZ, UnitOfWork

log = logging.getLogger("motcua.worker.timers")
RECHECK_SECONDS = 0.5
RETRY_SECONDS = 5.0
BUSY_SECONDS = 0.05  # due timers all held by others: look again shortly, without spinning
WARM_AHEAD = timedelta(seconds=60)
WARM_LIMIT = 1000  # processes kept warm at most (26 KB each for the building permit)
WARM_MIN_SECONDS = 0.05  # less time than this before the next due time: just wait


class TimerLoop:
    """Fires due timers on `new_uow`'s database until stopped."""

    def __init__(self, new_uow: Callable[[], UnitOfWork], *, batch: int = 50,
                 recheck: float = RECHECK_SECONDS, warm: int = WARM_LIMIT) -> None:
        self._new_uow = new_uow
        self.batch = batch
        self.recheck = recheck
        self.warm = warm
        self.fired = 0
        self.warmed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> TimerLoop:
        """Run the loop in a daemon thread (it dies with its process)."""
        self._thread = threading.Thread(target=self.run, name="motcua-timers", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to stop after its current batch, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self) -> None:
        """Fire, then sleep until the next due time (at most `recheck`); until stopped."""
        year = datetime.now(VN_TZ).year
        try:
            legal_clock.load_holidays(year, year + 1)  # before the first burst, not in it
        except Exception:  # only a head start: the firings read them anyway, and say why
            log.exception("the holiday tables could not be read ahead")
        while not self._stop.is_set():
            try:
                wait = self.step()
            except Exception:
                log.exception("the timer loop failed; trying again in %s s", RETRY_SECONDS)
                wait = RETRY_SECONDS
            if wait > 0:
                self._stop.wait(wait)

    def step(self) -> float:
        """Fire one batch; returns how long to sleep before the next step (0: go on)."""
        results = dossiers.fire_due_timers(self._new_uow, batch=self.batch)
        if results:
            self.fired += results.count("fired")
            log.info("timers fired=%s results=%s", results.count("fired"), len(results))
            return 0.0
        with self._new_uow() as uow:
            due, now = dossiers.next_timer_due(uow), uow.clock.now()
        wait = self._sleep_until(due, now)
        if self.warm and wait > WARM_MIN_SECONDS:
            wait = self._warm_for(wait)
        return wait

    def _warm_for(self, seconds: float) -> float:
        """Warm the processes of soon-due timers for at most `seconds`; returns the time
        still to sleep."""
        began = time.monotonic()
        deadline = began + seconds
        self.warmed += dossiers.warm_due_timers(
            self._new_uow, within=WARM_AHEAD, limit=self.warm,
            until=lambda: time.monotonic() >= deadline or self._stop.is_set())
        return max(0.0, deadline - time.monotonic())

    def _sleep_until(self, due: datetime | None, now: datetime) -> float:
        if due is None:
            return self.recheck
        seconds = (due - now).total_seconds()
        if seconds <= 0:  # due, yet no batch took it: held by another firer or a step
            return BUSY_SECONDS
        return min(seconds, self.recheck)
