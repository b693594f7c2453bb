"""Live process instances kept between steps, checked against the dossier's version.

Restoring a workflow from JSON is the largest cost of a step. When the same process
advanced the dossier last, the instance it left is still valid *if and only if* the
dossier's row version is unchanged, so it is reused; any other writer (another worker
process, a failed transaction) bumps the version or never returns the instance, and
the state is restored from the database instead.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from bpmn.runtime import ProcessInstance


class InstanceCache:
    """An LRU of (dossier id → row version, instance); an instance is taken out while in use."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[int, tuple[int, ProcessInstance]] = OrderedDict()
        self._lock = Lock()

    def take(self, dossier_id: int, row_version: int) -> ProcessInstance | None:
        """The cached instance for exactly that version, removed from the cache (or None)."""
        with self._lock:
            found = self._items.pop(dossier_id, None)
        if found is None or found[0] != row_version:
            return None
        return found[1]

    def holds(self, dossier_id: int) -> bool:
        """True when an instance of that dossier is cached (whatever its version)."""
        with self._lock:
            return dossier_id in self._items

    def put(self, dossier_id: int, row_version: int, instance: ProcessInstance) -> None:
        """Keep an instance after its transaction committed at `row_version`."""
        with self._lock:
            self._items[dossier_id] = (row_version, instance)
            self._items.move_to_end(dossier_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
