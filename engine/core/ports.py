"""What the unit of work carries for the capabilities above the core, without importing them.

The core sits below every capability, so it cannot name their types. Each shared
collaborator (the calendar cache, the version cache, the live-instance cache) is built by
`engine.wiring` and handed to the unit of work here; the capability that owns it looks it
up by its class (`legal_clock.calendar_for`, `procedures.loaded_version`, the dossiers'
advance), so the lookup is typed. Work the unit of work itself must do at commit, with the
events it is about to write (the applicant's notices), is a `CommitHook`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")


class CommitHook(Protocol):
    """Called at commit, inside the transaction, with the events about to be written."""

    def __call__(
        self, connection: Connection, events: Sequence[dict[str, Any]], now: datetime
    ) -> None:
        """Write whatever follows from these events (same transaction)."""
        ...


class Ports:
    """The collaborators of one platform, one per class, and the hooks run at commit."""

    def __init__(
        self, *collaborators: object, before_commit: Sequence[CommitHook] = (),
        every_event: Sequence[CommitHook] = (),
    ) -> None:
        self._by_class: dict[type, object] = {}
        for collaborator in collaborators:
            if type(collaborator) in self._by_class:
                raise ValueError(f"two {type(collaborator).__name__} wired into the ports")
            self._by_class[type(collaborator)] = collaborator
        self.before_commit: tuple[CommitHook, ...] = tuple(before_commit)
        # Hooks that see every event, also of dossiers nobody is told about (the national
        # portal's feed: a paper dossier without a contact is still synchronised).
        self.every_event: tuple[CommitHook, ...] = tuple(every_event)

    def get(self, kind: type[T]) -> T:
        """The collaborator of exactly that class (`LookupError` if none was wired)."""
        found = self._by_class.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"no {kind.__name__} is wired into the unit of work")
        return found
