"""The officer a leader gives work to («Giao việc») gets one e-mail per assignment, through
the notifications outbox and a real SMTP server: every dossier code, step, due time in
words and a link to each task; none without an e-mail address (the in-system notice
still), none for a leader who takes a step himself."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from engine.core.models import Account, Notification, Task
from engine.records.outbox import Gateways, NullGateway, SmtpEmail, deliver_pending
from engine.wiring import Platform
from tests.conftest import Inbox
from tests.functional.test_citizen_area import officer
from tests.functional.test_team_work import SPECIALIST_NAME, _appraisals, _option, _task_ids
from tests.helpers import complete, login, page_login, token

SITE = "https://motcua.tuyenquang.example"
SPECIALIST = "chuyenvien.minhxuan@tuyenquang.example"


def _smtp(port: int) -> Gateways:
    return Gateways(email=SmtpEmail("127.0.0.1", port, sender="motcua@tuyenquang.example"),
                    sms=NullGateway("sms"))


def _sent_before(platform: Platform) -> None:
    """What the dossiers' reception sent the applicants is out of the way."""
    deliver_pending(platform.uow, Gateways(email=NullGateway("email"), sms=NullGateway("sms")))


def _tasks(platform: Platform, step: str) -> dict[int, str]:
    """task id → its dossier's code, of the open tasks of `step`."""
    with platform.uow() as uow:
        return {t.id: t.dossier.code for t in uow.session.scalars(
            select(Task).where(Task.bpmn_id == step, Task.state == "open").order_by(Task.id))}


def _account(platform: Platform, username: str) -> int:
    with platform.uow() as uow:
        return uow.session.execute(select(Account.id).where(Account.username == username)).scalar_one()


def test_two_tasks_given_at_once_make_one_email_listing_both(
    app: Flask, platform: Platform, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    app.config["PUBLIC_URL"] = SITE + "/"
    codes = _appraisals(app, "Phan Văn Khải", "Bùi Thị Xuân")
    _sent_before(platform)
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    team = leader.get("/can-bo?view=team").get_data(as_text=True)
    specialist_id, _ = _option(team, SPECIALIST_NAME)
    given = leader.post("/can-bo/phan-cong", data={
        "csrf_token": token(team.encode()), "task": _task_ids(team), "assignee": specialist_id})
    assert given.status_code == 303
    assert deliver_pending(platform.uow, _smtp(port)) == {"sent": 1, "failed": 0}
    [(recipients, message)] = inbox.messages
    assert recipients == [SPECIALIST]
    assert message["Subject"] == "[Cổng dịch vụ công một cửa] Bạn được giao 2 việc"
    body = message.get_content()
    assert "Phạm Thị Dung đã giao cho bạn 2 việc:" in body
    assert body.rstrip().endswith("— Cổng dịch vụ công một cửa") and "cửa motcua" not in body
    for task_id, code in _tasks(platform, "tham_dinh").items():
        assert code in codes
        assert (f"- Hồ sơ {code}: bước «Thẩm định hồ sơ, đề xuất», hạn 08:00 ngày 09/12/2026.\n"
                f"  {SITE}/can-bo/cong-viec/{task_id}\n") in body
    assert deliver_pending(platform.uow, _smtp(port)) == {"sent": 0, "failed": 0}  # once


def test_one_task_given_through_the_api_names_it_in_the_subject(
    app: Flask, platform: Platform, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    app.config["PUBLIC_URL"] = SITE
    [code] = _appraisals(app, "Trần Thị Đào")
    _sent_before(platform)
    [task_id] = _tasks(platform, "tham_dinh")
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    done = leader.post("/api/v1/tasks/assign", json={
        "task_ids": [task_id], "assignee_id": _account(platform, "chuyenvien.minhxuan")})
    assert done.status_code == 200
    assert deliver_pending(platform.uow, _smtp(port)) == {"sent": 1, "failed": 0}
    [(recipients, message)] = inbox.messages
    assert recipients == [SPECIALIST]
    assert message["Subject"] == ("[Cổng dịch vụ công một cửa] Bạn được giao: "
                                  f"«Thẩm định hồ sơ, đề xuất» — hồ sơ {code}")
    assert f"{SITE}/can-bo/cong-viec/{task_id}" in message.get_content()


def test_no_email_for_an_officer_without_an_address_nor_for_a_leader_taking_a_step(
    app: Flask, platform: Platform, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    [code] = _appraisals(app, "Lê Đức Thọ")
    specialist = _account(platform, "chuyenvien.minhxuan")
    with platform.uow() as uow:
        uow.session.execute(update(Account).where(Account.id == specialist).values(email=""))
        uow.commit()
    _sent_before(platform)
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    [appraisal] = _tasks(platform, "tham_dinh")
    assert leader.post("/api/v1/tasks/assign", json={
        "task_ids": [appraisal], "assignee_id": specialist}).status_code == 200
    complete(officer(app, "chuyenvien.minhxuan"), code,  # the approval waits for a leader
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện."})
    _sent_before(platform)
    [approval] = _tasks(platform, "phe_duyet")
    assert leader.post("/api/v1/tasks/assign", json={
        "task_ids": [approval], "assignee_id": _account(platform, "lanhdao.minhxuan")
    }).status_code == 200
    assert deliver_pending(platform.uow, _smtp(port)) == {"sent": 0, "failed": 0}
    assert inbox.messages == []
    with platform.uow() as uow:
        told = uow.session.execute(select(Notification.channel, Notification.subject).where(
            Notification.account_id == specialist)).all()
    # Told in the system only.
    assert [tuple(row) for row in told] == [
        ("web", f"Bạn được giao: «Thẩm định hồ sơ, đề xuất» — hồ sơ {code}")]
