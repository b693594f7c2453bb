"""The unit of work: one transaction per service call, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, cast

from sqlalchemy import Connection, Table, insert
from sqlalchemy.orm import Session, sessionmaker

from engine.core import audit
from engine.core.clock import Clock
from engine.core.models import Event
from engine.core.ports import Ports, T

_INSERT_EVENTS = insert(cast(Table, Event.__table__))


class UnitOfWork:
    """Opens a session on enter; `commit()` makes changes durable, leaving without it undoes them.

    Carries the clock and, through `ports`, the collaborators of the capabilities above the
    core (calendars, loaded versions, live process instances, the notices written at commit)
    without importing them: `engine.wiring` builds them.
    """

    def __init__(
        self, session_factory: sessionmaker[Session], *, clock: Clock, ports: Ports
    ) -> None:
        self._factory = session_factory
        self.clock = clock
        self.ports = ports
        self._session: Session | None = None
        self._events: list[dict[str, Any]] = []
        self._audit: list[dict[str, Any]] = []
        self._after_commit: list[Callable[[], None]] = []

    @property
    def session(self) -> Session:
        """The open session (only inside `with`)."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    @property
    def connection(self) -> Connection:
        """The session's connection, for the hot path's prebuilt Core statements."""
        return self.session.connection()

    @property
    def dialect(self) -> str:
        """The database dialect name ("sqlite", "postgresql")."""
        bind = self.session.get_bind()
        return bind.dialect.name

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("the unit of work is already open")
        self._session = self._factory()
        self._events = []
        self._audit = []
        self._after_commit = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None
            self._events = []
            self._audit = []
            self._after_commit = []

    def port(self, kind: type[T]) -> T:
        """The wired collaborator of that class (see `engine.core.ports`)."""
        return self.ports.get(kind)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once this unit's changes are durable (e.g. keep a live instance for
        the next step); never if it rolls back."""
        self._after_commit.append(action)

    def add_event(self, values: dict[str, Any]) -> None:
        """Queue an event row; `commit` writes the queue in one insert, in the same
        transaction. Every dossier event is also an entry of the audit trail."""
        self._events.append(values)
        self.audit(f"dossier.{values['kind']}", actor_id=values.get("actor_id"),
                   object_type="dossier", object_id=str(values["dossier_id"]),
                   summary={"status": values.get("status"), "step": values.get("step"),
                            "note": str(values.get("note") or "")[:200]})

    def audit(
        self, action: str, *, actor_id: int | None, object_type: str, object_id: str,
        summary: dict[str, Any] | None = None,
    ) -> None:
        """Queue an audit trail entry; `commit` chains it in, in the same transaction."""
        self._audit.append(audit.entry(at=self.clock.now(), actor_id=actor_id, action=action,
                                       object_type=object_type, object_id=object_id,
                                       summary=summary))

    def commit(self) -> None:
        """Make every change of this unit durable, together (events in one batched insert,
        audit entries chained at the end)."""
        session = self.session
        if self._events:
            for hook in self.ports.before_commit:
                hook(session.connection(), self._events, self.clock.now())
            session.connection().execute(_INSERT_EVENTS, self._events)
            self._events = []
        if self._audit:
            session.flush()
            audit.append(session.connection(), self._audit)
            self._audit = []
        session.commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()
