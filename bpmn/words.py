"""The Vietnamese words for the codes a package is written in: procedure.json's values
(level, time units, supplement mode), a diagram's properties (national status, end outcome)
and a decision table's column types. One place: the engine's pages and choices and bpmn's
diff sentences (`diff_words`, `diff_manifest`, `diff_tables`) read the same words, so a
designer never reads `full`, `restart` or `integer`."""

from __future__ import annotations

from fractions import Fraction

# procedure.json `level` (mức độ dịch vụ công trực tuyến).
LEVELS = {"full": "Toàn trình", "partial": "Một phần"}
# procedure.json `processing_time.unit`.
TIME_UNITS = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc",
              "calendar_days": "ngày", "same_day": "trong ngày"}
# procedure.json `supplement_mode` (DOMAIN.md: NĐ 61 art. 19.4 restarts, QĐ 766 pauses).
SUPPLEMENT_MODES = {"restart": "Tính lại thời hạn từ đầu khi nhận đủ hồ sơ bổ sung",
                    "pause": "Tạm dừng thời hạn trong khi chờ bổ sung, tính tiếp khi nhận đủ"}
# The ten national dossier statuses (QĐ 766/QĐ-TTg), a step's or an end's `status` property,
# as every page names them: one plain word per status, the same in lists, filters, dossier
# pages, notices and the dashboard (5 and 6 say what the dossier waits for; officers and
# applicants read «Chờ bổ sung», «Chờ nộp phí» where the decision's names are requests).
STATUS_NAMES = {1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận",
                4: "Đang xử lý", 5: "Chờ bổ sung", 6: "Chờ nộp phí",
                7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý", 9: "Đã xử lý xong",
                10: "Đã trả kết quả"}
# The decision's own names, for what must print them: the national portal's feed and the
# legal papers (TT 01/2018's forms and books).
STATUS_LEGAL_NAMES = {**STATUS_NAMES, 5: "Yêu cầu bổ sung", 6: "Yêu cầu nghĩa vụ tài chính"}
# An end event's `outcome` property.
OUTCOMES = {"granted": "Giải quyết, cấp kết quả", "refused": "Từ chối giải quyết"}
# A decision table column's DMN typeRef (the XML keeps the standard name).
TYPE_WORDS = {"string": "Chữ", "integer": "Số nguyên", "long": "Số nguyên", "number": "Số",
              "double": "Số", "boolean": "Đúng/Sai", "date": "Ngày", "time": "Giờ",
              "dateTime": "Ngày giờ", "dayTimeDuration": "Khoảng ngày giờ",
              "yearMonthDuration": "Khoảng năm tháng"}


def status_words(value: object) -> str:
    """"Đang xử lý" for 4 or "4"; the value as written when it is no national status."""
    try:
        return STATUS_NAMES.get(int(str(value)), str(value))
    except ValueError:
        return str(value)


def type_words(type_ref: str) -> str:
    """«Số nguyên» for `integer`; «chưa đặt kiểu» for none."""
    return TYPE_WORDS.get(type_ref, type_ref) if type_ref else "chưa đặt kiểu"


def share_words(share: object) -> str:
    """An extension cap (a share of the processing time) in words: 0.3333 → "1/3 thời hạn
    giải quyết", 0.25 → "1/4 …", 0.4 → "40% …"."""
    if isinstance(share, bool) or not isinstance(share, int | float):
        return "(không rõ)"
    near = Fraction(share).limit_denominator(10)
    if near.numerator and abs(float(near) - share) < 0.001:
        text = "toàn bộ" if near == 1 else f"{near.numerator}/{near.denominator}"
    else:
        text = f"{share * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"
    return f"{text} thời hạn giải quyết"
