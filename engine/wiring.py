"""The composition root: the engine wired from configuration — database, clock, and the
collaborators the unit of work carries as ports (calendars, versions, live instances,
the notices written at commit).

Nothing here runs at import time; entry points call `Platform(url)` from their factories.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from engine.applicants.storage import AttachmentStorage, S3Settings
from engine.core.clock import Clock, SystemClock
from engine.core.db import make_engine, make_session_factory
from engine.core.ports import Ports
from engine.core.uow import UnitOfWork
from engine.dossiers.instances import InstanceCache, follow_row_versions
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
        storage: AttachmentStorage | None = None,
        reports_database_url: str | None = None,
    ) -> None:
        self.database_url = database_url
        self.engine: Engine = make_engine(database_url)
        self.session_factory = make_session_factory(self.engine)
        # Reports may read from a replica (MOTCUA_REPORTS_DATABASE_URL): a province's monthly
        # figures over a million dossiers then never compete with the desk for the primary.
        reports_url = reports_database_url or os.environ.get("MOTCUA_REPORTS_DATABASE_URL")
        self.reports_database_url = reports_url or database_url
        self.reports_engine: Engine = (make_engine(reports_url) if reports_url and
                                       reports_url != database_url else self.engine)
        self.reports_session_factory = make_session_factory(self.reports_engine)
        self.clock: Clock = clock or SystemClock()
        self.calendars = CalendarCache(calendar)
        self.versions = VersionCache()
        self.instances = InstanceCache()
        follow_row_versions(self.session_factory, self.instances)
        self.storage = storage or storage_from_env(os.environ)
        self.ports = Ports(self.calendars, self.versions, self.instances, self.storage,
                           before_commit=[notices.write],
                           # Every status change and log entry to the national portal's
                           # outbox (issue 19); the worker's connector sends it or not.
                           every_event=[portal_feed.write] if feed_portal else [])

    def uow(self) -> UnitOfWork:
        """A fresh unit of work (use it in a `with` block)."""
        return UnitOfWork(self.session_factory, clock=self.clock, ports=self.ports)

    def reports_uow(self) -> UnitOfWork:
        """A unit of work reading from the reports database (the replica when configured,
        else the main one): for reports only, which never write."""
        return UnitOfWork(self.reports_session_factory, clock=self.clock, ports=self.ports)

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
        if self.reports_engine is not self.engine:
            self.reports_engine.dispose()


def storage_from_env(environ: Mapping[str, str]) -> AttachmentStorage:
    """Where attached files go: MOTCUA_ATTACHMENT_STORE=database (default) or s3, with
    MOTCUA_S3_BUCKET, MOTCUA_S3_ENDPOINT_URL, MOTCUA_S3_REGION, MOTCUA_S3_PREFIX and the
    usual AWS credentials (or MOTCUA_S3_ACCESS_KEY / MOTCUA_S3_SECRET_KEY)."""
    kind = environ.get("MOTCUA_ATTACHMENT_STORE", "database") or "database"
    bucket = environ.get("MOTCUA_S3_BUCKET", "")
    s3 = S3Settings(bucket=bucket, endpoint_url=environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
                    region=environ.get("MOTCUA_S3_REGION", "us-east-1"),
                    prefix=environ.get("MOTCUA_S3_PREFIX", "attachments/"),
                    access_key=environ.get("MOTCUA_S3_ACCESS_KEY") or None,
                    secret_key=environ.get("MOTCUA_S3_SECRET_KEY") or None) if bucket else None
    return AttachmentStorage(kind, s3=s3)
