"""Running the platform: readiness, the operational figures, backups, restores.

The public face of `engine.operations`: entry points import from here only (import-linter
holds them to it). It sits above the capabilities whose data it copies or counts and below
the composition root, which hands it the engine and the attachment store.
"""

from __future__ import annotations

from engine.operations.backup import (
    BackupError,
    create_backup,
    pg_tool,
    restore_backup,
    sha256_file,
    verify_backup,
)
from engine.operations.health import database_problems, schema_heads
from engine.operations.logs import JsonFormatter, bind, bound, configure_logging, unbind
from engine.operations.metrics import Snapshot, snapshot
from engine.operations.retention import kept, prune, scheduled_backup

__all__ = [
    "BackupError",
    "JsonFormatter",
    "Snapshot",
    "bind",
    "bound",
    "configure_logging",
    "create_backup",
    "database_problems",
    "kept",
    "pg_tool",
    "prune",
    "restore_backup",
    "scheduled_backup",
    "schema_heads",
    "sha256_file",
    "snapshot",
    "unbind",
    "verify_backup",
]
