"""«Áp dụng cho cơ quan» by API: the agencies a procedure applies at, applying it at more
(idempotent: one where it already applies is left as it is) and stopping it at one — the
engine functions the page `/quan-tri/thu-tuc/<agency>/<code>/ap-dung` calls, so the same
people may (whoever may design at the procedure's agency and at the target)."""

from __future__ import annotations

from flask import Response, jsonify, request

from engine import procedures
from engine.core import Invalid
from webapp.api.common import bp, json_body, signed_in
from webapp.context import uow

MAX_AGENCIES = 500


def _owner() -> str:
    """The procedure's own agency (`?agency=`), required: a code names one per agency."""
    agency = request.args.get("agency", "").strip()
    if not agency:
        raise Invalid("Cần mã cơ quan của thủ tục: ?agency=<mã cơ quan>.")
    return agency[:64]


def _targets() -> list[str]:
    """The body's `agencies`: a list of agency codes (each a string)."""
    targets = json_body().get("agencies")
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise Invalid("Trường 'agencies' phải là danh sách mã cơ quan.")
    if len(targets) > MAX_AGENCIES:
        raise Invalid(f"Mỗi lần áp dụng cho tối đa {MAX_AGENCIES} cơ quan.")
    return [t.strip()[:64] for t in targets]


@bp.get("/procedures/<code>/agencies")
def procedure_agencies(code: str) -> Response:
    """Every agency by level with where the procedure applies (own, applied, stopped,
    has_own, none), and whether it has a version in force (or from when). `?agency=`."""
    actor = signed_in()
    agency = _owner()
    with uow() as work:
        return jsonify(procedures.procedure_agencies(work, actor=actor, agency_code=agency,
                                                     code=code))


@bp.post("/procedures/<code>/agencies")
def apply_procedure(code: str) -> Response:
    """Apply the procedure at the `agencies` (codes); `applied`: the names of those where
    it applies from now on (empty when it applied at all of them already). `?agency=`."""
    actor = signed_in()
    agency, targets = _owner(), _targets()
    with uow() as work:
        applied = procedures.apply_procedure(work, actor=actor, agency_code=agency, code=code,
                                             targets=targets)
    with uow() as work:
        page = procedures.procedure_agencies(work, actor=actor, agency_code=agency, code=code)
    return jsonify({"applied": applied, **page})


@bp.delete("/procedures/<code>/agencies/<target>")
def stop_procedure(code: str, target: str) -> Response:
    """«Ngừng áp dụng» at `target`: no new dossier there, those there go on. `?agency=`."""
    actor = signed_in()
    agency = _owner()
    with uow() as work:
        name = procedures.stop_procedure(work, actor=actor, agency_code=agency, code=code,
                                         target=target[:64])
    return jsonify({"stopped": name})
