"""QĐ 766/QĐ-TTg service-index indicators an agency's own events give, for a period.

Each indicator shows its numerator and denominator beside its value and its score:

- 2.1 on-time rate = (resolved not late + open within deadline at the period's end,
  dossiers paused for a supplement counting as within: their clock stands still)
  / (resolved + open). Late follows the statistics report, so more than one supplement
  request makes a dossier late.
- 2.2 average resolution time = Σ days from reception to end (paused time removed)
  / dossiers resolved. Informational: no score.
- 3.3 channel shares = new dossiers by channel / new dossiers (online, desk, post).
- 3.6 online payment = new dossiers of fee-bearing procedures with a fee paid online
  / new dossiers of fee-bearing procedures (published fees above zero).
- 4.1 electronic results = resolved dossiers with an electronic result file / resolved.
- 4.2 digitisation = resolved dossiers with a file for every required paper / resolved.
- 4.3 reuse = new dossiers with a paper taken from the citizen's data store / new.
- 5.4 satisfaction = 100% − (late rate + complaint rate), the complaint rate being the
  resolved dossiers with a complaint (phản ánh) or a "not satisfied" rating / resolved.

Each carries its number as QĐ 766 prints it (`number`, "3.3" for all three channel shares)
and the label people read (`label`: the number and the Vietnamese name, «3.3 Tỉ lệ hồ sơ theo
hình thức nộp: trực tuyến»); `code` is the key programs use («3.3.online») and is never shown.
`explanation` says in a sentence what is counted; `numerator_parts` and `denominator_parts`
break a sum down in words (2.1 counts open dossiers still within their time beside the
resolved ones, and says so).

Scores: the group weights of DOMAIN.md (progress 20, online services 12 — the online
share of 3.3, online payment 10, satisfaction 18, digitisation 22 split equally between
4.1, 4.2, 4.3); an indicator scores its rate × its points. Transparency (18) is judged
outside the system and not computed. `MAX_POINTS` is the one place to change when the
province adopts the ministry's detailed thresholds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, func, or_, select

from engine.applicants.attachments import RESULT_PAPER
from engine.applicants.citizens import LOWEST_RATING
from engine.core.actors import Actor
from engine.core.models import Attachment, Dossier, Feedback, Payment, Rating
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.procedures.cache import loaded_version
from engine.reports.statistics import REFUSED_STATUSES, Period, Row, aggregate, scope_of

MAX_POINTS = {"2.1": 20.0, "3.3.online": 12.0, "3.6": 10.0, "4.1": 22 / 3, "4.2": 22 / 3,
              "4.3": 22 / 3, "5.4": 18.0}


def _rate(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


# Each number's name where the page explains it (3.3 is one indicator in three shares).
TITLES = {"2.1": "Tỉ lệ hồ sơ đúng hạn", "2.2": "Thời gian giải quyết trung bình",
          "3.3": "Tỉ lệ hồ sơ theo hình thức nộp", "3.6": "Tỉ lệ hồ sơ thanh toán trực tuyến",
          "4.1": "Tỉ lệ hồ sơ trả kết quả điện tử", "4.2": "Tỉ lệ hồ sơ được số hóa",
          "4.3": "Tỉ lệ hồ sơ tái sử dụng dữ liệu", "5.4": "Mức độ hài lòng"}
# What each indicator counts, in the words of its definition (DOMAIN.md, "Reporting").
EXPLANATIONS = {
    "2.1": "Hồ sơ đã giải quyết không quá hạn cộng hồ sơ đang giải quyết còn trong hạn (kể cả "
           "hồ sơ đang chờ bổ sung, thời hạn ngừng tính) trên tổng số hồ sơ đã và đang giải "
           "quyết trong kỳ; hồ sơ phải bổ sung quá một lần tính là quá hạn.",
    "2.2": "Tổng số ngày từ khi tiếp nhận đến khi giải quyết xong (không tính thời gian chờ "
           "bổ sung) trên số hồ sơ đã giải quyết trong kỳ; chỉ để theo dõi, không tính điểm.",
    "3.3": "Hồ sơ mới nộp trong kỳ theo từng hình thức (trực tuyến, trực tiếp, qua bưu chính) "
           "trên tổng số hồ sơ mới; điểm tính theo tỉ lệ nộp trực tuyến.",
    "3.6": "Hồ sơ mới của thủ tục có phí, lệ phí đã thanh toán trực tuyến trên tổng số hồ sơ "
           "mới của thủ tục có phí, lệ phí.",
    "4.1": "Hồ sơ đã giải quyết có tệp kết quả điện tử trên tổng số hồ sơ đã giải quyết.",
    "4.2": "Hồ sơ đã giải quyết có tệp cho mọi thành phần bắt buộc trên tổng số hồ sơ đã "
           "giải quyết.",
    "4.3": "Hồ sơ mới dùng lại giấy tờ trong kho dữ liệu của công dân trên tổng số hồ sơ mới.",
    "5.4": "100% trừ tỉ lệ hồ sơ quá hạn và tỉ lệ hồ sơ có phản ánh hoặc được đánh giá "
           "«chưa hài lòng», trên số hồ sơ đã giải quyết.",
}


def _indicator(code: str, name: str, numerator: float, denominator: float,
               recorded: bool = True, unit: str = "rate") -> dict[str, Any]:
    """One indicator; `code` is its key («3.3.online»), its number as QĐ 766 prints it is the
    part before a channel («3.3»), and `label` what a page or a file shows."""
    value = _rate(numerator, denominator) if unit == "rate" else (
        round(numerator / denominator, 2) if denominator else None)
    points = MAX_POINTS.get(code)
    score = round(value * points, 2) if unit == "rate" and value is not None and points else None
    points = round(points, 2) if points else None
    number = ".".join(code.split(".")[:2])
    return {"code": code, "number": number, "name": name, "label": f"{number} {name}",
            "explanation": EXPLANATIONS[number], "numerator": numerator,
            "denominator": denominator, "numerator_parts": [], "denominator_parts": [],
            "value": value, "unit": unit, "max_points": points, "score": score,
            "recorded": recorded}


def _on_time(row: Row) -> dict[str, Any]:
    """2.1, with its sums in words: the numerator holds open dossiers still within their
    time (and those paused for a supplement), not only resolved ones (QĐ 766)."""
    handled = row.resolved + row.in_progress + row.paused
    found = _indicator("2.1", "Tỉ lệ hồ sơ đã giải quyết không quá hạn và đang giải quyết còn "
                       "trong hạn",
                       row.early + row.on_time + row.within + row.paused, handled)
    found["numerator_parts"] = [
        {"count": row.early + row.on_time, "label": "Hồ sơ đã giải quyết không quá hạn"},
        {"count": row.within, "label": "Hồ sơ đang giải quyết còn trong hạn"},
        {"count": row.paused, "label": "Hồ sơ đang chờ bổ sung (thời hạn ngừng tính)"}]
    found["denominator_parts"] = [
        {"count": row.resolved, "label": "Hồ sơ đã giải quyết"},
        {"count": row.in_progress, "label": "Hồ sơ đang giải quyết"},
        {"count": row.paused, "label": "Hồ sơ đang chờ bổ sung"}]
    return found


def indicators(uow: UnitOfWork, *, actor: Actor, agency_code: str, start: date,
               end: date) -> dict[str, Any]:
    """The indicators of one agency for a period (leaders of the agency, administrators)."""
    period = Period(start, end)
    scope = scope_of(uow, actor, agency_code)  # the agency and its sub-units
    agency = scope[0]
    row = Row()
    for part in aggregate(uow, scope, period).values():
        row.add(part)
    new = sum(row.new.values())
    agency_ids = [a.id for a in scope]
    digitised = _fully_digitised(uow, agency_ids, period)
    late_rate = _rate(row.late, row.resolved) or 0.0
    fee_bearing, paid_online = _online_payments(uow, agency_ids, period)
    complaints = sum(complained(uow, agency_ids, period).values())
    complaint_rate = _rate(complaints, row.resolved) or 0.0
    found = [
        _on_time(row),
        _indicator("2.2", "Thời gian giải quyết trung bình (ngày)", round(row.days_total, 2),
                   row.days_count, unit="days"),
        *[_indicator(f"3.3.{channel}", f"Tỉ lệ hồ sơ theo hình thức nộp: {label}",
                     row.new[channel], new)
          for channel, label in (("online", "trực tuyến"), ("desk", "trực tiếp"),
                                 ("post", "qua bưu chính"))],
        _indicator("3.6", "Tỉ lệ hồ sơ có phí thanh toán trực tuyến", paid_online, fee_bearing),
        _indicator("4.1", "Tỉ lệ hồ sơ trả kết quả điện tử", _electronic_results(
            uow, agency_ids, period), row.resolved),
        _indicator("4.2", "Tỉ lệ hồ sơ được số hóa đầy đủ thành phần", digitised, row.resolved),
        _indicator("4.3", "Tỉ lệ hồ sơ tái sử dụng dữ liệu đã số hóa",
                   _reusing(uow, agency_ids, period), new),
        {**_indicator("5.4", "Mức độ hài lòng",
                      round(max(0.0, 1 - late_rate - complaint_rate), 4), 1),
         "detail": {"late_rate": late_rate, "complaint_rate": complaint_rate,
                    "complaints": complaints}},
    ]
    numbers = list(dict.fromkeys(i["number"] for i in found))  # 3.3 once for its channels
    return {"agency": {"code": agency.code, "name": agency.name},
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "indicators": found,
            "definitions": [{"label": f"{n} {TITLES[n]}", "text": EXPLANATIONS[n]} for n in numbers],
            "score": round(sum(i["score"] or 0 for i in found), 2),
            "max_score": round(sum(MAX_POINTS.values()), 2)}


def _fully_digitised(uow: UnitOfWork, agency_ids: list[int], period: Period) -> int:
    """Dossiers resolved in the period with a current file for every required paper."""
    resolved = list(uow.session.execute(
        select(Dossier.id, Dossier.version_id).where(_resolved_in(agency_ids, period))))
    if not resolved:
        return 0
    files: dict[int, set[str]] = {}
    for dossier_id, paper in uow.session.execute(
            select(Attachment.dossier_id, Attachment.paper).where(
                Attachment.dossier_id.in_([d for d, _ in resolved]),
                Attachment.replaced_at.is_(None)).group_by(Attachment.dossier_id, Attachment.paper)
            .having(func.count() > 0)):
        if dossier_id is not None:
            files.setdefault(dossier_id, set()).add(paper)
    done = 0
    for dossier_id, version_id in resolved:
        required = {c["name"] for c in loaded_version(uow, version_id).compiled.manifest.get("components", [])
                    if c.get("required")}
        if required and required <= files.get(dossier_id, set()):
            done += 1
    return done


def _new_in(agency_ids: list[int], period: Period) -> Any:
    return and_(Dossier.agency_id.in_(agency_ids), Dossier.submitted_at >= period.opens,
                Dossier.submitted_at < period.closes)


def _resolved_in(agency_ids: list[int], period: Period) -> Any:
    """The statistics report's resolved dossiers (the base of 4.1, 4.2, 5.4): ended in the
    period, neither withdrawn nor refused at the counter — a numerator counted on these is
    a subset of its base."""
    return and_(Dossier.agency_id.in_(agency_ids), Dossier.submitted_at < period.closes,
                Dossier.ended_at >= period.opens, Dossier.ended_at < period.closes,
                Dossier.status.not_in((*REFUSED_STATUSES, Status.WITHDRAWN)))


def _online_payments(uow: UnitOfWork, agency_ids: list[int], period: Period) -> tuple[int, int]:
    """(new dossiers of fee-bearing procedures, those of them with a fee paid online)."""
    paid = select(Payment.dossier_id).where(Payment.paid_online.is_(True)).scalar_subquery()
    fee_bearing = online = 0
    for version_id, count, paid_count in uow.session.execute(
            select(Dossier.version_id, func.count(),
                   func.count(case((Dossier.id.in_(paid), 1))))
            .where(_new_in(agency_ids, period)).group_by(Dossier.version_id)):
        fees = loaded_version(uow, version_id).compiled.manifest.get("fees", [])
        if sum(int(f.get("amount", 0)) for f in fees) > 0:
            fee_bearing += count
            online += paid_count
    return fee_bearing, online


def _electronic_results(uow: UnitOfWork, agency_ids: list[int], period: Period) -> int:
    """Resolved dossiers with a current result file."""
    return int(uow.session.scalar(
        select(func.count(distinct(Dossier.id))).join(Attachment, Attachment.dossier_id == Dossier.id)
        .where(_resolved_in(agency_ids, period), Attachment.paper == RESULT_PAPER,
               Attachment.replaced_at.is_(None))) or 0)


def _reusing(uow: UnitOfWork, agency_ids: list[int], period: Period) -> int:
    """New dossiers with at least one paper taken from the citizen's data store."""
    return int(uow.session.scalar(
        select(func.count(distinct(Dossier.id))).join(Attachment, Attachment.dossier_id == Dossier.id)
        .where(_new_in(agency_ids, period), Attachment.reused_from_id.is_not(None))) or 0)


def complained(uow: UnitOfWork, agency_ids: list[int], period: Period) -> dict[int, int]:
    """Resolved dossiers with a complaint (phản ánh) or the lowest rating, per agency (one
    grouped query)."""
    complaints = select(Feedback.dossier_id).where(Feedback.kind == "phan_anh",
                                                   Feedback.dossier_id.is_not(None))
    unhappy = select(Rating.dossier_id).where(Rating.level == LOWEST_RATING)
    return {agency_id: count for agency_id, count in uow.session.execute(
        select(Dossier.agency_id, func.count()).where(
            _resolved_in(agency_ids, period),
            or_(Dossier.id.in_(complaints), Dossier.id.in_(unhappy)))
        .group_by(Dossier.agency_id))}
