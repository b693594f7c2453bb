"""The authorisation matrix: every API route × every kind of caller, on their own object
and on someone else's, each cell the exact status expected. The route list is read from
the application, so a new route without a row here fails the suite.

Callers (columns, in this order):
  anon      nobody logged in
  citizen   congdan, who owns the dossier
  stranger  another citizen (someone else's dossier)
  desk      motcua.minhxuan, one-stop officer of the dossier's agency (its task is theirs)
  outsider  motcua.antuong, the same role in another agency
  designer  thietke.minhxuan, process designer of the dossier's agency
  leader    lanhdao.minhxuan, leader of the dossier's agency
  admin     quantri
  key       an API key of the dossier's agency holding every scope

Authorisation lives in the engine services; the views only translate refusals, so these
statuses are the engine's answers seen through HTTP. Mutating calls run refusals first
and the permitted callers last, so every refusal is tested against the untouched object.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.applicants.attachments import OTHER_PAPER
from engine.core.clock import FixedClock
from engine.core.models import Account
from engine.identity.accounts import create_account
from engine.identity.api_keys import SCOPES
from engine.wiring import Platform
from tests.conftest import START
from tests.functional.test_desk import PAPERS
from tests.helpers import (
    APPLICANT_ID,
    MINH_XUAN,
    PERMIT,
    login,
    package_files,
    permit_data,
    task_for,
    zip_bytes,
)

ROLES = ("anon", "citizen", "stranger", "desk", "outsider", "designer", "leader", "admin", "key")
USERS = {"citizen": "congdan", "stranger": "congdan2", "desk": "motcua.minhxuan",
         "outsider": "motcua.antuong", "designer": "thietke.minhxuan",
         "leader": "lanhdao.minhxuan", "admin": "quantri"}
PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
PROVINCE = "Tuyên Quang"


@dataclass
class World:
    """The objects of one matrix row: a dossier of congdan at Minh Xuân, its open task,
    an API key (and a second key to revoke)."""

    code: str
    run: int
    run_task: str
    run_timer: str
    attachment: int
    received: str
    task: int
    other_key: int
    desk_id: int
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        return text.format(code=self.code, run=self.run, run_task=self.run_task,
                           run_timer=self.run_timer, attachment=self.attachment, received=self.received,
                           task=self.task, key=self.other_key, agency=MINH_XUAN,
                           procedure=PERMIT, id=APPLICANT_ID, province=PROVINCE)


@dataclass(frozen=True)
class Cell:
    """One route's request and the status each caller gets."""

    path: str
    statuses: tuple[int, ...]
    json: Body | None = None
    upload: str = ""  # "package" (a procedure zip) or "attachment" (a PDF for a paper)


Body = dict[str, Any] | Callable[[World], dict[str, Any]]


def row(path: str, *statuses: int, json: Body | None = None, upload: str = "") -> Cell:
    assert len(statuses) == len(ROLES), f"{path}: {len(statuses)} statuses for {len(ROLES)} roles"
    return Cell(path, statuses, json, upload)


RECEIVED = {"data": {"ket_qua_kiem_tra": "tiep_nhan"}}  # the reception step's form
AGENCY = {"code": "000.05.01.H64", "name": "Phòng Quản lý xây dựng", "parent": "000.05.00.H64"}
ORGANISATION = "0109999999"  # registered by congdan, its legal representative, in each world
#                          anon citizen stranger desk outsider designer leader admin key
MATRIX: dict[tuple[str, str], Cell] = {
    ("GET", "/openapi.json"): row("/openapi.json", 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/schemas/procedure.json"): row(
        "/schemas/procedure.json", 200, 200, 200, 200, 200, 200, 200, 200, 403),
    ("POST", "/session"): row(
        "/session", 400, 400, 400, 400, 400, 400, 400, 400, 403,
        json={"username": "congdan", "password": "sai"}),
    ("DELETE", "/session"): row("/session", 204, 204, 204, 204, 204, 204, 204, 204, 403),
    ("DELETE", "/sessions"): row("/sessions", 401, 200, 200, 200, 200, 200, 200, 200, 403),
    ("PUT", "/account/password"): row(
        "/account/password", 401, 422, 422, 422, 422, 422, 422, 422, 403,
        json={"current": "sai", "new": "Mat-khau-moi-2027"}),
    ("POST", "/password-resets"): row(
        "/password-resets", 202, 202, 202, 202, 202, 202, 202, 202, 403, json={"login": "x"}),
    ("POST", "/password-resets/{token}"): row(
        "/password-resets/khong-co", 400, 400, 400, 400, 400, 400, 400, 400, 403,
        json={"new": "Mat-khau-moi-2027"}),
    ("GET", "/procedures"): row("/procedures", 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/procedures/{code}"): row(
        "/procedures/{procedure}?agency={agency}", 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/procedures"): row(
        "/procedures", 401, 403, 403, 403, 403, 201, 403, 201, 403, upload="package"),
    ("POST", "/procedures/{code}/versions/{number}/{action}"): row(
        "/procedures/{procedure}/versions/1/publish?agency={agency}",
        401, 404, 404, 404, 404, 403, 404, 409, 403),
    ("GET", "/procedures/{code}/versions/{number}"): row(
        "/procedures/{procedure}/versions/1?agency={agency}",
        401, 404, 404, 404, 404, 200, 404, 200, 403),
    ("GET", "/procedures/{code}/versions/{number}/package"): row(
        "/procedures/{procedure}/versions/1/package?agency={agency}",
        401, 404, 404, 404, 404, 200, 404, 200, 403),
    ("GET", "/procedures/{code}/diff"): row(
        "/procedures/{procedure}/diff?agency={agency}&from=1&to=1",
        401, 404, 404, 404, 404, 200, 404, 200, 403),
    ("POST", "/procedures/{code}/versions/{number}/sandbox"): row(
        "/procedures/{procedure}/versions/1/sandbox?agency={agency}",
        401, 404, 404, 404, 404, 201, 404, 201, 403, json={"data": permit_data()}),
    ("GET", "/procedures/{code}/agencies"): row(  # «Áp dụng cho cơ quan»: the page's rule
        "/procedures/{procedure}/agencies?agency={agency}",
        401, 403, 403, 403, 403, 200, 403, 200, 403),
    ("POST", "/procedures/{code}/agencies"): row(  # the designer does not design there
        "/procedures/{procedure}/agencies?agency={agency}",
        401, 403, 403, 403, 403, 403, 403, 200, 403, json={"agencies": ["000.05.00.H64"]}),
    ("DELETE", "/procedures/{code}/agencies/{target}"): row(  # it does not apply there: 409
        "/procedures/{procedure}/agencies/000.05.00.H64?agency={agency}",
        401, 403, 403, 403, 403, 403, 403, 409, 403),
    ("GET", "/sandbox/{run_id}"): row(
        "/sandbox/{run}", 401, 404, 404, 404, 404, 200, 404, 200, 403),
    ("POST", "/sandbox/{run_id}/tasks/{task_id}"): row(
        "/sandbox/{run}/tasks/{run_task}", 401, 404, 404, 404, 404, 200, 404, 200, 403,
        json={"data": {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện."}}),
    ("POST", "/sandbox/{run_id}/timers/{timer_id}"): row(
        "/sandbox/{run}/timers/{run_timer}", 401, 404, 404, 404, 404, 200, 404, 200, 403),
    ("GET", "/reports/statistics"): row(
        "/reports/statistics?from=2026-11-01&to=2026-11-30&agency={agency}",
        401, 403, 403, 403, 403, 403, 200, 200, 403),
    ("GET", "/reports/indicators"): row(
        "/reports/indicators?from=2026-11-01&to=2026-11-30&agency={agency}",
        401, 403, 403, 403, 403, 403, 200, 200, 403),
    ("POST", "/dossiers"): row(
        "/dossiers", 201, 201, 201, 201, 201, 201, 201, 201, 201,
        json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}),
    ("POST", "/desk/dossiers"): row(
        "/desk/dossiers", 401, 403, 403, 201, 201, 403, 403, 403, 403,
        json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(), "papers": PAPERS,
              "decision": "complete", "reception": RECEIVED["data"]}),
    ("POST", "/desk/back-entries"): row(  # no such outage: the desk is told why (400)
        "/desk/back-entries", 401, 403, 403, 400, 400, 403, 403, 403, 403,
        json={"outage": 999999, "received_at": "2026-11-24T09:00:00+07:00", "procedure": PERMIT,
              "agency": MINH_XUAN, "data": permit_data(), "papers": PAPERS,
              "decision": "complete", "reception": RECEIVED["data"]}),
    ("GET", "/announcements"): row("/announcements", 200, 200, 200, 200, 200, 200, 200, 200, 403),
    ("GET", "/outages"): row("/outages", 401, 403, 403, 200, 200, 200, 200, 200, 403),
    ("GET", "/dossiers"): row(  # scoped inside: the outsider gets its own agency's
        "/dossiers", 401, 403, 403, 200, 200, 200, 200, 200, 403),
    ("GET", "/dossiers/{code}"): row(
        "/dossiers/{code}", 401, 200, 404, 200, 404, 200, 200, 404, 200),
    ("POST", "/dossiers/{code}/{action}"): row(
        "/dossiers/{code}/receive", 401, 404, 404, 200, 404, 404, 404, 404, 403, json=RECEIVED),
    ("POST", "/dossiers/{code}/attachments"): row(
        "/dossiers/{code}/attachments", 401, 201, 404, 201, 404, 201, 201, 404, 403,
        upload="attachment"),
    ("GET", "/dossiers/{code}/attachments"): row(
        "/dossiers/{code}/attachments", 401, 200, 404, 200, 404, 200, 200, 404, 403),
    ("GET", "/dossiers/{code}/attachments/{attachment_id}"): row(
        "/dossiers/{code}/attachments/{attachment}", 401, 200, 404, 200, 404, 200, 200, 404, 403),
    ("GET", "/dossiers/{code}/deadlines"): row(
        "/dossiers/{code}/deadlines", 401, 200, 404, 200, 404, 200, 200, 404, 403),
    ("GET", "/dossiers/{code}/documents/{kind}"): row(
        "/dossiers/{received}/documents/receipt", 401, 200, 404, 200, 404, 200, 200, 404, 403),
    ("POST", "/dossiers/{code}/stop"): row(  # a leader of the agency only
        "/dossiers/{received}/stop", 401, 403, 404, 403, 404, 403, 200, 404, 403,
        json={"reasons": "Thửa đất đang có tranh chấp"}),
    ("POST", "/dossiers/{code}/post-orders"): row(  # its applicant or the desk
        "/dossiers/{code}/post-orders", 401, 201, 404, 201, 404, 403, 403, 404, 403,
        json={"kind": "delivery", "name": "Nguyễn Văn An", "phone": "0912345678",
              "address": "Số 5 đường Tân Trào, phường Minh Xuân, Tuyên Quang"}),
    ("GET", "/dossiers/{code}/post-orders"): row(
        "/dossiers/{code}/post-orders", 401, 200, 404, 200, 404, 200, 200, 404, 403),
    ("POST", "/dossiers/{code}/cash-payment"): row(  # the desk; no fee is asked: 409
        "/dossiers/{received}/cash-payment", 401, 403, 404, 409, 404, 403, 403, 404, 403,
        json={"amount": 75000}),
    ("POST", "/dossiers/{code}/fee-exemption"): row(  # the desk or a leader, never the applicant
        "/dossiers/{received}/fee-exemption", 401, 403, 404, 200, 404, 403, 200, 404, 403,
        json={"reason": "Người có công với cách mạng"}),
    ("POST", "/dossiers/{code}/payment-request/cancel"): row(  # its officers; none pending: 409
        "/dossiers/{received}/payment-request/cancel", 401, 403, 404, 409, 404, 409, 409, 404, 403,
        json={"reason": "Yêu cầu sai số tiền"}),
    ("GET", "/dossiers/{code}/refunds"): row(  # its applicant and its officers
        "/dossiers/{received}/refunds", 401, 200, 404, 200, 404, 200, 200, 404, 403),
    ("POST", "/dossiers/{code}/refunds/{refund_id}/record"): row(  # its officers; none due: 404
        "/dossiers/{received}/refunds/1/record", 401, 403, 404, 404, 404, 404, 404, 404, 403,
        json={"method": "transfer", "note": "Đã chuyển khoản trả lại người nộp"}),
    ("GET", "/refunds"): row(  # officers, for their agencies
        "/refunds", 401, 403, 403, 200, 200, 200, 200, 403, 403),
    ("GET", "/agencies/{agency}/tracking-book"): row(
        "/agencies/{agency}/tracking-book?from=2026-11-01&to=2026-11-30&format=html",
        401, 403, 403, 200, 403, 200, 200, 200, 403),
    ("POST", "/api-keys"): row(
        "/api-keys", 401, 403, 403, 403, 403, 403, 403, 201, 403,
        json={"name": "Cổng quốc gia", "agency": MINH_XUAN, "scopes": ["procedures:read"]}),
    ("POST", "/api-keys/{key_id}/revoke"): row(
        "/api-keys/{key}/revoke", 401, 403, 403, 403, 403, 403, 403, 200, 403),
    ("GET", "/api-keys/{key_id}/calls"): row(
        "/api-keys/{key}/calls", 401, 403, 403, 403, 403, 403, 403, 200, 403),
    ("POST", "/accounts/{username}/unlock"): row(
        "/accounts/congdan/unlock", 401, 403, 403, 403, 403, 403, 403, 200, 403),
    ("POST", "/agencies/{agency}/handover"): row(
        "/agencies/{agency}/handover", 401, 403, 403, 403, 403, 403, 200, 200, 403,
        json={"leaving": "chuyenvien.minhxuan", "successor": "hotich.minhxuan",
              "reason": "Nghỉ hưu"}),
    ("GET", "/agencies"): row("/agencies", 200, 200, 200, 200, 200, 200, 200, 200, 403),
    ("POST", "/agencies"): row(
        "/agencies", 401, 403, 403, 403, 403, 403, 403, 201, 403, json=AGENCY),
    ("PUT", "/agencies/{agency}"): row(
        "/agencies/{agency}", 401, 403, 403, 403, 403, 403, 403, 200, 403,
        json={"name": "UBND phường Minh Xuân", "kind": "commune", "hotline": "0207 3822 112"}),
    ("POST", "/agencies/{agency}/close"): row(
        "/agencies/{agency}/close", 401, 403, 403, 403, 403, 403, 403, 200, 403,
        json={"reason": "Sáp nhập"}),
    ("POST", "/agencies/{agency}/reopen"): row(  # it is open: 409 for the administrator
        "/agencies/{agency}/reopen", 401, 403, 403, 403, 403, 403, 403, 409, 403),
    ("GET", "/officers"): row("/officers", 401, 403, 403, 403, 403, 403, 403, 200, 403),
    ("POST", "/officers"): row(
        "/officers", 401, 403, 403, 403, 403, 403, 403, 201, 403,
        json={"username": "motcua2.minhxuan", "full_name": "Hà Thị Ngọc",
              "email": "ngoc@tuyenquang.example", "grants": [{"agency": MINH_XUAN,
                                                              "role": "mot_cua"}]}),
    ("GET", "/officers/{username}"): row(
        "/officers/hotich.minhxuan", 401, 403, 403, 403, 403, 403, 403, 200, 403),
    ("PUT", "/officers/{username}/roles"): row(
        "/officers/hotich.minhxuan/roles", 401, 403, 403, 403, 403, 403, 403, 200, 403,
        json={"agency": MINH_XUAN, "role": "chuyen_vien",
              "valid_until": "2027-01-01T00:00:00+07:00"}),
    ("DELETE", "/officers/{username}/roles/{agency}/{role}"): row(
        "/officers/hotich.minhxuan/roles/{agency}/ho_tich",
        401, 403, 403, 403, 403, 403, 403, 200, 403),
    ("POST", "/officers/{username}/{action}"): row(
        "/officers/hotich.minhxuan/emergency-lock", 401, 403, 403, 403, 403, 403, 403, 200, 403,
        json={"reason": "Lộ mật khẩu"}),
    ("POST", "/officers/{username}/transfer"): row(
        "/officers/hotich.minhxuan/transfer", 401, 403, 403, 403, 403, 403, 403, 200, 403,
        json={"from": MINH_XUAN, "to": "000.00.31.H64", "roles": ["ho_tich"],
              "successor": "chuyenvien.minhxuan", "reason": "Điều động"}),
    ("GET", "/organisations"): row(
        "/organisations", 401, 200, 200, 403, 403, 403, 403, 403, 403),
    ("POST", "/organisations"): row(
        "/organisations", 401, 201, 201, 403, 403, 403, 403, 403, 403,
        json={"tax_code": "0101234567", "name": "Công ty TNHH Xây dựng Sông Lô",
              "email": "songlo@tuyenquang.example", "password": "Mat-khau-cong-ty-1"}),
    ("GET", "/organisations/{tax_code}"): row(  # congdan represents it; others: not found
        f"/organisations/{ORGANISATION}", 401, 200, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "/organisations/{tax_code}/members"): row(
        f"/organisations/{ORGANISATION}/members", 401, 201, 404, 404, 404, 404, 404, 404, 403,
        json={"username": "congdan2", "authorisation": "Giấy ủy quyền số 01/2026/UQ"}),
    ("DELETE", "/organisations/{tax_code}/members/{username}"): row(
        f"/organisations/{ORGANISATION}/members/congdan2",
        401, 404, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "/organisations/{tax_code}/dossiers"): row(
        f"/organisations/{ORGANISATION}/dossiers", 401, 201, 404, 403, 403, 403, 403, 403, 403,
        json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}),
    ("GET", "/organisations/{tax_code}/dossiers"): row(
        f"/organisations/{ORGANISATION}/dossiers", 401, 200, 404, 403, 403, 403, 403, 403, 403),
    ("GET", "/calendars/{province}"): row(
        "/calendars/{province}", 200, 200, 200, 200, 200, 200, 200, 200, 403),
    ("PUT", "/calendars/{province}/days/{day}"): row(
        "/calendars/{province}/days/2026-12-31", 401, 403, 403, 403, 403, 403, 403, 200, 403,
        json={"kind": "off", "reason": "Nghỉ bù"}),
    ("PUT", "/calendars/{province}/hours"): row(
        "/calendars/{province}/hours", 401, 403, 403, 403, 403, 403, 403, 200, 403,
        json={"periods": [["07:00", "11:30"], ["13:30", "17:00"]], "reason": "Giờ mùa đông"}),
    ("DELETE", "/calendars/{province}/days/{day}"): row(
        "/calendars/{province}/days/2026-12-31?reason=Sai", 401, 403, 403, 403, 403, 403, 403,
        200, 403),
    ("POST", "/track"): row(
        "/track", 200, 200, 200, 200, 200, 200, 200, 200, 200,
        json=lambda w: {"code": w.code, "id_number": APPLICANT_ID}),
    ("POST", "/payments/{reference}/confirm"): row(
        "/payments/TT0000000000000000/confirm", 403, 403, 403, 403, 403, 403, 403, 403, 403,
        json={"signature": "gia-mao"}),
    # The payment gateway's signed callback: no gateway is configured in this world (404; a
    # key's missing scope first); forged, stale, replayed: tests/functional/test_payment_gateway.py.
    ("POST", "/payments/callback"): row(
        "/payments/callback", 404, 404, 404, 404, 404, 404, 404, 404, 403,
        json={"reference": "TT0000000000000000", "amount": 1, "result": "success"}),
    # The SMS provider's signed delivery report: no provider is configured here (404; a key's
    # missing scope first); forged, stale, replayed, unknown: test_sms_connector.py.
    ("POST", "/connectors/sms/status"): row(
        "/connectors/sms/status", 404, 404, 404, 404, 404, 404, 404, 404, 403,
        json={"message_id": "sms-1", "status": "delivered"}),
    ("POST", "/connectors/post/status"): row(  # no carrier configured here: 404
        "/connectors/post/status", 404, 404, 404, 404, 404, 404, 404, 404, 403,
        json={"reference": "BC0000000000000000", "status": "accepted"}),
    ("GET", "/me/dossiers"): row("/me/dossiers", 401, 200, 200, 200, 200, 200, 200, 200, 403),
    ("GET", "/me/notices"): row("/me/notices", 401, 200, 200, 200, 200, 200, 200, 200, 403),
    # «Thêm hồ sơ đã nộp vào tài khoản»: congdan owns it already (409), congdan2's ID number
    # is another (403), only citizens' accounts take a dossier (403)
    ("POST", "/me/dossiers/{code}/claim"): row(
        "/me/dossiers/{code}/claim", 401, 409, 403, 403, 403, 403, 403, 403, 403),
    ("POST", "/me/dossiers/{code}/claim/confirm"): row(
        "/me/dossiers/{code}/claim/confirm", 401, 409, 403, 403, 403, 403, 403, 403, 403,
        json={"otp": "123456"}),
    ("POST", "/feedback"): row(
        "/feedback", 401, 201, 404, 403, 403, 403, 403, 403, 403,
        json=lambda world: {"kind": "phan_anh", "title": "Chậm trả kết quả",
                            "body": "Hồ sơ của tôi chưa được xử lý.", "dossier": world.code}),
    ("GET", "/feedback"): row("/feedback", 200, 200, 200, 200, 200, 200, 200, 200, 403),
    ("GET", "/tasks"): row("/tasks", 401, 403, 403, 200, 200, 200, 200, 403, 403),
    ("POST", "/tasks/assign"): row(
        "/tasks/assign", 401, 404, 404, 403, 404, 404, 200, 404, 403,
        json=lambda world: {"task_ids": [world.task], "assignee_id": world.desk_id}),
    ("GET", "/tasks/{task_id}"): row(
        "/tasks/{task}", 401, 404, 404, 200, 404, 404, 200, 404, 403),
    ("POST", "/tasks/{task_id}/claim"): row(
        "/tasks/{task}/claim", 401, 404, 404, 200, 404, 404, 403, 404, 403),
    ("POST", "/tasks/{task_id}/release"): row(
        "/tasks/{task}/release", 401, 404, 404, 200, 404, 404, 200, 404, 403),
    ("POST", "/tasks/{task_id}/refuse"): row(
        "/tasks/{task}/refuse", 401, 404, 404, 200, 404, 404, 404, 404, 403,
        json={"reasons": "Không thuộc thẩm quyền"}),
    ("POST", "/tasks/{task_id}/consult"): row(
        "/tasks/{task}/consult", 401, 404, 404, 201, 404, 404, 404, 404, 403,
        json={"agency": MINH_XUAN, "role": "chuyen_vien", "question": "Ý kiến?", "days": 2}),
    ("POST", "/tasks/{task_id}/send-back"): row(
        "/tasks/{task}/send-back", 401, 404, 404, 409, 404, 404, 404, 404, 403,
        json={"note": "Xem lại"}),
    ("POST", "/tasks/{task_id}/complete"): row(
        "/tasks/{task}/complete", 401, 404, 404, 200, 404, 404, 404, 404, 403, json=RECEIVED),
}


def _served(app: Flask) -> set[tuple[str, str]]:
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
            served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return served


def test_the_matrix_covers_every_api_route(app: Flask) -> None:
    assert _served(app) == set(MATRIX), "a route without its row, or a row without its route"


class Callers(dict[str, FlaskClient]):
    """A browser per caller, each from its own address (own rate limits), logged in on
    first use (password hashing is slow: callers a world never uses cost nothing)."""

    def __init__(self, app: Flask, key: str) -> None:
        super().__init__()
        self.app, self.key = app, key

    def __missing__(self, role: str) -> FlaskClient:
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{ROLES.index(role)}"
        if role == "key":
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {self.key}"
        elif role == "stranger":
            response = client.post("/api/v1/session", json={"username": USERS[role],
                                                            "password": STRANGER_PASSWORD})
            client.environ_base["HTTP_X_CSRF_TOKEN"] = response.json["csrf_token"]
        elif role != "anon":
            login(client, USERS[role])
        self[role] = client
        return client


STRANGER_PASSWORD = "Mat-khau-cong-dan-2"


def _world(app: Flask, platform: Platform) -> World:
    with platform.uow() as uow:
        create_account(uow, username=USERS["stranger"], password=STRANGER_PASSWORD,
                       full_name="Bùi Thị Mai", kind="citizen", id_number="008090009999")
        uow.commit()
        desk_id = uow.session.scalar(select(Account.id).where(Account.username == USERS["desk"]))
    callers = Callers(app, key="")
    citizen, desk, admin = callers["citizen"], callers["desk"], callers["admin"]
    code, received = (citizen.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"]
        for _ in range(2))
    task = task_for(desk, code)["id"]
    attached = citizen.post(f"/api/v1/dossiers/{code}/attachments", data=_upload("attachment"))
    assert attached.status_code == 201, attached.json
    assert desk.post(f"/api/v1/dossiers/{received}/receive", json=RECEIVED).status_code == 200
    keys = [admin.post("/api/v1/api-keys", json={
        "name": name, "agency": MINH_XUAN, "scopes": sorted(SCOPES), "rate_per_minute": 1000}).json
        for name in ("Tích hợp", "Khóa thứ hai")]
    callers.key = keys[0]["key"]
    run = callers["designer"].post(f"/api/v1/procedures/{PERMIT}/versions/1/sandbox?agency={MINH_XUAN}",
                                   json={"data": permit_data()}).json
    run = callers["designer"].post(f"/api/v1/sandbox/{run['id']}/tasks/{run['waiting'][0]['id']}",
                                   json=RECEIVED).json
    registered = citizen.post("/api/v1/organisations", json={
        "tax_code": ORGANISATION, "name": "Hợp tác xã Minh Xuân",
        "email": "htx@tuyenquang.example", "password": "Mat-khau-hop-tac-xa-1"})
    assert registered.status_code == 201, registered.json
    day_off = admin.put(f"/api/v1/calendars/{PROVINCE}/days/2026-12-31",
                        json={"kind": "off", "reason": "Nghỉ bù"})
    assert day_off.status_code == 200, day_off.json
    return World(code=code, run=int(run["id"]), run_task=run["waiting"][0]["id"],
                 run_timer=run["timers"][0]["id"], attachment=int(attached.json["id"]), received=received,
                 task=int(task), other_key=int(keys[1]["id"]), desk_id=int(desk_id or 0),
                 clients=callers)


def _fresh(seeded: Path, clock: FixedClock, folder: Path) -> tuple[Flask, Platform]:
    """Another copy of the seeded database, as every test begins (SQLite: a file copy)."""
    from webapp import create_app

    folder.mkdir()
    shutil.copy(seeded, folder / "motcua.db")
    own = Platform(f"sqlite:///{folder / 'motcua.db'}", clock=clock)
    return create_app({"TESTING": True, "PLATFORM": own, "SECRET_KEY": "test-secret",
                       "DATABASE_URL": own.database_url}), own


@dataclass(frozen=True)
class Built:
    """A world built once for the module: its database file, its objects, and each
    caller's browser (headers and cookies), every caller logged in."""

    database: Path
    world: World
    browsers: dict[str, tuple[dict[str, Any], dict[Any, Any]]]


@pytest.fixture(scope="module")
def built_world(seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Building a world (two dossiers, an upload, a reception, keys, a sandbox run, an
    organisation, a day off, up to nine logins) took about a second, and a matrix row
    built one for its refusals plus one per caller allowed to change something: the
    module builds it once and each of those starts from a copy of its database file, as
    every test starts from a copy of the seeded one."""
    folder = tmp_path_factory.mktemp("world") / "built"
    app, platform = _fresh(seeded_sqlite, FixedClock(START), folder)
    world = _world(app, platform)
    browsers = {role: (dict(world.clients[role].environ_base),
                       {key: replace(cookie) for key, cookie in
                        (world.clients[role]._cookies or {}).items()})
                for role in ROLES}  # each caller logged in, as a world that used them all
    platform.dispose()
    yield Built(folder / "motcua.db", replace(world, clients={}), browsers)


def _copy(built: Built, clock: FixedClock, folder: Path) -> tuple[World, Platform]:
    """A copy of the built world: its database, and each caller's browser as it was."""
    from webapp import create_app

    folder.mkdir()
    shutil.copy(built.database, folder / "motcua.db")
    own = Platform(f"sqlite:///{folder / 'motcua.db'}", clock=clock)
    app = create_app({"TESTING": True, "PLATFORM": own, "SECRET_KEY": "test-secret",
                      "DATABASE_URL": own.database_url})
    clients: dict[str, FlaskClient] = {}
    for role, (environ, cookies) in built.browsers.items():
        client = clients[role] = app.test_client()
        client.environ_base.update(environ)
        assert client._cookies is not None
        client._cookies.update({key: replace(cookie) for key, cookie in cookies.items()})
    return replace(built.world, clients=clients), own


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(kind: str) -> dict[str, Any]:
    if kind == "package":
        return {"package": (io.BytesIO(zip_bytes(package_files(PACKAGE))), "goi.zip"),
                "agency": MINH_XUAN}
    return {"paper": OTHER_PAPER, "file": (io.BytesIO(PDF), "giay-to.pdf")}


def _call(client: FlaskClient, method: str, cell: Cell, world: World) -> int:
    path = "/api/v1" + world.fill(cell.path)
    if cell.upload:
        return client.open(path, method=method, data=_upload(cell.upload)).status_code
    if cell.json is not None:
        body = cell.json(world) if callable(cell.json) else cell.json
        return client.open(path, method=method, json=body).status_code
    return client.open(path, method=method).status_code


@pytest.mark.parametrize(("method", "route"), sorted(MATRIX), ids=lambda v: str(v))
def test_each_caller_gets_the_expected_status(
    built_world: Built, clock: FixedClock, tmp_path: Path, method: str, route: str,
) -> None:
    """Refusals all meet one untouched world; each caller allowed to change something gets
    a world of their own (one success must not turn the next into a conflict)."""
    cell = MATRIX[(method, route)]
    world, platform = _copy(built_world, clock, tmp_path / "world")
    got: dict[str, int] = {}
    for role, status in zip(ROLES, cell.statuses, strict=True):
        if method == "GET" or not 200 <= status < 300:
            got[role] = _call(world.clients[role], method, cell, world)
    platform.dispose()
    for role in ROLES:
        if role not in got:
            own, own_platform = _copy(built_world, clock, tmp_path / role)
            got[role] = _call(own.clients[role], method, cell, own)
            own_platform.dispose()
    expected = dict(zip(ROLES, cell.statuses, strict=True))
    assert got == expected, {role: (got[role], expected[role]) for role in ROLES
                             if got[role] != expected[role]}


# A key on an HTML page or download: the key column of every route outside /api/v1 is 401.
# Read from the application too, so a new page is covered the day it is added.
PAGE_ARGS = {"code": "{code}", "agency": "{agency}", "number": "1", "run_id": "{run}",
             "task_id": "{task}", "attachment_id": "{attachment}", "key_id": "{key}"}


def _pages(app: Flask) -> list[tuple[str, str]]:
    pages = []
    for rule in app.url_map.iter_rules():
        # The probes (/healthz, /readyz, /metrics) answer before any key is looked at:
        # below, and in tests/functional/test_ops_endpoints.py.
        if rule.rule.startswith("/api/") or rule.endpoint == "static" or \
                rule.endpoint.startswith("ops."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>",
                      lambda m: PAGE_ARGS.get(m.group(1), "x"), rule.rule)
        pages += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return pages


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_key_on_an_html_page_or_download_is_refused(app: Flask, platform: Platform) -> None:
    world = _world(app, platform)
    key, anon = world.clients["key"], world.clients["anon"]
    pages = _pages(app)
    assert ("GET", "/ho-so/{code}/bien-nhan.pdf") in pages
    for method, path in pages:
        refused = key.open(world.fill(path), method=method)
        assert refused.status_code == 401, (method, path, refused.status_code)
        assert APPLICANT_ID.encode() not in refused.data, (method, path)
    # The same receipt without a key: a stranger's browser is sent to log in, not served.
    assert anon.get(world.fill("/ho-so/{code}/bien-nhan.pdf")).status_code in (303, 404)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_probes_need_no_login_and_an_api_key_opens_no_metrics(app: Flask,
                                                                  platform: Platform) -> None:
    """Health probes carry no personal data: anyone may ask. The metrics are for the
    configured scrape token (or loopback without one), never for an integration's key."""
    world = _world(app, platform)
    key, anon = world.clients["key"], world.clients["anon"]
    assert anon.get("/healthz").status_code == key.get("/healthz").status_code == 200
    app.config["METRICS_TOKEN"] = "scrape-token"
    assert key.get("/metrics").status_code == 401
    assert anon.get("/metrics").status_code == 401
    away = app.test_client()
    away.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    app.config["METRICS_TOKEN"] = ""
    assert away.get("/metrics").status_code == 403
    assert app.test_client().get("/metrics").status_code == 200  # loopback
