"""A validated procedure version in the form the engine stores once and reuses."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class TaskInfo:
    """What the engine needs about one user task, read from the diagram."""

    name: str
    lane: str
    form: str
    ui_form: str | None = None
    deadline: str | None = None
    status: int | None = None


@dataclass(frozen=True)
class EndInfo:
    """An end event: the national status it leaves the dossier in, and the outcome."""

    name: str
    status: int = 10
    outcome: str = "granted"


@dataclass(frozen=True)
class CompiledProcedure:
    """Manifest, diagrams, serialized process specs, forms and task metadata of a version."""

    manifest: dict[str, Any]
    process_id: str
    bpmn: dict[str, str]
    spec: dict[str, Any]
    forms: dict[str, dict[str, Any]]
    ui: dict[str, dict[str, Any]]
    tasks: dict[str, TaskInfo]
    end_events: dict[str, EndInfo]

    @property
    def code(self) -> str:
        """The national procedure code."""
        return str(self.manifest["code"])

    @property
    def start_form(self) -> str:
        """The key of the start form in `forms`."""
        return f"{self.manifest['start_form']}.schema.json"

    def ui_for(self, form: str) -> dict[str, Any] | None:
        """The UI schema that goes with a form, if the package has one."""
        return self.ui.get(form.replace(".schema.json", ".ui.json"))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (stored in the procedure version row)."""
        return {
            "manifest": self.manifest,
            "process_id": self.process_id,
            "bpmn": self.bpmn,
            "spec": self.spec,
            "forms": self.forms,
            "ui": self.ui,
            "tasks": {k: asdict(v) for k, v in self.tasks.items()},
            "end_events": {k: asdict(v) for k, v in self.end_events.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompiledProcedure:
        """Inverse of `to_dict`."""
        return cls(
            manifest=data["manifest"],
            process_id=data["process_id"],
            bpmn=data["bpmn"],
            spec=data["spec"],
            forms=data["forms"],
            ui=data["ui"],
            tasks={k: TaskInfo(**v) for k, v in data["tasks"].items()},
            end_events={k: EndInfo(**v) for k, v in data["end_events"].items()},
        )
