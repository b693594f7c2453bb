"""Alembic environment: runs against the engine the platform passes in (or MOTCUA_DATABASE_URL)."""

from __future__ import annotations

import os

from alembic import context

from engine.core.db import make_engine
from engine.core.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(os.environ.get("MOTCUA_DATABASE_URL", "sqlite:///instance/motcua.db"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
