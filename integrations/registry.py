"""The connector registry: every outside system the platform talks to is a connector with a
name, a configuration schema, a null and a real implementation and a health check, chosen
per province by configuration.

Configuration is one JSON object (`MOTCUA_CONNECTORS`: the text itself or a file's path):

    {"portal": {"implementation": "real", "url": "https://…", "secret": "…"},
     "provinces": {"Tuyên Quang": {"portal": {"implementation": "real", "url": "…", "secret": "…"}}}}

A connector the configuration does not name runs its null implementation. Every problem is
reported at start-up, all at once, in a `ConfigError` naming the connector and the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

IMPLEMENTATIONS = ("null", "real")
KINDS: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "secret": (str,),
    "url": (str,),
    "int": (int,),
    "number": (int, float),
    "bool": (bool,),
}


class ConfigError(ValueError):
    """The connectors' configuration is wrong; the message lists every problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("Cấu hình kết nối không hợp lệ: " + "; ".join(self.problems))


@dataclass(frozen=True)
class Health:
    """What a health check found."""

    ok: bool
    detail: str


class Connector(Protocol):
    """What every connector offers; each kind adds its own calls (a portal sends messages…)."""

    name: str
    implementation: str

    def health(self) -> Health:
        """Whether the outside system answers (a null connector is always healthy)."""
        ...


@dataclass(frozen=True)
class Field:
    """One setting of a connector's configuration schema."""

    name: str
    kind: str  # one of KINDS
    required: bool = False  # required by the real implementation
    default: Any = None
    help: str = ""

    def check(self, value: Any) -> str | None:
        """A problem with `value`, or None."""
        if self.kind == "number" and isinstance(value, bool):
            return f"{self.name} phải là số"
        if not isinstance(value, KINDS[self.kind]) or (self.kind == "int" and isinstance(value, bool)):
            return f"{self.name} phải có kiểu {self.kind}"
        if self.kind == "url" and not str(value).startswith(("http://", "https://")):
            return f"{self.name} phải là địa chỉ http:// hoặc https://"
        if self.kind == "secret" and len(str(value)) < 16:
            return f"{self.name} phải dài ít nhất 16 ký tự"
        return None


Settings = Mapping[str, Any]
Factory = Callable[[Settings], Connector]


@dataclass(frozen=True)
class ConnectorSpec:
    """How to configure and build one kind of connector."""

    name: str
    label: str  # Vietnamese, shown to administrators
    fields: tuple[Field, ...]
    null: Factory
    real: Factory

    def settings(self, raw: Mapping[str, Any], where: str) -> tuple[dict[str, Any], list[str]]:
        """`raw` checked against the schema, defaults filled in, and the problems found."""
        problems: list[str] = []
        implementation = raw.get("implementation", "null")
        if implementation not in IMPLEMENTATIONS:
            problems.append(f"{where}.implementation phải là một trong {', '.join(IMPLEMENTATIONS)}")
        known = {f.name for f in self.fields} | {"implementation"}
        problems += [
            f"{where}.{key}: không có trong cấu hình của {self.name}" for key in sorted(set(raw) - known)
        ]
        settings: dict[str, Any] = {"implementation": implementation}
        for spec in self.fields:
            if spec.name in raw:
                problem = spec.check(raw[spec.name])
                if problem:
                    problems.append(f"{where}.{problem}")
                settings[spec.name] = raw[spec.name]
            elif spec.required and implementation == "real":
                problems.append(f"{where}.{spec.name} là bắt buộc khi implementation là real")
            else:
                settings[spec.name] = spec.default
        return settings, problems

    def build(self, settings: Settings) -> Connector:
        """The implementation the settings name."""
        return (self.real if settings["implementation"] == "real" else self.null)(settings)


@dataclass
class Registry:
    """The kinds of connector the platform knows."""

    specs: dict[str, ConnectorSpec] = field(default_factory=dict)

    def register(self, spec: ConnectorSpec) -> ConnectorSpec:
        """Add a kind of connector (a second one of the same name is a programming error)."""
        if spec.name in self.specs:
            raise ValueError(f"connector {spec.name!r} registered twice")
        self.specs[spec.name] = spec
        return spec

    def build(self, config: Mapping[str, Any] | None = None) -> Connectors:
        """Every connector for every province the configuration names, checked first."""
        config = dict(config or {})
        provinces = config.pop("provinces", {})
        problems: list[str] = []
        if not isinstance(provinces, dict):
            problems.append("provinces phải là một đối tượng {tên tỉnh: cấu hình}")
            provinces = {}
        chosen: dict[tuple[str, str], Connector] = {}
        scopes: list[tuple[str, Mapping[str, Any], str]] = [("", config, "")]
        scopes += [(str(name), section, f"provinces.{name}.") for name, section in provinces.items()]
        for province, section, prefix in scopes:
            if not isinstance(section, Mapping):
                problems.append(f"{prefix or 'cấu hình'} phải là một đối tượng")
                continue
            problems += [
                f"{prefix}{name}: không có kết nối tên này (có: {', '.join(sorted(self.specs))})"
                for name in sorted(set(section) - set(self.specs))
            ]
            for name, spec in self.specs.items():
                if name not in section and province:
                    continue  # the province keeps the platform's connector
                raw = section.get(name, {})
                if not isinstance(raw, Mapping):
                    problems.append(f"{prefix}{name} phải là một đối tượng")
                    continue
                settings, found = spec.settings(raw, f"{prefix}{name}")
                problems += found
                if not found:
                    chosen[(name, province)] = spec.build(settings)
        if problems:
            raise ConfigError(problems)
        return Connectors(chosen)


@dataclass
class Connectors:
    """The built connectors: the platform's, and a province's own where it has one."""

    chosen: dict[tuple[str, str], Connector]

    def get(self, name: str, province: str = "") -> Connector:
        """The connector `name` for `province` (the platform's if the province has none)."""
        found = self.chosen.get((name, province)) or self.chosen.get((name, ""))
        if found is None:
            raise LookupError(f"no connector named {name!r}")
        return found

    def each(self, name: str) -> list[tuple[str, Connector]]:
        """Every connector `name`: ("", the platform's) first, then each province's own."""
        return sorted(((p, c) for (n, p), c in self.chosen.items() if n == name), key=lambda pc: pc[0])

    def health(self) -> dict[str, Health]:
        """Every connector's health check, by "name" or "name@province"."""
        report = {}
        for (name, province), connector in sorted(self.chosen.items()):
            try:
                report[f"{name}@{province}" if province else name] = connector.health()
            except Exception as exc:  # a health check reports, never raises
                report[f"{name}@{province}" if province else name] = Health(False, str(exc)[:200])
        return report


def read_config(value: str | None) -> dict[str, Any]:
    """The configuration from `MOTCUA_CONNECTORS`: JSON text, a JSON file's path, or empty."""
    if not value or not value.strip():
        return {}
    text = value if value.lstrip().startswith("{") else _read(Path(value))
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError([f"MOTCUA_CONNECTORS không phải JSON hợp lệ: {exc}"]) from exc
    if not isinstance(parsed, dict):
        raise ConfigError(["MOTCUA_CONNECTORS phải là một đối tượng JSON"])
    return parsed


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"không đọc được tệp cấu hình kết nối {path}: {exc}"]) from exc
