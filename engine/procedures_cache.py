"""Restored process models, built once per procedure version and shared by every dossier."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from bpmn.runtime import ProcessModel


class ModelCache:
    """A small LRU of `ProcessModel`s keyed by procedure version id (versions are immutable)."""

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._items: OrderedDict[int, ProcessModel] = OrderedDict()
        self._lock = Lock()

    def get(self, version_id: int, spec: dict[str, Any]) -> ProcessModel:
        """The model of a version, restoring it from `spec` on first use."""
        with self._lock:
            model = self._items.get(version_id)
            if model is not None:
                self._items.move_to_end(version_id)
                return model
        model = ProcessModel(spec)
        with self._lock:
            self._items[version_id] = model
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return model
