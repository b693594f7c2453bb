"""Retention (`/quan-tri/ho-so/<code>/luu-tru.zip`): a closed dossier's archive package —
data, papers, history, generated documents, a manifest with SHA-256 — for a leader of its
competent agency (the engine refuses anyone else and any dossier not yet ended)."""

from __future__ import annotations

from flask import Response, g

from admin.common import bp, staff
from admin.common import uow as _uow
from engine import reports


@bp.get("/ho-so/<code>/luu-tru.zip")
def dossier_archive(code: str) -> Response:
    """The archive ZIP of one closed dossier, audited."""
    actor = staff()
    content = reports.export_dossier_archive(_uow, actor=actor, code=code)
    return Response(
        content,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="luu-tru-{code}.zip"'},
    )


@bp.app_template_global("may_archive_dossier")
def may_archive_dossier(code: str) -> bool:
    """For `_archive_link.html`: whether the signed-in person may download this archive."""
    actor = g.get("actor")
    if actor is None or actor.account_id is None:
        return False
    with _uow() as work:
        return reports.may_archive_dossier(work, actor=actor, code=code)
