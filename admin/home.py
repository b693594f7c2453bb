"""The administrators' home (`/quan-tri`): what the signed-in staff member may do here, as
links with a line each, by permission; administrators land on it after logging in."""

from __future__ import annotations

from flask import abort, render_template, url_for

from admin.common import bp, staff
from engine.core import (
    Actor,
    is_admin_account,
    may_open_agency_admin,
    may_open_reports,
    may_open_versions,
)

# (endpoint, label, what it is for), in groups, each group with who may open it.
_PROCEDURES = (("admin.versions", "Cấu hình thủ tục",
                "Soạn, xem xét, phê duyệt và công bố quy trình, biểu mẫu của thủ tục."),)
_REPORTS = (("admin.dashboard_page", "Bảng điều khiển", "Hồ sơ đang xử lý, sắp đến hạn, quá hạn."),
            ("admin.report_page", "Báo cáo", "Số liệu giải quyết hồ sơ theo kỳ, theo cơ quan."))
_AGENCIES = (("admin.agencies_page", "Cơ quan, đơn vị", "Cây cơ quan: thêm, sửa cơ quan, đơn vị."),
             ("admin.accounts_page", "Tài khoản cán bộ", "Mời cán bộ, giao và thu hồi vai trò."))
_PROVINCE = (("admin.calendar_page", "Lịch làm việc", "Ngày nghỉ, ngày làm bù riêng của tỉnh."),
             ("admin.announcements_page", "Thông báo", "Thông báo trên cổng, lịch ngừng dịch vụ."),
             ("admin.audit_page", "Nhật ký", "Ai đã làm gì, khi nào."),
             ("admin.keys_page", "Khóa API", "Khóa cho phần mềm khác kết nối với cổng."),
             ("admin.locked_page", "Tài khoản bị khóa", "Mở khóa tài khoản đăng nhập sai nhiều lần."),
             ("admin.timers_page", "Hẹn giờ bị lỗi", "Việc hẹn giờ của quy trình không chạy được."),
             ("admin.integrations_page", "Kết nối hệ thống",
              "Tình trạng kết nối thanh toán, ký số, bưu chính, cổng quốc gia."))


def sections(actor: Actor) -> list[dict[str, object]]:
    """The groups of links `actor` may open, each as {title, links: [{href, label, text}]}."""
    groups = (("Thủ tục hành chính", _PROCEDURES, may_open_versions(actor)),
              ("Theo dõi, báo cáo", _REPORTS, may_open_reports(actor)),
              ("Cơ quan và cán bộ", _AGENCIES, may_open_agency_admin(actor)),
              ("Hệ thống của tỉnh", _PROVINCE, is_admin_account(actor)))
    return [{"title": title, "links": [{"href": url_for(e), "label": label, "text": text}
                                       for e, label, text in links]}
            for title, links, allowed in groups if allowed]


@bp.get("/", strict_slashes=False)
def home() -> str:
    """What the signed-in staff member may administer here (403 when nothing)."""
    actor = staff()
    found = sections(actor)
    if not found:
        abort(403, description="Tài khoản của bạn không có chức năng quản trị nào.")
    return render_template("admin_home.html", sections=found)
