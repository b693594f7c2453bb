"""Announcements and back-entry: the notices in force (public), the declared outages (the
desk), and a paper dossier received during an outage entered with its true reception time."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify

from engine import applicants, records
from engine.core import Invalid, is_staff
from engine.legal_clock import parse_instant
from webapp.api.common import bp, json_body, object_field, signed_in
from webapp.context import platform, uow


def _public(notice: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": notice["id"],
        "kind": notice["kind"],
        "kind_label": notice["kind_label"],
        "title": notice["title"],
        "body": notice["body"],
        "starts_at": notice["starts_at"].isoformat(),
        "ends_at": notice["ends_at"].isoformat(),
        "outage": notice["outage"],
    }


@bp.get("/announcements")
def announcements() -> Response:
    """The maintenance and incident notices shown now (upcoming or ongoing)."""
    with uow() as work:
        return jsonify({"announcements": [_public(a) for a in records.current_announcements(work)]})


@bp.get("/outages")
def outages() -> Response:
    """The declared outages, newest first: the windows a paper dossier may be back-entered in."""
    if not is_staff(signed_in()):
        abort(403, description="Chỉ cán bộ xem được các đợt gián đoạn.")
    with uow() as work:
        return jsonify({"outages": [_public(a) for a in records.outage_windows(work)]})


@bp.post("/desk/back-entries")
def back_entry() -> tuple[Response, int]:
    """The desk enters a paper dossier received during outage `outage` at `received_at` (its
    true time, ISO 8601; Vietnam time without an offset), otherwise as `POST
    /desk/dossiers`: `{outage, received_at, procedure, agency?, data, papers, decision,
    reception, channel?, contact?}` → 201 with its code, status and due date."""
    actor = signed_in()
    body = json_body()
    papers = body.get("papers", [])
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        raise Invalid("Trường 'papers' phải là danh sách tên giấy tờ.")
    try:
        received_at = parse_instant(str(body.get("received_at", "")))
        outage = int(body.get("outage", 0))
    except (TypeError, ValueError):
        raise Invalid("Cần 'outage' (số) và 'received_at' (thời điểm ISO 8601).") from None
    contact = object_field(body, "contact")
    result = applicants.back_enter_paper_dossier(
        platform().uow,
        actor=actor,
        outage_id=outage,
        received_at=received_at,
        procedure_code=str(body.get("procedure", "")),
        agency_code=body.get("agency"),
        data=object_field(body, "data"),
        papers=papers,
        decision=str(body.get("decision", "")),
        reception=object_field(body, "reception"),
        channel=str(body.get("channel", "desk")),
        contact=applicants.DeskContact(
            str(contact.get("phone", ""))[:40], str(contact.get("email", ""))[:254]
        ),
    )
    return jsonify(
        {
            **result,
            "received_at": result["received_at"].isoformat(),
            "entered_at": result["entered_at"].isoformat(),
        }
    ), 201
