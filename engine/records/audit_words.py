"""An audit entry in words for the administrators' page: what was touched («Tài khoản
tuphap.minhxuan», «Cơ quan UBND phường Minh Xuân») and each detail as «Vai trò: Công chức Tư
pháp - Hộ tịch tại UBND phường Minh Xuân» — never a field's code, a role's code, a Python
`None` or a list's brackets. The trail itself keeps what was written (its hash covers it)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.core.clock import instant_words
from engine.core.models import Agency, Attachment, Dossier, Province, Task
from engine.core.statuses import STATUS_LABELS
from engine.core.uow import UnitOfWork

OBJECTS = {"account": "Tài khoản", "agency": "Cơ quan", "announcement": "Thông báo",
           "api_key": "Khóa API", "audit_log": "Nhật ký kiểm toán", "catalogue": "Danh mục thủ tục",
           "dossier": "Hồ sơ", "feedback": "Phản ánh, kiến nghị", "gateway": "Cổng thanh toán",
           "organisation": "Tổ chức", "outbox_message": "Thông điệp kết nối",
           "procedure": "Thủ tục", "procedure_draft": "Bản nháp thủ tục", "province": "Tỉnh",
           "timer": "Hẹn giờ"}
KEYS = {  # in the order details are shown
    "name": "Tên", "kind": "Loại", "parent_id": "Cơ quan cấp trên", "address": "Địa chỉ",
    "phone": "Điện thoại", "email": "Thư điện tử", "hotline": "Đường dây nóng",
    "province_id": "Tỉnh", "agency": "Cơ quan", "role": "Vai trò", "roles": "Vai trò",
    "valid_from": "Hiệu lực từ", "valid_until": "Hiệu lực đến trước",
    "grants": "Vai trò được giao", "invited": "Thư mời gửi đến", "reason": "Lý do",
    "sessions": "Phiên đăng nhập kết thúc",
    "sessions_ended": "Phiên đăng nhập kết thúc", "api_keys": "Khóa API bị thu hồi",
    "version": "Phiên bản", "status": "Trạng thái", "decision": "Ý kiến", "note": "Ghi chú",
    "tests_passed": "Ca kiểm thử đạt", "from": "Từ cơ quan", "to": "Đến cơ quan",
    "successor": "Người kế nhiệm", "tasks": "Công việc bàn giao", "leaving": "Người bàn giao",
    "attachment": "Tệp", "attempts": "Số lần thử", "authorisation": "Ủy quyền",
    "broken": "Mục bị phá vỡ", "checked": "Số mục đã kiểm tra", "code": "Mã",
    "day": "Ngày", "differences": "Chênh lệch", "dossier": "Hồ sơ", "ended": "Phiên kết thúc",
    "starts_at": "Bắt đầu", "ends_at": "Kết thúc", "entered_at": "Nhập lúc",
    "entered_by": "Người nhập", "received_at": "Tiếp nhận lúc", "errors": "Lỗi",
    "failures": "Số lần sai", "file": "Tệp", "files": "Số tệp", "format": "Định dạng",
    "inline": "Xem trực tiếp", "level": "Mức đánh giá", "matched": "Khớp", "member": "Thành viên",
    "notified": "Số người được báo", "outage": "Gián đoạn", "paper": "Giấy tờ",
    "periods": "Giờ làm việc", "person": "Người thực hiện", "provider": "Nhà cung cấp",
    "recovered": "Thu hồi được", "run": "Lượt chạy thử", "scanned_at": "Số hóa lúc",
    "scopes": "Phạm vi", "settled": "Đã quyết toán", "short_notice": "Báo trước chưa đủ",
    "size": "Dung lượng (byte)", "state": "Trạng thái", "subject": "Định danh",
    "title": "Tiêu đề", "via": "Qua", "years": "Số năm lưu trữ", "counts": "Số lượng",
    "created": "Đã tạo", "updated": "Đã cập nhật", "message": "Thông điệp",
    "events": "Sự kiện", "step": "Bước",
}
# Kept in the trail for its chain, read by the check («Kiểm tra tính toàn vẹn»), not shown.
UNSHOWN = frozenset({"events_sha256"})
KINDS = {"officer": "Cán bộ", "admin": "Quản trị hệ thống", "citizen": "Công dân",
         "province": "UBND tỉnh", "department": "Sở, ban, ngành",
         "commune": "UBND xã, phường, đặc khu", "unit": "Phòng, đơn vị trực thuộc",
         "off": "Ngày nghỉ", "working": "Ngày làm việc", "maintenance": "Bảo trì, nâng cấp hệ thống",
         "incident": "Sự cố hệ thống"}
STATUSES = {"draft": "Bản nháp", "in_review": "Đang xem xét", "reviewed": "Đã xem xét, chờ phê duyệt",
            "approved": "Đã phê duyệt", "published": "Đang áp dụng", "retired": "Ngừng áp dụng",
            "discarded": "Đã bỏ"}
DECISIONS = {"accept": "Đồng ý", "reject": "Trả lại"}
SCOPES = {"procedures:read": "Đọc danh mục thủ tục", "dossiers:submit": "Nộp hồ sơ",
          "dossiers:read": "Đọc hồ sơ", "tracking:read": "Tra cứu tình trạng hồ sơ"}
# An agency's fields: `agency.updated` records each changed one as [before, after].
EDITED = frozenset({"name", "kind", "parent_id", "address", "phone", "email", "hotline",
                    "province_id"})
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Names:
    """What an entry's codes stand for: agencies by code and by id, provinces by id, roles."""

    agencies: dict[str, str] = field(default_factory=dict)
    agency_ids: dict[int, str] = field(default_factory=dict)
    provinces: dict[int, str] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)
    events: Mapping[str, str] = field(default_factory=dict)
    dossiers: dict[str, str] = field(default_factory=dict)
    steps: dict[tuple[str, str], str] = field(default_factory=dict)  # (dossier id, step id)
    files: dict[str, str] = field(default_factory=dict)  # attachment id → file name


def names_for(uow: UnitOfWork, roles: Mapping[str, str], events: Mapping[str, str],
              dossier_ids: Set[int], attachment_ids: Set[int] = frozenset()) -> Names:
    """The agencies' and provinces' names; the roles' and a dossier's events' labels; the
    codes of the dossiers `dossier_ids` (an entry names a dossier by its row's id), the
    names of their steps; the names of the files `attachment_ids`."""
    rows = uow.session.execute(select(Agency.id, Agency.code, Agency.name)).all()
    codes = uow.session.execute(select(Dossier.id, Dossier.code).where(
        Dossier.id.in_(dossier_ids))).all() if dossier_ids else []
    steps = uow.session.execute(select(Task.dossier_id, Task.bpmn_id, Task.name).where(
        Task.dossier_id.in_(dossier_ids))).all() if dossier_ids else []
    files = uow.session.execute(select(Attachment.id, Attachment.filename).where(
        Attachment.id.in_(attachment_ids))).all() if attachment_ids else []
    return Names(agencies={code: name for _, code, name in rows},
                 agency_ids={i: name for i, _, name in rows},
                 provinces=dict(uow.session.execute(select(Province.id, Province.name)).all()),
                 roles=roles, events=events, dossiers={str(i): code for i, code in codes},
                 steps={(str(d), step): name for d, step, name in steps if name},
                 files={str(i): name for i, name in files})


def entry_details(summary: Any, object_type: str, object_id: str,
                  names: Names) -> list[tuple[str, str]]:
    """`details` of an entry, a dossier's step by its name (its id in the diagram only when
    the name is unknown) and a file by its name."""
    if object_type == "dossier" and isinstance(summary, Mapping):
        summary = dict(summary)
        if summary.get("step"):
            summary["step"] = names.steps.get((object_id, str(summary["step"])), summary["step"])
        if summary.get("attachment") is not None:
            summary["attachment"] = names.files.get(str(summary["attachment"]),
                                                    summary["attachment"])
    return details(summary, names)


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text


def _grant(value: Mapping[str, Any], names: Names) -> str:
    role = names.roles.get(str(value.get("role", "")), str(value.get("role", "")))
    agency = names.agencies.get(str(value.get("agency", "")), str(value.get("agency", "")))
    text = f"{role} tại {agency}"
    if value.get("valid_from"):
        text += f", từ {instant_words(str(value['valid_from']))}"
    if value.get("valid_until"):
        text += f", đến trước {instant_words(str(value['valid_until']))}"
    return text


def _scalar(key: str, value: Any, names: Names) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if key in ("parent_id",) and isinstance(value, int):
        return names.agency_ids.get(value, str(value))
    if key == "province_id" and isinstance(value, int):
        return names.provinces.get(value, str(value))
    text = str(value)
    if key in ("role", "roles"):
        return names.roles.get(text, text)
    if key in ("agency", "from", "to"):
        return names.agencies.get(text, text)
    if key == "kind":
        return KINDS.get(text, text)
    if key == "status":
        return STATUS_LABELS.get(int(text), text) if text.isdigit() else STATUSES.get(text, text)
    if key == "events":
        return names.events.get(text, text)
    if key == "decision":
        return DECISIONS.get(text, text)
    if key == "scopes":
        return SCOPES.get(text, text)
    if INSTANT.match(text):
        return instant_words(text)
    return _day(text) if DAY.fullmatch(text) else text


def _value(key: str, value: Any, names: Names) -> str:
    if key == "grants" and isinstance(value, list):
        return "; ".join(_grant(g, names) for g in value if isinstance(g, Mapping))
    if isinstance(value, list) and len(value) == 2 and key in EDITED:
        before, after = (_scalar(key, v, names) if v not in (None, "") else "(trống)" for v in value)
        return f"{before} → {after}"  # an edit: [before, after]
    if isinstance(value, list):
        return ", ".join(_scalar(key, v, names) for v in value if v not in (None, ""))
    if isinstance(value, Mapping):
        return "; ".join(f"{label}: {text}" for label, text in details(value, names))
    return _scalar(key, value, names)


def details(summary: Any, names: Names) -> list[tuple[str, str]]:
    """(label, text) of each detail an entry records, in one order whatever the database
    (`KEYS`'), empty ones left out."""
    if not isinstance(summary, Mapping):
        return [] if summary in (None, "") else [("Chi tiết", str(summary))]
    found = []
    order = {key: n for n, key in enumerate(KEYS)}  # PostgreSQL's jsonb keeps no key order
    for key, value in sorted(summary.items(), key=lambda kv: order.get(str(kv[0]), len(order))):
        if value in (None, "", [], {}) or key in UNSHOWN:
            continue
        text = _value(str(key), value, names)
        if text:
            found.append((KEYS.get(str(key), str(key)), text))
    return found


def object_words(object_type: str, object_id: str, names: Names) -> str:
    """«Cơ quan UBND phường Minh Xuân», «Tài khoản tuphap.minhxuan», «Hồ sơ 000.00.12.H64-…»."""
    what = OBJECTS.get(object_type, object_type)
    if object_type == "agency":
        return f"{what} {names.agencies.get(object_id, object_id)}".strip()
    if object_type == "procedure" and "/" in object_id:  # «agency code/procedure code»
        agency, code = object_id.split("/", 1)
        return f"{what} {code} ({names.agencies.get(agency, agency)})"
    if object_type == "dossier":
        return f"{what} {names.dossiers.get(object_id, object_id)}".strip()
    return f"{what} {object_id}".strip()
