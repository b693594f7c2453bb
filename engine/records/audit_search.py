"""Reading the audit trail: administrators search it and check its chain. (Writing it is
`engine.audit`, through the unit of work.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from engine.core import audit
from engine.core.actors import Actor
from engine.core.clock import VN_TZ, local_iso
from engine.core.errors import Forbidden
from engine.core.models import Account, AuditEntry
from engine.core.permissions import is_administrator
from engine.core.uow import UnitOfWork

PAGE = 50
LABELS = {
    "account.login": "Đăng nhập", "account.login_failed": "Đăng nhập sai mật khẩu",
    "account.logout": "Đăng xuất", "account.logout_everywhere": "Đăng xuất mọi nơi",
    "account.password_changed": "Đổi mật khẩu", "account.password_reset": "Đặt lại mật khẩu",
    "account.reset_requested": "Yêu cầu đặt lại mật khẩu",
    "account.totp_enabled": "Bật xác thực hai bước", "account.totp_disabled": "Tắt xác thực hai bước",
    "account.unlock": "Mở khóa tài khoản", "account.lock_inactive": "Khóa do không hoạt động",
    "agency.handover": "Bàn giao công việc", "api_key.create": "Cấp khóa API",
    "api_key.revoke": "Thu hồi khóa API", "calendar.day": "Sửa ngày làm việc",
    "calendar.hours": "Sửa giờ làm việc", "dossier.read": "Xem hồ sơ (dữ liệu cá nhân)",
    "dossier.track": "Tra cứu công khai", "procedure.import": "Tải lên gói thủ tục",
    "timer.retry": "Chạy lại hẹn giờ lỗi",
    "procedure.publish": "Công bố phiên bản thủ tục", "procedure.submit": "Gửi xem xét phiên bản",
    "procedure.review": "Xem xét phiên bản", "procedure.approve": "Phê duyệt phiên bản",
    "procedure.reject": "Trả lại phiên bản", "procedure.retire": "Ngừng áp dụng phiên bản",
    "procedure.export": "Xuất gói thủ tục", "procedure.sandbox": "Chạy thử phiên bản",
    "dossier.attachment": "Đính kèm giấy tờ", "dossier.attachment_read": "Xem tệp đính kèm",
}


@dataclass(frozen=True)
class AuditFilter:
    """What to look for: an action or its prefix ("account."), the acting username, the
    object's id, a period of days (Vietnam time), a page."""

    action: str = ""
    username: str = ""
    object_id: str = ""
    start: date | None = None
    end: date | None = None
    offset: int = 0


def _admin(actor: Actor) -> None:
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống xem nhật ký kiểm toán.")


def search(uow: UnitOfWork, *, actor: Actor, filters: AuditFilter = AuditFilter()) -> dict[str, Any]:
    """A page of entries, newest first, with the total matching."""
    _admin(actor)
    conditions = []
    if filters.action:
        conditions.append(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.username:
        conditions.append(AuditEntry.actor_id.in_(
            select(Account.id).where(Account.username == filters.username)))
    if filters.object_id:
        conditions.append(AuditEntry.object_id == filters.object_id)
    if filters.start:
        conditions.append(AuditEntry.at >= datetime.combine(filters.start, time(), VN_TZ))
    if filters.end:
        conditions.append(AuditEntry.at < datetime.combine(filters.end + timedelta(days=1), time(),
                                                           VN_TZ))
    total = uow.session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    rows = uow.session.execute(
        select(AuditEntry, Account.username, Account.full_name)
        .outerjoin(Account, Account.id == AuditEntry.actor_id).where(*conditions)
        .order_by(AuditEntry.id.desc()).limit(PAGE).offset(max(0, filters.offset))).all()
    return {"total": total, "offset": filters.offset, "page": PAGE, "entries": [
        {"id": e.id, "at": local_iso(e.at), "actor": username or "", "actor_name": name or "",
         "action": e.action, "label": LABELS.get(e.action, e.action), "object_type": e.object_type,
         "object_id": e.object_id, "summary": e.summary, "hash": e.hash}
        for e, username, name in rows]}


def check_chain(uow: UnitOfWork, *, actor: Actor) -> dict[str, Any]:
    """Walk the whole chain (as `motcua audit verify` does): how many entries hold, and the
    first broken one if any. The check itself is recorded."""
    _admin(actor)
    checked, broken = audit.verify(uow.connection)
    uow.audit("audit.verify", actor_id=actor.account_id, object_type="audit_log", object_id="",
              summary={"checked": checked, "broken": broken})
    uow.commit()
    return {"checked": checked, "broken": broken}
