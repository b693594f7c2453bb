"""What reception does with the applicant's papers: the ones the agency accepted are copied
into the applicant's personal data store (NĐ 45/2020), so a later dossier reuses them.

Part of advancing a dossier (reception happens inside an advance), so it lives with the
dossiers; reading and reusing the store is `engine.applicants.datastore`.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, and_, bindparam, insert, literal, select

from engine.core.models import Attachment, Dossier, StoredPaper
from engine.core.prepared import Prepared
from engine.core.uow import UnitOfWork

# The paper name of an electronic result (it is stored as a result, not as a paper).
RESULT_NAME = "Kết quả giải quyết"

STORED = cast(Table, StoredPaper.__table__)
_ATTACHMENTS = cast(Table, Attachment.__table__)
_DOSSIERS = cast(Table, Dossier.__table__)

# The applicant's current papers (not the ones taken from the store, which are there
# already) are copied into their store: one statement, nothing for desk dossiers without
# an account.
_KEEP_ACCEPTED = Prepared(insert(STORED).from_select(
    ["account_id", "kind", "name", "filename", "media_type", "size", "sha256", "dossier_code",
     "stored_at"],
    select(_DOSSIERS.c.owner_id, literal("paper"), _ATTACHMENTS.c.paper,
           _ATTACHMENTS.c.filename, _ATTACHMENTS.c.media_type, _ATTACHMENTS.c.size,
           _ATTACHMENTS.c.sha256, _DOSSIERS.c.code, bindparam("b_now"))
    .join_from(_ATTACHMENTS, _DOSSIERS, _ATTACHMENTS.c.dossier_id == _DOSSIERS.c.id)
    .where(and_(_DOSSIERS.c.id == bindparam("b_dossier"), _DOSSIERS.c.owner_id.is_not(None),
                _ATTACHMENTS.c.replaced_at.is_(None), _ATTACHMENTS.c.reused_from_id.is_(None),
                _ATTACHMENTS.c.paper != RESULT_NAME)),
))


def keep_accepted(uow: UnitOfWork, dossier_id: int) -> None:
    """Copy a received dossier's papers into its applicant's store (caller's transaction)."""
    _KEEP_ACCEPTED.run(uow.connection, {"b_dossier": dossier_id, "b_now": uow.clock.now()})
