"""The citizen's drafts say which procedure they are for, by its name."""

from __future__ import annotations

from sqlalchemy import select, update

from engine import applicants
from engine.core.models import Account, ProcedureVersion
from engine.identity.accounts import actor_of
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT


def test_a_draft_is_named_by_its_procedure_also_when_no_version_is_published(
        platform: Platform) -> None:
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == "congdan"))
        assert account is not None
        actor = actor_of(account)
        applicants.save_draft(uow, actor=actor, key=None, procedure_code=PERMIT,
                              agency_code=MINH_XUAN, data={"ho_ten": "Nguyễn Văn An"})
        uow.session.execute(update(ProcedureVersion).values(status="retired"))
        uow.commit()
    with platform.uow() as uow:
        [draft] = applicants.my_drafts(uow, actor=actor)
    assert draft["procedure"] == PERMIT
    assert draft["procedure_name"] == "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
