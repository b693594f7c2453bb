"""The composition root: the engine wired from configuration — database, clock, and the
collaborators the unit of work carries as ports (calendars, versions, live instances,
the notices written at commit).

Nothing here runs at import time; entry points call `Platform(url)` from their factories.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from engine.core.clock import Clock, SystemClock
from engine.core.db import make_engine, make_session_factory
from engine.core.ports import Ports
from engine.core.uow import UnitOfWork
from engine.dossiers.instances import InstanceCache
from engine.legal_clock.calendar import BusinessCalendar
from engine.legal_clock.calendars import CalendarCache
from engine.procedures.cache import VersionCache
from engine.records import notices, portal_feed

# Shipped inside the package (package data), so a wheel install migrates as well as a checkout.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Platform:
    """Everything a service call needs, made once per process."""

    def __init__(
        self,
        database_url: str,
        *,
        clock: Clock | None = None,
        calendar: BusinessCalendar | None = None,
        feed_portal: bool = True,
    ) -> None:
        self.database_url = database_url
        self.engine: Engine = make_engine(database_url)
        self.session_factory = make_session_factory(self.engine)
        self.clock: Clock = clock or SystemClock()
        self.calendars = CalendarCache(calendar)
        self.versions = VersionCache()
        self.instances = InstanceCache()
        self.ports = Ports(self.calendars, self.versions, self.instances,
                           before_commit=[notices.write],
                           # Every status change and log entry to the national portal's
                           # outbox (issue 19); the worker's connector sends it or not.
                           every_event=[portal_feed.write] if feed_portal else [])

    def uow(self) -> UnitOfWork:
        """A fresh unit of work (use it in a `with` block)."""
        return UnitOfWork(self.session_factory, clock=self.clock, ports=self.ports)

    def alembic_config(self) -> Config:
        """Alembic configuration pointing at this platform's database."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["engine"] = self.engine
        return config

    def migrate(self) -> None:
        """Bring the schema up to the newest migration."""
        command.upgrade(self.alembic_config(), "head")

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
