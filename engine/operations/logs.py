"""Structured logs: one JSON object per line, carrying the request id and dossier code.

Opt-in (`MOTCUA_LOG_FORMAT=json`): the default stays the readable text a developer reads in
a terminal. The request id and the dossier code live in context variables that the web
hooks (or a worker task) bind for the work at hand; every line written meanwhile carries
them, from whichever module logs it.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("motcua_request_id", default=None)
DOSSIER: ContextVar[str | None] = ContextVar("motcua_dossier", default=None)
FORMATS = ("text", "json")
# Attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, the bound context, the
    record's `extra` fields and, for an exception, its traceback as text."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (("request_id", REQUEST_ID), ("dossier", DOSSIER)):
            value = var.get()
            if value is not None:
                entry[key] = value
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure_logging` installs (so a second call replaces, not adds)."""


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """With `json`: the root logger writes JSON lines to stderr at `level` (replacing
    whatever handlers it had). With `text`: nothing changes. Anything else: ValueError."""
    if log_format not in FORMATS:
        raise ValueError(f"MOTCUA_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    if log_format == "text":
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = _JsonHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Every /readyz opens a migration context, which says so at INFO: a line per probe.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


def bind(*, request_id: str | None = None, dossier: str | None = None) -> list[Token[str | None]]:
    """Set the context the next log lines carry; returns the tokens `unbind` resets."""
    tokens = []
    if request_id is not None:
        tokens.append(REQUEST_ID.set(request_id))
    if dossier is not None:
        tokens.append(DOSSIER.set(dossier))
    return tokens


def unbind(tokens: list[Token[str | None]]) -> None:
    """Undo `bind` (in reverse order)."""
    for token in reversed(tokens):
        token.var.reset(token)


@contextmanager
def bound(*, request_id: str | None = None, dossier: str | None = None) -> Iterator[None]:
    """`bind` for the duration of a block (a worker task on one dossier)."""
    tokens = bind(request_id=request_id, dossier=dossier)
    try:
        yield
    finally:
        unbind(tokens)
