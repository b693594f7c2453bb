"""The unit of work: one transaction per service call, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from engine.core import audit
from engine.core.clock import Clock
from engine.core.ports import Ports, T


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
        self._connection: Connection | None = None
        self._events: list[dict[str, Any]] = []
        self._audit: list[dict[str, Any]] = []
        self._access: list[dict[str, Any]] = []
        self._untold: set[int] = set()
        self._after_commit: list[Callable[[], None]] = []

    @property
    def session(self) -> Session:
        """The open session (only inside `with`)."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    @property
    def connection(self) -> Connection:
        """The session's connection, for the hot path's prebuilt Core statements (asked of
        the session once per transaction: asking costs more than a statement's own work)."""
        if self._connection is None or self._connection.closed:  # e.g. a rollback ended it
            self._connection = self.session.connection()
        return self._connection

    @property
    def dialect(self) -> str:
        """The database dialect name ("sqlite", "postgresql")."""
        bind = self.session.get_bind()
        return bind.dialect.name

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("the unit of work is already open")
        self._session = self._factory()
        self._reset()
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
            self._reset()

    def _reset(self) -> None:
        self._connection = None
        self._events, self._audit, self._access = [], [], []
        self._untold = set()
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
        transaction, covered by one audit entry per dossier (`engine.core.audit`)."""
        self._events.append(values)

    def without_notices(self, dossier_id: int) -> None:
        """This dossier has nobody to tell (no applicant account): the commit hooks
        (`Ports.before_commit`, the applicant's notices) skip its events."""
        self._untold.add(dossier_id)

    def audit(
        self, action: str, *, actor_id: int | None, object_type: str, object_id: str,
        summary: dict[str, Any] | None = None,
    ) -> None:
        """Queue an audit trail entry; `commit` chains it in, in the same transaction. A read
        of personal data (`audit.PERSONAL_DATA_READS`) goes to the access log instead."""
        queued = audit.entry(at=self.clock.now(), actor_id=actor_id, action=action,
                             object_type=object_type, object_id=object_id, summary=summary)
        (self._access if action in audit.PERSONAL_DATA_READS else self._audit).append(queued)

    def commit(self) -> None:
        """Make every change of this unit durable, together: the commit hooks' writes, the
        events with the audit entries covering them and the other entries chained at the
        end, the reads of personal data in the access log."""
        session = self.session
        if self._events or self._audit:
            now = self.clock.now()
            if self._events:
                for hook in self.ports.every_event:
                    hook(self.connection, self._events, now)
            told = [e for e in self._events if e["dossier_id"] not in self._untold]
            if told:
                for hook in self.ports.before_commit:
                    hook(self.connection, told, now)
            session.flush()
            audit.append(self.connection, self._audit, self._events, now)
            self._events, self._audit = [], []
        if self._access:
            audit.log_access(self.connection, self._access)
            self._access = []
        self._connection = None  # the next transaction asks the session again
        session.commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()
