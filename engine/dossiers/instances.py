"""Live process instances kept between steps, checked against the dossier's version.

Restoring a workflow from JSON is the largest cost of a step. When the same process
advanced the dossier last, the instance it left is still valid *if and only if* the
dossier's row version is unchanged, so it is reused; any other writer (another worker
process, a failed transaction) bumps the version or never returns the instance, and
the state is restored from the database instead.

With an instance the cache keeps the ids of its pending timers, when the step that left
it listed them: the next step needs them and is spared a scan of the workflow.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from bpmn.runtime import ProcessInstance
from engine.core.models import Dossier

Timers = frozenset[str] | None
T = TypeVar("T")


class InstanceCache:
    """An LRU of (dossier id → row version, instance, its pending timers' ids or None); an
    instance is taken out while in use."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[int, tuple[int, ProcessInstance, Timers]] = OrderedDict()
        self._lock = Lock()

    def reserve(self, size: int) -> None:
        """Make room for at least `size` instances (a timer firer warming a burst)."""
        with self._lock:
            self._size = max(self._size, size)

    def take(self, dossier_id: int, row_version: int) -> tuple[ProcessInstance, Timers] | None:
        """The cached instance for exactly that version and its pending timers' ids (None
        when not known), removed from the cache; None when there is none."""
        with self._lock:
            found = self._items.pop(dossier_id, None)
        if found is None or found[0] != row_version:
            return None
        return found[1], found[2]

    def read(self, dossier_id: int, row_version: int, reader: Callable[[ProcessInstance], T],
             missing: T) -> T:
        """What `reader` reads from the cached instance of exactly that version, left in
        the cache (the lock is held meanwhile, so no step can take it and change it under
        the reader); `missing` when there is none."""
        with self._lock:
            found = self._items.get(dossier_id)
            if found is None or found[0] != row_version:
                return missing
            return reader(found[1])

    def carry(self, dossier_id: int, old: int, new: int) -> None:
        """The dossier's row went from version `old` to `new` without its process changing
        (a payment, a hold): an instance cached at `old` is still current, at `new`."""
        with self._lock:
            found = self._items.get(dossier_id)
            if found is not None and found[0] == old:
                self._items[dossier_id] = (new, found[1], found[2])

    def forget(self, dossier_id: int) -> None:
        """Drop the instance of that dossier, if any (as if another process had it)."""
        with self._lock:
            self._items.pop(dossier_id, None)

    def holds(self, dossier_id: int) -> bool:
        """True when an instance of that dossier is cached (whatever its version)."""
        with self._lock:
            return dossier_id in self._items

    def put(
        self, dossier_id: int, row_version: int, instance: ProcessInstance, timers: Timers = None
    ) -> None:
        """Keep an instance after its transaction committed at `row_version` (with the ids of
        its pending timers, if the step listed them after its last change)."""
        with self._lock:
            self._items[dossier_id] = (row_version, instance, timers)
            self._items.move_to_end(dossier_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_SEEN = "motcua.row_versions_seen"  # session.info: dossier id → (version before, after)
_HELD = "motcua.instances_held"  # session.info: dossier id → (version saved, instance)


def hold_in_transaction(session: Session, dossier_id: int, row_version: int,
                        instance: ProcessInstance) -> None:
    """The advance saved `instance` at `row_version` in this transaction (it returns it to
    the cache only after the commit): reads later in the same transaction may use it."""
    session.info.setdefault(_HELD, {})[dossier_id] = (row_version, instance)


def read_current(session: Session, cache: InstanceCache, dossier_id: int, row_version: int,
                 reader: Callable[[ProcessInstance], T], missing: T) -> T:
    """What `reader` reads from the dossier's live process at `row_version` as this
    transaction sees it: the instance this transaction's advance saved, else the cached one
    (at the version an ORM write of this transaction started from, when that write left the
    process alone); `missing` when neither is current."""
    held = session.info.get(_HELD, {}).get(dossier_id)
    if held is not None and held[0] == row_version:
        return reader(held[1])
    seen = session.info.get(_SEEN, {}).get(dossier_id)
    if seen is not None and seen[1] == row_version:
        row_version = seen[0]
    return cache.read(dossier_id, row_version, reader, missing)


def follow_row_versions(factory: sessionmaker[Session], cache: InstanceCache) -> None:
    """Keep cached instances current across ORM writes of the dossier row that leave its
    process alone. Such a write bumps the row version (SQLAlchemy's version counter), which
    would make the next step restore the whole process from JSON for nothing (the fee asked
    and taken before the hand-over did that twice per dossier). After the commit, an
    instance cached at the version the write started from is moved to the version it left;
    a write of the process state itself moves nothing."""

    @event.listens_for(factory, "before_flush")
    def _before(session: Session, _context: Any, _instances: Any) -> None:
        seen = session.info.setdefault(_SEEN, {})
        for item in session.dirty:
            if isinstance(item, Dossier) and item.id is not None and session.is_modified(item):
                seen.setdefault(item.id, [item.row_version, item.row_version])

    @event.listens_for(factory, "after_flush")
    def _after(session: Session, _context: Any) -> None:
        seen = session.info.get(_SEEN)
        if not seen:
            return
        for item in session.identity_map.values():
            if isinstance(item, Dossier) and item.id in seen:
                if inspect(item).attrs.workflow_state.history.has_changes():
                    seen[item.id][1] = None  # the process changed: nothing carries over
                elif seen[item.id][1] is not None:
                    seen[item.id][1] = item.row_version

    @event.listens_for(factory, "after_commit")
    def _committed(session: Session) -> None:
        session.info.pop(_HELD, None)
        for dossier_id, (old, new) in session.info.pop(_SEEN, {}).items():
            if new is not None and new != old:
                cache.carry(dossier_id, old, new)

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(_SEEN, None)
        session.info.pop(_HELD, None)
