"""Whether a package is one the procedure already has: the same files as one of its versions
(a draft, one in review or approved, the published one — not a discarded or retired one, which
a designer may want back as a new draft), JSON files compared by their content — key order,
spacing and indentation aside —, the others as text. Saving a form or the procedure's facts
unchanged from such a version so makes no new draft."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from sqlalchemy import case, select

from engine.core.models import Procedure, ProcedureVersion
from engine.core.uow import UnitOfWork


def _canonical(path: str, text: str) -> str:
    if path.endswith(".json"):
        try:
            return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False,
                              separators=(",", ":"))
        except json.JSONDecodeError:
            pass
    return text.replace("\r\n", "\n")


def canonical_hash(texts: Mapping[str, str]) -> str:
    """SHA-256 of a package's files as their content: two packages whose JSON files differ
    only in key order or spacing hash alike."""
    canonical = {path: _canonical(path, text) for path, text in texts.items()}
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def same_version(uow: UnitOfWork, agency_id: int, code: str, texts: Mapping[str, str],
                 digest: str, *, drafts_only: bool = False) -> ProcedureVersion | None:
    """The procedure's version holding these files — its drafts first, newest first; then
    (unless `drafts_only`) its others in review, approved or published, newest first — or
    None."""
    kept = ("draft",) if drafts_only else ("draft", "in_review", "reviewed", "approved", "published")
    versions = list(uow.session.scalars(
        select(ProcedureVersion).join(Procedure)
        .where(Procedure.agency_id == agency_id, Procedure.code == code,
               ProcedureVersion.status.in_(kept))
        .order_by(case((ProcedureVersion.status == "draft", 0), else_=1),
                  ProcedureVersion.number.desc())))
    for version in versions:
        if version.content_hash == digest:
            return version
    wanted = canonical_hash(texts)
    for version in versions:
        if version.package is not None and canonical_hash(version.package) == wanted:
            return version
    return None
