"""The lengths of the database columns a procedure package's ids, names and codes land in.

`bpmn/` never imports the engine or SQLAlchemy, so the limits are repeated here;
tests/unit/test_limits.py checks each against its column in `engine/models.py`, so
they cannot drift apart. Validation refuses a longer value naming its element, rather
than letting the database refuse it (PostgreSQL) at import or at a citizen's submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# A flow node's id: Task.bpmn_id (user tasks), Timer.bpmn_id (timer events), Event.step.
ELEMENT_ID = 100
# A user task's name: Task.name.
TASK_NAME = 300
# A role code of procedure.json (roles.<lane>.role): Task.role, RoleGrant.role.
ROLE = 50
# A user task's form file name (formJsonSchemaFilename): Task.form.
FORM = 200
# procedure.json code: Procedure.code, Draft.procedure_code, Feedback.procedure_code.
PROCEDURE_CODE = 40
# procedure.json name and field: Procedure.name, Procedure.field.
PROCEDURE_NAME = 500
PROCEDURE_FIELD = 200
# An agency's unit code (roles.<lane>.agency, liên thông): Agency.code, Draft.agency_code.
AGENCY_CODE = 40
# A paper of the dossier (components[].name): Attachment.paper, StoredPaper.name.
PAPER_NAME = 500

# The applicant's name and ID number, copied from the start form into the dossier row:
# Dossier.applicant_name (and applicant_search), Dossier.applicant_id_number.
APPLICANT_NAME = 200
APPLICANT_ID_NUMBER = 20
# (procedure.json applicant key, default field, label, width)
APPLICANT_FIELDS = (("name", "ho_ten", "Họ tên", APPLICANT_NAME),
                    ("id_number", "so_dinh_danh", "Số định danh", APPLICANT_ID_NUMBER))

# (limit, "Model.column") pairs the drift test reads.
COLUMNS: dict[str, tuple[int, tuple[str, ...]]] = {
    "ELEMENT_ID": (ELEMENT_ID, ("Task.bpmn_id", "Timer.bpmn_id", "Event.step")),
    "TASK_NAME": (TASK_NAME, ("Task.name",)),
    "ROLE": (ROLE, ("Task.role", "RoleGrant.role")),
    "FORM": (FORM, ("Task.form",)),
    "PROCEDURE_CODE": (PROCEDURE_CODE, ("Procedure.code", "Draft.procedure_code",
                                        "Feedback.procedure_code")),
    "PROCEDURE_NAME": (PROCEDURE_NAME, ("Procedure.name",)),
    "PROCEDURE_FIELD": (PROCEDURE_FIELD, ("Procedure.field",)),
    "AGENCY_CODE": (AGENCY_CODE, ("Agency.code", "Draft.agency_code")),
    "PAPER_NAME": (PAPER_NAME, ("Attachment.paper", "StoredPaper.name")),
    "APPLICANT_NAME": (APPLICANT_NAME, ("Dossier.applicant_name", "Dossier.applicant_search")),
    "APPLICANT_ID_NUMBER": (APPLICANT_ID_NUMBER, ("Dossier.applicant_id_number",)),
}


def applicant_problems(manifest: Mapping[str, Any], data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field path, Vietnamese message) for an applicant name or ID number in the start
    form's `data` longer than the dossier's column — whatever the form allows. The sandbox
    and the engine both ask this, so a package test fails where a submission would."""
    applicant = manifest.get("applicant", {})
    found = []
    for key, default, label, width in APPLICANT_FIELDS:
        path = str(applicant.get(key, default)) if isinstance(applicant, Mapping) else default
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None and len(str(value)) > width:
            found.append((path, f"{label} dài quá {width} ký tự."))
    return found
