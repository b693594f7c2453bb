"""The unit of work: one transaction per service call, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from engine.calendar import BusinessCalendar
from engine.clock import Clock
from engine.procedures_cache import ModelCache


class UnitOfWork:
    """Opens a session on enter; `commit()` makes changes durable, leaving without it undoes them.

    Carries the collaborators services need besides the database: the clock, the business
    calendar and the cache of restored process models.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Clock,
        calendar: BusinessCalendar,
        models: ModelCache,
    ) -> None:
        self._factory = session_factory
        self.clock = clock
        self.calendar = calendar
        self.models = models
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The open session (only inside `with`)."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    @property
    def dialect(self) -> str:
        """The database dialect name ("sqlite", "postgresql")."""
        bind = self.session.get_bind()
        return bind.dialect.name

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("the unit of work is already open")
        self._session = self._factory()
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

    def commit(self) -> None:
        """Make every change of this unit durable, together."""
        self.session.commit()
