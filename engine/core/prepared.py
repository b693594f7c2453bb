"""Prepared statements: the hot path's Core statements run straight through the DB-API.

SQLAlchemy spends about 60 µs of Python around each statement it runs (cache key, execution
context, type processing, result set-up) where the SQLite call itself takes a few. A dossier
step runs some fifteen statements, so that overhead was most of a step's time
(`bench/README.md`). A `Prepared` statement is compiled once per dialect (and, for an
insert or update, per set of parameter names), with its parameters' and its result's type
processors looked up once; running it converts the values, calls the driver's cursor on
the unit of work's own connection (same transaction) and builds plain rows.

What it does not handle is refused the first time it runs (so the tests of its callers find
it), never silently: `IN` lists (their placeholders are rendered per run) and column
defaults computed in Python other than constants; use the SQLAlchemy connection for those.
Rows are plain named tuples: a mapped class's columns may be selected (`select(Agency.id)`),
never its objects. The engine's `before_cursor_execute` listeners see each statement as
they see SQLAlchemy's own (the refusal of a NUL character, `engine.core.db`; counters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, Executable, Insert, Update
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import DBAPIError, StatementError

Processor = Callable[[Any], Any] | None
_MISSING = object()


class Rows:
    """A prepared statement's outcome: its rows (for a query or a RETURNING) and rowcount."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        """Every row (named tuples: by position, by name, `_asdict()`)."""
        return self._rows

    def first(self) -> Any | None:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def one_or_none(self) -> Any | None:
        """The only row, or None; more than one is a programming error."""
        if len(self._rows) > 1:
            raise LookupError(f"{len(self._rows)} rows where at most one was expected")
        return self.first()

    def one(self) -> Any:
        """The only row; none or several is a programming error."""
        found = self.one_or_none()
        if found is None:
            raise LookupError("no row where exactly one was expected")
        return found

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        """The first column of the only row."""
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        """The first column of the only row, or None."""
        found = self.one_or_none()
        return None if found is None else found[0]

    def scalars(self) -> list[Any]:
        """The first column of every row."""
        return [row[0] for row in self._rows]


class _Plan(NamedTuple):
    """A statement compiled for one dialect and one set of parameter names."""

    sql: str
    # Per placeholder, in order: (its name in the SQL, the parameter it takes or None, the
    # constant it holds otherwise (a literal of the statement, a column's default), already
    # processed, the parameter's processor).
    binds: tuple[tuple[str, str | None, Any, Processor], ...]
    positional: bool
    row: type[tuple[Any, ...]] | None  # the result row's class (None: no rows)
    results: tuple[Processor, ...]


class Prepared:
    """One Core statement, built once at import, run with bound values through the DB-API.

    >>> FINISH = Prepared(update(TASKS).where(TASKS.c.id == bindparam("b_id")))
    >>> FINISH.run(uow.connection, {"b_id": 3, "state": "completed"}).rowcount
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._keyed = isinstance(statement, Insert | Update)  # columns set by parameter name
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}

    def run(self, connection: Connection, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]
            = ()) -> Rows:
        """Run in `connection`'s transaction with `values` (a list: the same statement for
        each, without rows back)."""
        many = values if isinstance(values, list) else None
        first: Mapping[str, Any] = (many[0] if many else {}) if many is not None \
            else values or {}  # type: ignore[assignment]
        plan = self._plan(connection.dialect, tuple(sorted(first)) if self._keyed else ())
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if many is not None:
                rows = [_bound(plan, row) for row in many]
                connection.dispatch.before_cursor_execute(connection, cursor, plan.sql, rows,
                                                          None, True)
                try:
                    cursor.executemany(plan.sql, rows)
                except connection.dialect.loaded_dbapi.Error as error:
                    raise _wrapped(connection, cursor, plan.sql, rows, error) from error
                return Rows([], cursor.rowcount)
            bound = _bound(plan, first)
            connection.dispatch.before_cursor_execute(connection, cursor, plan.sql, bound, None,
                                                      False)
            try:
                cursor.execute(plan.sql, bound)
            except connection.dialect.loaded_dbapi.Error as error:
                raise _wrapped(connection, cursor, plan.sql, bound, error) from error
            if plan.row is None:
                return Rows([], cursor.rowcount)
            made, results = plan.row, plan.results
            out = [made(*[p(v) if p else v for p, v in zip(results, raw, strict=True)])
                   for raw in cursor.fetchall()]
            return Rows(out, cursor.rowcount)
        finally:
            cursor.close()

    def _plan(self, dialect: Dialect, names: tuple[str, ...]) -> _Plan:
        key = (dialect.name, names)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _compile(self.statement, dialect, names)
        return plan


def _wrapped(connection: Connection, cursor: Any, sql: str, parameters: Any,
             error: Exception) -> StatementError:
    """The driver's error as SQLAlchemy raises it (`IntegrityError`, `OperationalError`…),
    the connection invalidated when it was lost, so callers and the pool see no difference."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection,  # type: ignore[arg-type]
                                 cursor)
    if lost:
        connection.invalidate(error)
    return DBAPIError.instance(sql, parameters, error, dialect.loaded_dbapi.Error,
                               connection_invalidated=lost, dialect=dialect)


def _bound(plan: _Plan, values: Mapping[str, Any]) -> Any:
    """The driver's parameters: positional (a tuple) or named (a dict), processed."""
    out = [constant if key is None else values[key] if process is None else process(values[key])
           for _, key, constant, process in plan.binds]
    if plan.positional:
        return tuple(out)
    return {name: value for (name, _, _, _), value in zip(plan.binds, out, strict=True)}


def _compile(statement: Any, dialect: Dialect, names: tuple[str, ...]) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(names) or None)
    if any(bind.expanding for bind in compiled.binds.values()):
        raise TypeError("an IN list cannot be prepared (write OR, or use the connection)")
    if compiled.update_prefetch:
        raise TypeError("an update default computed in Python cannot be prepared")
    defaults: dict[str, Any] = {}
    for column in compiled.insert_prefetch:  # a column left out: its default, if a constant
        default = column.default
        if default is None or not default.is_scalar:
            raise TypeError(f"the default of {column} is not a constant; set it explicitly")
        defaults[column.key] = default.arg
    positional = compiled.positiontup is not None
    binds = []
    for name in (compiled.positiontup if positional else compiled.binds):
        bind = compiled.binds[name]
        taken = bind.key in names or (bind.required and bind.key not in defaults)
        process = bind.type._cached_bind_processor(dialect)
        constant = None if taken else defaults.get(bind.key, bind.effective_value)
        if not taken and process is not None:
            constant = process(constant)  # processed once, here
        binds.append((compiled.escaped_bind_names.get(name, name), bind.key if taken else None,
                      constant, process))
    columns = compiled._result_columns
    # Named tuples like SQLAlchemy's rows: by position, by name, `_asdict()`.
    made: type[tuple[Any, ...]] | None = NamedTuple(  # type: ignore[assignment]
        "Row", [(c[0], Any) for c in columns]) if columns else None
    results = tuple(c[3]._cached_result_processor(dialect, None) for c in columns)
    return _Plan(compiled.string, tuple(binds), positional, made, results)
