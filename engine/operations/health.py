"""Is this node fit to serve? The database answers and its schema is the code's.

`/readyz` asks these (with the broker, which only the entry points know); a load balancer
takes a node out of rotation while any answer is a reason, and puts it back once none is.
"""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError


def schema_heads(config: Config) -> set[str]:
    """The newest migrations the code ships (one head: the chain is linear)."""
    return set(ScriptDirectory.from_config(config).get_heads())


def database_problems(engine: Engine, config: Config) -> list[str]:
    """Why the database is not ready (unreachable, schema behind or ahead), else nothing."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        return [f"database unreachable: {type(exc).__name__}"]
    expected = schema_heads(config)
    if current != expected:
        found = ", ".join(sorted(current)) or "none"
        return [f"migrations not at head: database at {found}, code at {', '.join(sorted(expected))}"]
    return []
