"""Reading the audit trail and the access log: administrators search both (each entry says
which it is in) and check the trail's chain. (Writing them is `engine.core.audit`, through
the unit of work.)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, String, Table, cast, func, literal, null, select

from engine.core import audit
from engine.core.actors import Actor
from engine.core.clock import VN_TZ, local_iso
from engine.core.errors import Forbidden
from engine.core.models import Account
from engine.core.permissions import is_administrator
from engine.core.uow import UnitOfWork
from engine.records.audit_words import entry_details, names_for, object_words

PAGE = 50
# The two logs: the hash-chained trail of changes, the access log of personal data.
LOGS = {"audit": "Nhật ký kiểm toán", "access": "Truy cập dữ liệu cá nhân"}
# A dossier's events (also its timeline's labels): an entry covering a transaction's events
# is named after the first of them.
EVENT_LABELS = {
    "submitted": "Nộp hồ sơ", "received": "Tiếp nhận", "task_opened": "Chuyển bước",
    "task_claimed": "Nhận xử lý", "task_completed": "Hoàn thành bước",
    "status_changed": "Đổi trạng thái", "finished": "Kết thúc", "supplement_requested":
    "Yêu cầu bổ sung", "supplemented": "Đã bổ sung", "extended": "Hẹn lại ngày trả",
    "timer_fired": "Hết thời gian chờ", "refused": "Từ chối", "returned": "Trả kết quả",
    "consultation_requested": "Xin ý kiến", "consultation_answered": "Cho ý kiến",
    "sent_back": "Trả về bước trước", "handed_over": "Bàn giao", "task_assigned": "Phân công",
    "task_released": "Trả lại công việc", "reminder_due_soon": "Nhắc sắp đến hạn",
    "reminder_overdue": "Nhắc quá hạn", "withdrawn": "Công dân rút hồ sơ",
    "timer_failed": "Hẹn giờ lỗi, đã dừng thử lại",
    "payment_requested": "Yêu cầu nộp phí, lệ phí", "paid": "Đã nộp phí, lệ phí",
    "payment_request_cancelled": "Hủy yêu cầu nộp phí, lệ phí",
    "fee_exempted": "Miễn phí, lệ phí",
    "refund_due": "Tiền về sau khi không còn phải nộp: cần hoàn trả",
    "refunded": "Đã hoàn trả tiền cho người nộp",
    "result_ready_at_desk": "Mời người nộp đến nhận kết quả tại Bộ phận Một cửa",
    "postal_result_requested": "Yêu cầu chuyển phát kết quả qua bưu điện",
    "postal_papers_requested": "Yêu cầu bưu điện thu gom hồ sơ giấy",
    "postal_result_delivered": "Bưu điện đã phát kết quả",
    "postal_result_returned": "Bưu điện chuyển hoàn kết quả (không phát được)",
    "postal_result_cancelled": "Hủy đơn chuyển phát kết quả (trả theo hình thức khác)",
    "postal_result_not_needed": "Hủy đơn chuyển phát kết quả (hồ sơ không có kết quả để gửi)",
    "postal_papers_delivered": "Bưu điện đã chuyển hồ sơ giấy tới cơ quan",
    "postal_papers_returned": "Bưu điện không thu gom, chuyển được hồ sơ giấy",
    "claimed": "Người nộp thêm hồ sơ vào tài khoản", "stopped": "Dừng xử lý hồ sơ",
    "step_document_attached": "Đính kèm tài liệu xử lý",
}
LABELS = {
    "account.login": "Đăng nhập", "account.login_failed": "Đăng nhập sai mật khẩu",
    "account.logout": "Đăng xuất", "account.logout_everywhere": "Đăng xuất mọi nơi",
    "account.password_changed": "Đổi mật khẩu", "account.password_reset": "Đặt lại mật khẩu",
    "account.activated": "Kích hoạt tài khoản (tự đặt mật khẩu lần đầu)",
    "account.reset_requested": "Yêu cầu đặt lại mật khẩu",
    "account.totp_enabled": "Bật xác thực hai bước", "account.totp_disabled": "Tắt xác thực hai bước",
    "account.unlock": "Mở khóa tài khoản", "account.lock_inactive": "Khóa do không hoạt động",
    "agency.handover": "Bàn giao công việc", "api_key.create": "Cấp khóa API",
    "api_key.revoke": "Thu hồi khóa API", "calendar.day": "Sửa ngày làm việc",
    "calendar.hours": "Sửa giờ làm việc", "dossier.read": "Xem hồ sơ (dữ liệu cá nhân)",
    "dossier.track": "Tra cứu công khai", "procedure.import": "Tải lên gói thủ tục",
    "procedure.save_draft": "Lưu bản nháp từ trình thiết kế",
    "timer.retry": "Chạy lại hẹn giờ lỗi",
    "procedure.publish": "Công bố phiên bản thủ tục", "procedure.submit": "Gửi xem xét phiên bản",
    "procedure.review": "Xem xét phiên bản", "procedure.approve": "Phê duyệt phiên bản",
    "procedure.reject": "Trả lại phiên bản", "procedure.retire": "Ngừng áp dụng phiên bản",
    "procedure.export": "Xuất gói thủ tục", "procedure.sandbox": "Chạy thử phiên bản",
    "dossier.attachment": "Đính kèm giấy tờ", "dossier.attachment_read": "Xem tệp đính kèm",
    "dossier.document": "Xem, in văn bản của hồ sơ",
    "account.created": "Tạo tài khoản cán bộ", "account.role_granted": "Giao vai trò",
    "account.role_revoked": "Thu hồi vai trò", "account.locked": "Khóa tài khoản",
    "account.emergency_lock": "Khóa khẩn cấp", "account.deactivated": "Ngừng hoạt động tài khoản",
    "account.reactivated": "Kích hoạt lại tài khoản", "account.transferred": "Chuyển công tác",
    "account.invitation_resent": "Gửi lại thư mời",
    "account.closed": "Tự đóng tài khoản", "account.self_locked": "Tự khóa tài khoản",
    "account.register": "Đăng ký tài khoản", "account.eid_login": "Đăng nhập bằng VNeID",
    "account.eid_linked": "Xác thực tài khoản bằng VNeID (mật khẩu cũ hết hiệu lực)",
    "agency.created": "Thêm cơ quan", "agency.updated": "Sửa thông tin cơ quan",
    "agency.closed": "Đóng cơ quan", "agency.reopened": "Mở lại cơ quan",
    "announcement.create": "Đăng thông báo hệ thống", "announcement.withdraw": "Gỡ thông báo",
    "announcement.outage": "Xác nhận gián đoạn", "audit.verify": "Kiểm tra chuỗi nhật ký",
    "dossier.archive_export": "Xuất gói lưu trữ hồ sơ", "dossier.back_entered": "Nhập bù hồ sơ giấy",
    "dossier.claim_code_sent": "Gửi mã xác nhận thêm hồ sơ vào tài khoản",
    "dossier.owner_set": "Gắn hồ sơ với tài khoản người nộp",
    "dossier.rated": "Đánh giá mức độ hài lòng", "dossier.retained": "Lưu trữ hồ sơ",
    "feedback.sent": "Gửi phản ánh, kiến nghị", "feedback.answered": "Trả lời phản ánh, kiến nghị",
    "organisation.registered": "Đăng ký tổ chức", "organisation.member_added": "Thêm người đại diện",
    "organisation.member_removed": "Bỏ người đại diện", "organisation.acted_for": "Thực hiện thay tổ chức",
    "outbox_message_resent": "Gửi lại thông điệp kết nối", "payments.reconcile": "Đối soát thanh toán",
    "procedure.catalogue_import": "Nhập danh mục thủ tục quốc gia",
    "procedure.discard": "Bỏ bản nháp thủ tục", "procedure.discard_invalid": "Bỏ bản nháp chưa hợp lệ",
    "procedure.keep_invalid": "Giữ bản nháp chưa hợp lệ",
    "procedure.apply": "Áp dụng thủ tục cho cơ quan",
    "procedure.stop_applying": "Ngừng áp dụng thủ tục tại cơ quan",
    **{f"dossier.{kind}": f"Hồ sơ: {label}" for kind, label in EVENT_LABELS.items()},
}


@dataclass(frozen=True)
class AuditFilter:
    """What to look for: an action or its prefix ("account."), the acting username, the
    object's id, a period of days (Vietnam time), which log ("audit", "access" or both:
    ""), a page."""

    action: str = ""
    username: str = ""
    object_id: str = ""
    start: date | None = None
    end: date | None = None
    offset: int = 0
    log: str = ""


def _admin(actor: Actor) -> None:
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống xem nhật ký kiểm toán.")


def _conditions(table: Table, filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.action:
        conditions.append(table.c.action.startswith(filters.action, autoescape=True))
    if filters.username:
        conditions.append(table.c.actor_id.in_(
            select(Account.id).where(Account.username == filters.username)))
    if filters.object_id:
        conditions.append(table.c.object_id == filters.object_id)
    if filters.start:
        conditions.append(table.c.at >= datetime.combine(filters.start, time(), VN_TZ))
    if filters.end:
        conditions.append(table.c.at < datetime.combine(filters.end + timedelta(days=1), time(),
                                                        VN_TZ))
    return conditions


def _matching(log: str, filters: AuditFilter) -> Select[Any]:
    table = audit.AUDIT if log == "audit" else audit.ACCESS
    digest = table.c.hash if log == "audit" else cast(null(), String(64))
    return (select(literal(log).label("log"), table.c.id, table.c.at, table.c.actor_id,
                   table.c.action, table.c.object_type, table.c.object_id, table.c.summary,
                   digest.label("hash"))
            .where(*_conditions(table, filters)))


def search(uow: UnitOfWork, *, actor: Actor, filters: AuditFilter = AuditFilter(),
           roles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A page of entries of the audit trail and the access log (or of one), newest first,
    with the total matching; each entry names its log and says in words what it touched
    and its details (`roles`: the roles' labels by code, from the caller)."""
    _admin(actor)
    logs = [filters.log] if filters.log in LOGS else list(LOGS)
    total = sum(uow.session.scalar(select(func.count()).select_from(
        _matching(log, filters).subquery())) or 0 for log in logs)
    queries = [_matching(log, filters) for log in logs]
    found = (queries[0] if len(queries) == 1 else queries[0].union_all(*queries[1:])).subquery()
    rows = uow.session.execute(
        select(found, Account.username, Account.full_name)
        .outerjoin(Account, Account.id == found.c.actor_id)
        .order_by(found.c.at.desc(), found.c.log.desc(), found.c.id.desc())
        .limit(PAGE).offset(max(0, filters.offset))).all()
    on_dossiers = [e for e in rows if e.object_type == "dossier" and e.object_id.isdigit()]
    names = names_for(uow, roles or {}, EVENT_LABELS, {int(e.object_id) for e in on_dossiers}, {
        int(e.summary["attachment"]) for e in on_dossiers if isinstance(e.summary, dict)
        and str(e.summary.get("attachment", "")).isdigit()})
    return {"total": total, "offset": filters.offset, "page": PAGE, "entries": [
        {"log": e.log, "log_label": LOGS[e.log], "id": e.id, "at": local_iso(e.at),
         "actor": e.username or "", "actor_name": e.full_name or "", "action": e.action,
         "label": LABELS.get(e.action, e.action), "object_type": e.object_type,
         "object_id": e.object_id, "summary": e.summary, "hash": e.hash,
         "object": object_words(e.object_type, e.object_id, names),
         "details": entry_details(e.summary, e.object_type, e.object_id, names)}
        for e in rows]}


def check_chain(uow: UnitOfWork, *, actor: Actor) -> dict[str, Any]:
    """Walk the whole chain (as `motcua audit verify` does): how many entries hold, and the
    first broken one if any. The check itself is recorded."""
    _admin(actor)
    checked, broken = audit.verify(uow.connection)
    uow.audit("audit.verify", actor_id=actor.account_id, object_type="audit_log", object_id="",
              summary={"checked": checked, "broken": broken})
    uow.commit()
    return {"checked": checked, "broken": broken}
