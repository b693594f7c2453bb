"""Making database engines: SQLite (embedded, WAL) and PostgreSQL, from a URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from engine.core import json_text
from engine.core.errors import Invalid

NUL_REFUSED = ("Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL hoặc mã UTF-16 lẻ), không lưu "
               "và không tra cứu được; vui lòng xóa ký tự này.")


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and writer-first transactions.
    Either refuses a statement whose text parameters hold a NUL character (`Invalid`)."""
    options.setdefault("json_serializer", json_text.dumps)  # JSON columns: orjson
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               **options)
        _tune_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, **options)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _refuse_nul(_conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any,
                _executemany: bool) -> None:
    # PostgreSQL cannot hold NUL in text nor \u0000 in jsonb, and no driver encodes a lone
    # surrogate: a path segment, a login name or a form field carrying one was a server error.
    # Refused on both databases, so they agree.
    rows = parameters if isinstance(parameters, list | tuple) and parameters and \
        isinstance(parameters[0], dict | list | tuple) else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row if isinstance(row, list | tuple) \
            else ()
        for value in values:  # a plain loop, quick tests first: this runs for every statement
            if isinstance(value, str) and (not value.isascii() or "\x00" in value
                                           or "\\u0000" in value) and _holds_nul(value):
                raise Invalid(NUL_REFUSED)


def _holds_nul(text: str) -> bool:
    """Whether `text` holds a NUL character, or a JSON text of one escapes it as \\u0000
    (a backslash that is not itself escaped), or a lone surrogate; linear in the text."""
    if not text.isascii():
        try:  # encoding fails on a lone surrogate; five times faster than searching for one
            text.encode()
        except UnicodeEncodeError:
            return True
    if "\x00" in text:
        return True
    start = text.find("\\u0000")
    while start != -1:
        before = start
        while before > 0 and text[before - 1] == "\\":  # runs before each match are disjoint
            before -= 1
        if (start - before) % 2 == 0:
            return True
        start = text.find("\\u0000", start + 1)
    return False


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN IMMEDIATE below
        # is what starts every transaction (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write lock up front: two writers queue on busy_timeout instead of one
        # failing with "database is locked" when it upgrades a read transaction. Straight
        # to the driver: it starts every transaction, SQLAlchemy's execute costs more.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
