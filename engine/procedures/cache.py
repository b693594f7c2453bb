"""Procedure versions as the engine uses them, loaded once per process and shared.

A version's package never changes after import (a new upload is a new version), so
its compiled package, restored process model and form validators are cached by
version id; the large `compiled` column is read from the database only on a miss.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bpmn.compiled import CompiledProcedure
from bpmn.runtime import ProcessModel
from engine.core.models import ProcedureVersion
from forms import FormValidator

if TYPE_CHECKING:
    from engine.core.uow import UnitOfWork


@dataclass
class LoadedVersion:
    """One procedure version ready to run: package, process model, form validators."""

    id: int
    compiled: CompiledProcedure
    _model: ProcessModel | None = None
    _validators: dict[str, FormValidator] = field(default_factory=dict)

    @property
    def model(self) -> ProcessModel:
        """The restored process specs (built on first use: listing versions needs none)."""
        if self._model is None:
            self._model = ProcessModel(self.compiled.spec)
        return self._model

    def validator(self, form: str) -> FormValidator:
        """The compiled validator of one of the version's forms."""
        found = self._validators.get(form)
        if found is None:
            found = FormValidator(self.compiled.forms[form])
            self._validators[form] = found
        return found


class VersionCache:
    """A small LRU of `LoadedVersion`s keyed by procedure version id."""

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._items: OrderedDict[int, LoadedVersion] = OrderedDict()
        self._lock = Lock()

    def get(self, session: Session, version_id: int) -> LoadedVersion:
        """The loaded version, reading and restoring it on first use."""
        with self._lock:
            found = self._items.get(version_id)
            if found is not None:
                self._items.move_to_end(version_id)
                return found
        stored = session.scalar(
            select(ProcedureVersion.compiled).where(ProcedureVersion.id == version_id)
        )
        if stored is None:
            raise LookupError(f"procedure version {version_id} does not exist")
        compiled = CompiledProcedure.from_dict(stored)
        loaded = LoadedVersion(version_id, compiled)
        with self._lock:
            self._items[version_id] = loaded
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return loaded


def loaded_version(uow: UnitOfWork, version_id: int) -> LoadedVersion:
    """A procedure version ready to run, from the cache the unit of work carries."""
    return uow.port(VersionCache).get(uow.session, version_id)
