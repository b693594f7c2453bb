"""The decision tables a package offers to its business rule tasks, as the modeler lists
them: each decision's id (what `spiffworkflow:calledDecisionId` names) and its name."""

from __future__ import annotations

from collections.abc import Mapping

from bpmn.dmn_table import read_tables
from bpmn.package import Package
from bpmn.problems import Report


def decision_choices(texts: Mapping[str, str]) -> list[dict[str, str]]:
    """Every decision of the package's `.dmn` files (at its top): `id`, `name` (the id when
    it has none) and `file`, by name. A broken file offers nothing; its problems are the
    validation report's to tell."""
    dmn = {path: text.encode("utf-8") for path, text in texts.items()
           if "/" not in path and path.endswith(".dmn")}
    if not dmn:
        return []
    tables = read_tables(Package("decisions", dmn), Report("decisions"))
    choices = [{"id": table.decision, "name": table.name or table.decision, "file": table.file}
               for table, _ in tables.values()]
    return sorted(choices, key=lambda c: (c["name"].casefold(), c["id"]))
