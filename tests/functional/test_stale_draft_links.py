"""A draft's form link (`?nhap=<key>`), bookmarked or left open in a tab, once its
procedure's version is no longer in force: a Vietnamese page that says so, keeps the draft
reachable from «Hồ sơ của tôi» and offers the procedure where it is still received — it
used to be a bare 404. Another person's draft, or a deleted one, stays a plain 404 that
says nothing about it. And «Hồ sơ của tôi» lists its drafts with the same number of SQL
statements however many there are (it looked each draft's procedure up on its own)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import update

from engine.core.models import ProcedureVersion
from engine.wiring import Platform
from tests.functional.test_citizen_pages_v2 import DEPARTMENT, _my_draft, citizen, officer
from tests.helpers import MINH_XUAN, PERMIT, counted_statements

STALE = "không còn tiếp nhận hồ sơ theo phiên bản"


def _links(key: str, agency: str = MINH_XUAN) -> list[str]:
    """Every shape of a draft's form link: the procedure's page, a step, the check page."""
    return [f"/thu-tuc/{PERMIT}?agency={agency}&nhap={key}", f"/thu-tuc/{PERMIT}/buoc/1?nhap={key}",
            f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}"]


def _retire_every_version(platform: Platform) -> None:
    with platform.uow() as uow:
        uow.session.execute(update(ProcedureVersion).where(
            ProcedureVersion.status == "published").values(status="retired"))
        uow.commit()


def test_a_draft_link_of_a_withdrawn_version_says_so_and_keeps_the_draft(
        app: Flask, platform: Platform) -> None:
    key = _my_draft(platform, {"ho_ten": "Lê Thị Hồng Nhung"})
    _retire_every_version(platform)
    client = citizen(app)
    for link in _links(key):
        opened = client.get(link)
        page = opened.data.decode()
        assert opened.status_code == 410, link
        assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in page
        assert STALE in page and "bản nháp không nộp được nữa" in page
        assert 'href="/ca-nhan#my-drafts"' in page and "Xóa bản nháp này" in page
        assert "Bắt đầu hồ sơ mới" not in page  # no version is received anywhere
    assert f"/ca-nhan/ban-nhap/{key}/xoa" in client.get("/ca-nhan").data.decode()


def test_a_draft_link_offers_the_procedure_where_it_is_still_received(
        app: Flask, platform: Platform) -> None:
    """The draft's agency stopped offering the permit; the commune still does: start there,
    filling the form again (the draft's answers are not carried over)."""
    admin, agencies = officer(app, "quantri"), f"/api/v1/procedures/{PERMIT}/agencies"
    assert admin.post(f"{agencies}?agency={MINH_XUAN}",
                      json={"agencies": [DEPARTMENT]}).status_code == 200
    key = _my_draft(platform, {"ho_ten": "Nguyễn Văn An"}, agency=DEPARTMENT)
    assert admin.delete(f"{agencies}/{DEPARTMENT}?agency={MINH_XUAN}").status_code == 200
    opened = citizen(app).get(_links(key, DEPARTMENT)[0])
    page = opened.data.decode()
    assert opened.status_code == 410 and STALE in page
    assert f'href="/thu-tuc/{PERMIT}?agency={MINH_XUAN}"' in page
    assert "Bắt đầu hồ sơ mới" in page and "khai lại" in page


def test_another_persons_or_a_deleted_draft_is_a_plain_404(
        app: Flask, platform: Platform) -> None:
    key = _my_draft(platform, {"ho_ten": "Lê Thị Hồng Nhung"})
    _retire_every_version(platform)
    stranger = app.test_client()  # not Nguyễn Văn An: his draft is not theirs to know of
    for link in [*_links(key), *_links("khong-co-ban-nhap-nay")]:
        for client in (stranger, citizen(app)) if "khong-co" in link else (stranger,):
            opened = client.get(link)
            page = opened.data.decode()
            assert opened.status_code == 404, link
            assert "Không tìm thấy bản nháp" in page
            for told in (STALE, "Lê Thị Hồng Nhung", "Cấp giấy phép xây dựng", "Xóa bản nháp"):
                assert told not in page, (link, told)


def test_my_area_lists_1_or_20_drafts_with_the_same_number_of_statements(
        app: Flask, platform: Platform) -> None:
    _my_draft(platform, {"ho_ten": "Nguyễn Văn An"})
    client = citizen(app)
    assert client.get("/ca-nhan").status_code == 200  # warm: versions loaded, session read
    with counted_statements(platform) as one:
        assert client.get("/ca-nhan").data.decode().count("Tiếp tục soạn hồ sơ<") == 1
    for _ in range(19):
        _my_draft(platform, {"ho_ten": "Nguyễn Văn An"})
    with counted_statements(platform) as twenty:
        assert client.get("/ca-nhan").data.decode().count("Tiếp tục soạn hồ sơ<") == 20
    assert len(twenty) == len(one), "\n".join(twenty)
