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
from threading import Lock

from bpmn.runtime import ProcessInstance

Timers = frozenset[str] | None


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
