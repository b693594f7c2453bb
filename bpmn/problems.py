"""Findings about a procedure package, each pointing at a file, a line and an element."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding: what is wrong, where, and how bad (error blocks import, warning does not)."""

    code: str
    message: str
    file: str
    line: int | None = None
    element: str | None = None
    severity: Severity = "error"

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary for JSON output."""
        return asdict(self)

    def location(self) -> str:
        """`file:line [element]`, the way designers read a finding."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} [{self.element}]" if self.element else where


@dataclass
class Report:
    """All findings for one package (or one bare diagram)."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Findings that block the import."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Findings that a designer should see but that do not block."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def add(self, problem: Problem) -> None:
        """Record one finding."""
        self.problems.append(problem)

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary for JSON output and the HTTP API."""
        return {
            "source": self.source,
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.as_dict() for p in self.problems],
        }

    def as_text(self) -> str:
        """Human-readable report, one finding per line."""
        lines = [f"{self.source}: {'hợp lệ' if self.valid else 'KHÔNG hợp lệ'} "
                 f"({len(self.errors)} lỗi, {len(self.warnings)} cảnh báo)"]
        for p in self.problems:
            label = "LỖI" if p.severity == "error" else "CẢNH BÁO"
            lines.append(f"  {label} {p.location()}: {p.message} ({p.code})")
        return "\n".join(lines)
