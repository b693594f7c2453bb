"""What every test's Flask app compiled again, compiled once per test process.

The suite builds a new app for nearly every test (its own database, clock and settings).
Each build parsed its ~250 routes and compiled their URL builders (werkzeug writes and
compiles a Python function per rule: ~60 ms of CPU per app, the parsing as much again),
and each app's Jinja environment compiled every template it rendered from source again.
These results depend only on their input — a rule's text and the converters it names, its
parts and defaults; a template's source, checked by Jinja's checksum — so one process
reuses them across apps. Nothing here changes the application: `make run`,
and the tests that start `motcua` as a command, compile as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import Engine, event
from sqlalchemy.util import LRUCache
from werkzeug.routing.rules import Rule

from engine.core import db


class SharedTemplateCode(BytecodeCache):
    """Jinja's bytecode cache in this process's memory, shared by every app's environment
    (a template whose source changed has another checksum and is compiled again)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_BUILDERS: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


def _builder_once(original: Callable[[Rule, bool], Callable[..., tuple[str, str]]]
                  ) -> Callable[[Rule, bool], Callable[..., tuple[str, str]]]:
    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        # What werkzeug's builder is made of: the rule's text and parsed trace, its
        # defaults (resolved to constants when they fill a part) and the flag.
        key = (append_unknown, self.rule, tuple(self._trace),
               tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items())))
        built = _BUILDERS.get(key)
        if built is None:
            built = _BUILDERS[key] = original(self, append_unknown)
        return built
    return compile_builder


_PARSED: dict[tuple[Any, ...], tuple[list[Any], list[tuple[bool, str]], dict[str, Any]]] = {}


def _parse_once(original: Callable[[Rule, str], Iterable[Any]]
                ) -> Callable[[Rule, str], Iterable[Any]]:
    def parse_rule(self: Rule, rule: str) -> Iterable[Any]:
        # What parsing yields (the parts) and leaves on the rule (its trace, converters and
        # arguments) depends on the text and the converter classes of the map; the parts
        # and converters are only read afterwards, so apps may share them.
        assert self.map is not None
        key = (rule, tuple(sorted(self.map.converters.items())))
        parsed = _PARSED.get(key)
        if parsed is None:
            traced, converters = len(self._trace), dict(self._converters)
            parts = list(original(self, rule))
            parsed = _PARSED[key] = (parts, self._trace[traced:], {
                name: value for name, value in self._converters.items()
                if converters.get(name) is not value})
        else:
            parts, trace, converters = parsed
            self._trace.extend(trace)
            self._converters.update(converters)
            self.arguments.update(converters)
        return iter(parts)
    return parse_rule


_SQL: dict[tuple[str, ...], tuple[Any, Any]] = {}


def _sql_once(create: Callable[..., Engine]) -> Callable[..., Engine]:
    def create_engine(url: str, **options: Any) -> Engine:
        # SQLAlchemy keeps a statement's compiled SQL per engine, keyed by its dialect
        # object: each test's engine (its own database) compiled every statement it ran
        # again. An engine made with the same dialect and options as one that has already
        # connected (so its dialect is initialised: same driver, same server) takes that
        # one's dialect and its cache of compiled statements.
        made = create(url, **options)
        key = (made.dialect.name, made.dialect.driver, repr(sorted(options.items())))
        if key in _SQL:
            made.dialect, made._compiled_cache = _SQL[key]
        else:
            def first(*_: Any) -> None:
                _SQL.setdefault(key, (made.dialect, LRUCache(20_000)))
            event.listen(made, "connect", first, once=True)
        return made
    return create_engine


def install() -> None:
    """Share template bytecode, URL builders and compiled SQL between the apps and
    databases of this process."""
    if getattr(Rule._compile_builder, "shared", False):
        return
    db.create_engine = _sql_once(db.create_engine)  # type: ignore[attr-defined]
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": SharedTemplateCode()}
    shared = _builder_once(Rule._compile_builder)
    shared.shared = True  # type: ignore[attr-defined]
    Rule._compile_builder = shared  # type: ignore[method-assign, assignment]
    Rule._parse_rule = _parse_once(Rule._parse_rule)  # type: ignore[method-assign, assignment]
