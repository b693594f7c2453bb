"""A draft's form link once its procedure's version is withdrawn while a newer version is
published to take effect later: the stale-draft page tells the citizen the day the new
version applies (dd/mm/yyyy) and where — it said nothing of it, only that no version was
received. Another version in force elsewhere is still offered beside it; a procedure with
no version waiting says nothing of one."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select, update

from engine.core.clock import VN_TZ
from engine.core.models import Procedure, ProcedureVersion
from engine.wiring import Platform
from tests.functional.test_citizen_pages_v2 import DEPARTMENT, _my_draft, citizen, officer
from tests.functional.test_stale_draft_links import STALE, _links
from tests.helpers import MINH_XUAN, PERMIT

NEW_VERSION = "Phiên bản mới sắp áp dụng"


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _publish_a_newer_version_from(platform: Platform, when: datetime, retire: bool) -> str:
    """A newer version of the permit published, effective `when` (its day as the pages write
    it), the one in force withdrawn first when `retire`."""
    with platform.uow() as uow:
        permit = select(Procedure.id).where(Procedure.code == PERMIT)
        current = uow.session.scalars(select(ProcedureVersion).where(
            ProcedureVersion.procedure_id.in_(permit),
            ProcedureVersion.status == "published")).all()
        assert current and all(uow.clock.now() < when for _ in current)
        for old in current:
            if retire:
                old.status = "retired"
            uow.session.add(ProcedureVersion(
                procedure_id=old.procedure_id, number=old.number + 1, status="published",
                compiled=old.compiled, created_at=uow.clock.now(),
                published_at=uow.clock.now(), effective_from=when))
        uow.commit()
    return when.astimezone(VN_TZ).strftime("%d/%m/%Y")


def test_the_stale_draft_page_tells_the_day_a_newer_version_applies(
        app: Flask, platform: Platform) -> None:
    key = _my_draft(platform, {"ho_ten": "Lê Thị Hồng Nhung"})
    day = _publish_a_newer_version_from(platform, datetime(2027, 1, 1, tzinfo=VN_TZ), retire=True)
    assert day == "01/01/2027"
    client = citizen(app)
    for link in _links(key):
        opened = client.get(link)
        page = _words(opened.data.decode())
        assert opened.status_code == 410, link
        assert STALE in page and NEW_VERSION in page
        assert ("áp dụng từ ngày 01/01/2027 tại UBND phường Minh Xuân, UBND xã An Tường."
                in page), page  # one day, said once, for both agencies
        assert "Trước ngày đó, thủ tục chưa tiếp nhận hồ sơ trực tuyến" in page
        assert "Bắt đầu hồ sơ mới" not in page  # nothing is received before that day


def test_a_newer_version_is_told_beside_the_agency_receiving_now(
        app: Flask, platform: Platform) -> None:
    """The draft's agency (the department) stopped; the commune receives the permit now and
    will receive its newer version from a later day."""
    admin, agencies = officer(app, "quantri"), f"/api/v1/procedures/{PERMIT}/agencies"
    assert admin.post(f"{agencies}?agency={MINH_XUAN}",
                      json={"agencies": [DEPARTMENT]}).status_code == 200
    key = _my_draft(platform, {"ho_ten": "Nguyễn Văn An"}, agency=DEPARTMENT)
    assert admin.delete(f"{agencies}/{DEPARTMENT}?agency={MINH_XUAN}").status_code == 200
    with platform.uow() as uow:
        later = uow.clock.now() + timedelta(days=400)
    day = _publish_a_newer_version_from(platform, later, retire=False)
    opened = citizen(app).get(_links(key, DEPARTMENT)[0])
    page = _words(opened.data.decode())
    assert opened.status_code == 410 and STALE in page
    assert "Bắt đầu hồ sơ mới tại UBND phường Minh Xuân" in page
    assert f"áp dụng từ ngày {day} tại UBND phường Minh Xuân, UBND xã An Tường." in page, page
    assert "Trước ngày đó" not in page


def test_no_version_waiting_says_nothing_of_one(app: Flask, platform: Platform) -> None:
    key = _my_draft(platform, {"ho_ten": "Lê Thị Hồng Nhung"})
    with platform.uow() as uow:
        uow.session.execute(update(ProcedureVersion).where(
            ProcedureVersion.status == "published").values(status="retired"))
        uow.commit()
    page = citizen(app).get(_links(key)[0]).data.decode()
    assert STALE in page and NEW_VERSION not in page and "Xem các thủ tục hành chính" in page
