"""The statistics report on a hand-built set of dossiers, every number worked out by hand
below, including the tricky cases: two supplement rounds (late for QĐ 766), open and
within its deadline at the period's end, withdrawn, extended, carried over."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine.core.actors import SYSTEM, Actor
from engine.core.clock import VN_TZ
from engine.core.errors import Forbidden, Invalid
from engine.core.models import Agency, Dossier, Procedure, ProcedureVersion
from engine.procedures.cache import loaded_version
from engine.reports.statistics import Period, statistics_report
from engine.wiring import Platform
from tests.helpers import AN_TUONG, EXTRACT, MINH_XUAN, PERMIT

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=VN_TZ)


# name: (agency, procedure, channel, status, submitted, received, due, ended, extra)
DOSSIERS: dict[str, tuple[Any, ...]] = {
    # carried over from October, resolved early in November (due 20/11, ended 10/11)
    "A-carried-early": (MINH_XUAN, PERMIT, "online", 10, at(28, month=10), at(28, month=10),
                        at(20), at(10), {"returned_at": at(10, 15)}),
    # new online, resolved on the due day (due 12/11 17:00, ended 12/11 16:00)
    "B-on-time": (MINH_XUAN, PERMIT, "online", 9, at(2), at(2), at(12, 17), at(12, 16), {}),
    # new at the desk, resolved a day late
    "C-late": (MINH_XUAN, PERMIT, "desk", 9, at(3), at(3), at(13), at(14), {}),
    # new by post, ended early but after two supplement requests: late for QĐ 766
    "D-two-supplements": (MINH_XUAN, PERMIT, "post", 9, at(4), at(4), at(25), at(20),
                          {"supplement_rounds": 2}),
    # new online, open at the period's end and within its deadline (due 5/12)
    "E-open-within": (MINH_XUAN, PERMIT, "online", 4, at(16), at(16), at(5, month=12), None, {}),
    # new at the desk, open and past its deadline (due 27/11) — extended in November
    "F-open-past": (MINH_XUAN, PERMIT, "desk", 4, at(5), at(5), at(27), None,
                    {"extended_at": at(20)}),
    # new online, waiting for a supplement at the period's end
    "G-paused": (MINH_XUAN, PERMIT, "online", 5, at(9), at(9), at(30), None,
                 {"supplement_requested_at": at(18), "supplement_rounds": 1}),
    # new online, withdrawn by the citizen in November
    "H-withdrawn": (MINH_XUAN, PERMIT, "online", 7, at(6), at(6), at(26), at(8), {}),
    # new at the desk, not received (refused at the counter)
    "I-refused": (MINH_XUAN, EXTRACT, "desk", 3, at(10), None, None, at(10, 10), {}),
    # ended in October: belongs to another period entirely
    "J-october": (MINH_XUAN, PERMIT, "online", 10, at(1, month=10), at(1, month=10),
                  at(15, month=10), at(10, month=10), {}),
    # submitted in December: not in November
    "K-december": (MINH_XUAN, PERMIT, "online", 1, at(1, month=12), None, None, None, {}),
    # another agency: only in the province-wide report
    "L-an-tuong": (AN_TUONG, EXTRACT, "online", 9, at(11), at(11), at(13), at(12), {}),
}


def _insert(platform: Platform) -> None:
    with platform.uow() as uow:
        versions = {(a, p): v for a, p, v in uow.session.execute(
            select(Agency.code, Procedure.code, ProcedureVersion.id)
            .join(Procedure, Procedure.agency_id == Agency.id)
            .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id))}
        agencies = {code: agency_id for code, agency_id in uow.session.execute(
            select(Agency.code, Agency.id))}
        for name, (agency, procedure, channel, status, submitted, received, due, ended,
                   extra) in DOSSIERS.items():
            uow.session.add(Dossier(
                code=f"TEST-{name}", agency_id=agencies[agency],
                version_id=versions[(agency, procedure)], applicant_name="Người thử",
                applicant_id_number="001001001001", channel=channel, data={}, status=status,
                workflow_state={}, submitted_at=submitted, received_at=received, due_at=due,
                ended_at=ended, row_version=1, **extra))
        uow.commit()


def _report(platform: Platform, actor: Actor = SYSTEM, **kwargs: Any) -> dict[str, Any]:
    with platform.uow() as uow:
        return statistics_report(uow, actor=actor, period=NOVEMBER, **kwargs)


def test_the_standard_layout_for_one_agency_worked_out_by_hand(platform: Platform) -> None:
    _insert(platform)
    [row] = _report(platform, agency_code=MINH_XUAN)["agencies"]
    # Received: A carried over; new B E G H (online) C F I (desk) D (post). J, K excluded.
    assert row["received"] == {"total": 9, "carried_over": 1, "new_online": 4, "new_desk": 3,
                               "new_post": 1, "new": 8}
    # Resolved: A early, B on time, C late, D late (two supplements); H withdrawn, I refused.
    assert row["resolved"] == {"total": 4, "early": 1, "on_time": 1, "late": 2}
    assert (row["withdrawn"], row["refused"]) == (1, 1)
    # At the end of November: E within its deadline, F past it, G paused for a supplement.
    assert row["in_progress"] == {"total": 2, "within": 1, "past": 1}
    assert row["paused"] == 1
    # A was handed back on 10/11; F was extended on 20/11; D's two supplement rounds.
    assert (row["returned"], row["extensions"], row["supplement_rounds"]) == (1, 1, 2)
    # Resolution days (reception → end) of A, B, C, D: A 28/10 09:00 → 10/11 09:00 = 13;
    # B 2/11 09:00 → 12/11 16:00 = 10 + 7/24; C 3/11 → 14/11 = 11; D 4/11 → 20/11 = 16.
    # Median of 10.29, 11, 13, 16 = (11 + 13) / 2 = 12.
    days = row["resolution_days"]
    assert days["count"] == 4 and days["median"] == 12.0
    assert days["average"] == round((13 + 10 + 7 / 24 + 11 + 16) / 4, 2)


def test_the_province_total_adds_every_agency_and_filters_narrow_it(platform: Platform) -> None:
    _insert(platform)
    report = _report(platform)
    assert [a["code"] for a in report["agencies"]] == sorted(
        a["code"] for a in report["agencies"])
    by_code = {a["code"]: a for a in report["agencies"]}
    assert by_code[AN_TUONG]["resolved"] == {"total": 1, "early": 1, "on_time": 0, "late": 0}
    assert report["total"]["received"]["total"] == 10
    assert report["total"]["resolved"]["total"] == 5
    online = _report(platform, channel="online")["total"]
    assert online["received"] == {"total": 6, "carried_over": 1, "new_online": 5, "new_desk": 0,
                                  "new_post": 0, "new": 5}
    extract = _report(platform, procedure=EXTRACT)["total"]
    assert (extract["received"]["total"], extract["refused"]) == (2, 1)
    assert {p["code"] for p in _report(platform)["procedures"]} == {PERMIT, EXTRACT}


def test_who_may_see_which_report(platform: Platform) -> None:
    from engine.identity.accounts import authenticate
    from engine.seed import DEMO_PASSWORD

    with platform.uow() as uow:
        leader = authenticate(uow, username="lanhdao.minhxuan", password=DEMO_PASSWORD)
        officer = authenticate(uow, username="chuyenvien.minhxuan", password=DEMO_PASSWORD)
    assert _report(platform, actor=leader, agency_code=MINH_XUAN)["agencies"]
    with pytest.raises(Forbidden):
        _report(platform, actor=leader, agency_code=AN_TUONG)
    with pytest.raises(Forbidden):
        _report(platform, actor=leader)  # province-wide: administrators
    with pytest.raises(Forbidden):
        _report(platform, actor=officer, agency_code=MINH_XUAN)
    with pytest.raises(Invalid, match="tối đa một năm"):
        Period(date(2026, 1, 1), date(2027, 1, 2))


def _indicators(platform: Platform) -> dict[str, dict[str, Any]]:
    from engine.reports.indicators import indicators

    with platform.uow() as uow:
        found = indicators(uow, actor=SYSTEM, agency_code=MINH_XUAN, start=NOVEMBER.start,
                           end=NOVEMBER.end)
    return {i["code"]: i for i in found["indicators"]} | {"_": found}


def _attach_all_required(platform: Platform, code: str, missing: int = 0) -> None:
    """Files for a dossier's required papers (all of them, or all but `missing`)."""
    from engine.core.models import Attachment, AttachmentContent

    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        required = [c["name"] for c in loaded_version(uow, dossier.version_id).compiled.manifest[
            "components"] if c.get("required")]
        if uow.session.get(AttachmentContent, "0" * 64) is None:
            uow.session.add(AttachmentContent(sha256="0" * 64, content=b"%PDF-"))
            uow.session.flush()
        for paper in required[:len(required) - missing]:
            uow.session.add(Attachment(dossier_id=dossier.id, paper=paper, filename="x.pdf",
                                       media_type="application/pdf", size=5, sha256="0" * 64,
                                       uploaded_at=at(2)))
        uow.commit()


def _citizen_facts(platform: Platform) -> None:
    """Payments, result files, a reused paper, feedback and ratings of the test dossiers."""
    from engine.core.models import Account, Attachment, Feedback, Payment, Rating, StoredPaper

    with platform.uow() as uow:
        ids = {code: dossier_id for code, dossier_id in uow.session.execute(
            select(Dossier.code, Dossier.id))}
        citizen = uow.session.scalar(select(Account.id).where(Account.username == "congdan"))
        agency = uow.session.scalar(select(Agency.id).where(Agency.code == MINH_XUAN))
        assert citizen is not None and agency is not None
        for code, online in (("TEST-B-on-time", True), ("TEST-C-late", False)):
            uow.session.add(Payment(dossier_id=ids[code], amount=75000, description="Lệ phí",
                                    reference=f"TT-{code}", state="paid", requested_at=at(5),
                                    paid_at=at(6), paid_online=online))
        stored = StoredPaper(account_id=citizen, kind="paper", name="Sổ đỏ", filename="so-do.pdf",
                             media_type="application/pdf", size=5, sha256="0" * 64,
                             dossier_code="TEST-A-carried-early", stored_at=at(1))
        uow.session.add(stored)
        uow.session.flush()
        file = {"filename": "x.pdf", "media_type": "application/pdf", "size": 5,
                "sha256": "0" * 64, "uploaded_at": at(10)}
        uow.session.add_all([
            Attachment(dossier_id=ids["TEST-A-carried-early"], paper="Kết quả giải quyết", **file),
            Attachment(dossier_id=ids["TEST-B-on-time"], paper="Kết quả giải quyết",
                       replaced_at=at(12), **file),
            Attachment(dossier_id=ids["TEST-E-open-within"], paper="Sổ đỏ",
                       reused_from_id=stored.id, **file),
            Feedback(account_id=citizen, agency_id=agency, dossier_id=ids["TEST-B-on-time"],
                     kind="phan_anh", title="Chậm", body="Hẹn mãi chưa trả.", created_at=at(13)),
            Feedback(account_id=citizen, agency_id=agency, dossier_id=ids["TEST-A-carried-early"],
                     kind="kien_nghi", title="Gửi bưu điện", body="Xin gửi qua bưu điện.",
                     created_at=at(11)),
            Rating(dossier_id=ids["TEST-A-carried-early"], account_id=citizen, level=3,
                   reason="", at=at(11)),
        ])
        uow.commit()


def test_each_766_indicator_worked_out_by_hand(platform: Platform) -> None:
    _insert(platform)
    _attach_all_required(platform, "TEST-A-carried-early")            # all three papers
    _attach_all_required(platform, "TEST-B-on-time", missing=1)        # one paper short
    _citizen_facts(platform)
    found = _indicators(platform)
    # 2.1: handled = resolved 4 (A B C D) + open 2 (E F) + paused 1 (G) = 7;
    #      on time = A (early) + B (on time) + E (within) + G (paused, clock stopped) = 4.
    assert (found["2.1"]["numerator"], found["2.1"]["denominator"]) == (4, 7)
    assert found["2.1"]["value"] == round(4 / 7, 4)
    assert found["2.1"]["score"] == round(round(4 / 7, 4) * 20, 2)
    # … and says so: resolved not late (A B), open within (E), paused (G) over resolved,
    # open, paused; its label is its number as QĐ 766 prints it, never a key like 3.3.online.
    assert [part["count"] for part in found["2.1"]["numerator_parts"]] == [2, 1, 1]
    assert found["2.1"]["numerator_parts"][1]["label"] == "Hồ sơ đang giải quyết còn trong hạn"
    assert [part["count"] for part in found["2.1"]["denominator_parts"]] == [4, 2, 1]
    assert found["3.3.online"]["label"] == "3.3 Tỉ lệ hồ sơ theo hình thức nộp: trực tuyến"
    assert all(i["label"].startswith(f"{i['number']} ") and "." not in i["number"][2:]
               for i in found["_"]["indicators"])
    # 2.2: days of A B C D = 13 + 10 7/24 + 11 + 16 over 4 resolved.
    total_days = round(13 + 10 + 7 / 24 + 11 + 16, 2)
    assert (found["2.2"]["numerator"], found["2.2"]["denominator"]) == (total_days, 4)
    assert found["2.2"]["value"] == round(total_days / 4, 2) and found["2.2"]["score"] is None
    # 3.3: new = 8 (online B E G H, desk C F I, post D).
    assert [(found[f"3.3.{c}"]["numerator"], found[f"3.3.{c}"]["denominator"])
            for c in ("online", "desk", "post")] == [(4, 8), (3, 8), (1, 8)]
    assert found["3.3.online"]["score"] == round(0.5 * 12, 2)
    # 3.6: all 8 new dossiers are of procedures with fees; B paid online (C at the desk).
    assert (found["3.6"]["numerator"], found["3.6"]["denominator"]) == (1, 8)
    # 4.1: of the 4 resolved, A has a current result file (B's was replaced, none current).
    assert (found["4.1"]["numerator"], found["4.1"]["denominator"]) == (1, 4)
    # 4.2: of the 4 resolved, only A has a file for every required paper.
    assert (found["4.2"]["numerator"], found["4.2"]["denominator"]) == (1, 4)
    # 4.3: of the 8 new, E took a paper from the citizen's data store.
    assert (found["4.3"]["numerator"], found["4.3"]["denominator"]) == (1, 8)
    assert all(found[c]["recorded"] for c in ("3.6", "4.1", "4.3"))
    # 5.4: 100% − late rate (C and D late of 4 resolved = 50%) − complaint rate (B's
    # complaint of 4 resolved = 25%; A's suggestion and "very satisfied" rating count not).
    assert found["5.4"]["detail"] == {"late_rate": 0.5, "complaint_rate": 0.25, "complaints": 1}
    assert found["5.4"]["value"] == 0.25
    summary = found["_"]
    assert summary["max_score"] == 82.0
    assert summary["score"] == round(sum(i["score"] or 0 for i in summary["indicators"]), 2)


def test_step_times_worked_out_by_hand(platform: Platform) -> None:
    from datetime import timedelta

    from engine.core.models import Task
    from engine.reports.statistics import step_times

    _insert(platform)
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == "TEST-B-on-time"))
        assert dossier is not None
        for hours in range(1, 11):  # appraisals taking 1..10 hours, due after 7 hours
            created = at(2)
            uow.session.add(Task(
                dossier_id=dossier.id, spiff_id=f"t{hours}", bpmn_id="tham_dinh", name="Thẩm định",
                role="chuyen_vien", agency_id=dossier.agency_id, form="tham_dinh.schema.json",
                state="completed", created_at=created, due_at=created + timedelta(hours=7),
                completed_at=created + timedelta(hours=hours)))
        uow.session.add(Task(dossier_id=dossier.id, spiff_id="open", bpmn_id="phe_duyet",
                             name="Phê duyệt", role="lanh_dao", agency_id=dossier.agency_id,
                             form="phe_duyet.schema.json", state="open", created_at=at(3)))
        uow.commit()
        found = step_times(uow, actor=SYSTEM, agency_code=MINH_XUAN, code=PERMIT, number=1)
    # 10 completions; median of 1..10 = 5.5; nearest-rank p90 = the 9th value = 9;
    # 8, 9 and 10 hours finished after the 7-hour due time: 3 of 10 late. Open tasks ignored.
    assert found["steps"] == {"tham_dinh": {"count": 10, "median_hours": 5.5, "p90_hours": 9.0,
                                            "late_share": 0.3}}


def test_an_agency_report_includes_its_sub_units(platform: Platform) -> None:
    from engine.reports.indicators import indicators

    _insert(platform)
    with platform.uow() as uow:
        parent = uow.session.scalar(select(Agency).where(Agency.code == MINH_XUAN))
        assert parent is not None
        unit = Agency(code="000.00.12.H64-KT", name="Phòng Kinh tế phường Minh Xuân",
                      province_id=parent.province_id, parent_id=parent.id)
        uow.session.add(unit)
        uow.session.flush()
        version = uow.session.scalar(select(Dossier.version_id).where(
            Dossier.code == "TEST-B-on-time"))
        uow.session.add(Dossier(
            code="TEST-M-sub-unit", agency_id=unit.id, version_id=version,
            applicant_name="Người thử", applicant_id_number="001001001001", channel="online",
            data={}, status=9, workflow_state={}, submitted_at=at(5), received_at=at(5),
            due_at=at(20), ended_at=at(19), row_version=1))
        uow.commit()
    report = _report(platform, agency_code=MINH_XUAN)
    assert [a["code"] for a in report["agencies"]] == [MINH_XUAN, "000.00.12.H64-KT"]
    assert report["agencies"][1]["resolved"] == {"total": 1, "early": 1, "on_time": 0, "late": 0}
    assert report["total"]["received"]["total"] == 9 + 1
    with platform.uow() as uow:
        found = indicators(uow, actor=SYSTEM, agency_code=MINH_XUAN, start=NOVEMBER.start,
                           end=NOVEMBER.end)
    on_time = next(i for i in found["indicators"] if i["code"] == "2.1")
    assert (on_time["numerator"], on_time["denominator"]) == (4 + 1, 7 + 1)


def test_digitisation_and_electronic_results_count_only_resolved_dossiers(
        platform: Platform) -> None:
    """4.1 and 4.2 count within their base: a withdrawn dossier and one not received at the
    counter ended in the period with every paper and a result file, yet are not resolved —
    they were counted above their base (6/5 = 120% in the field)."""
    from engine.core.models import Attachment

    _insert(platform)
    for code in ("TEST-A-carried-early", "TEST-H-withdrawn", "TEST-I-refused"):
        _attach_all_required(platform, code)
    with platform.uow() as uow:
        for code in ("TEST-H-withdrawn", "TEST-I-refused"):
            dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
            uow.session.add(Attachment(dossier_id=dossier_id, paper="Kết quả giải quyết",
                                       filename="x.pdf", media_type="application/pdf", size=5,
                                       sha256="0" * 64, uploaded_at=at(10)))
        uow.commit()
    found = _indicators(platform)
    assert (found["4.2"]["numerator"], found["4.2"]["denominator"]) == (1, 4)
    assert (found["4.1"]["numerator"], found["4.1"]["denominator"]) == (0, 4)
    for code in ("4.1", "4.2"):
        assert found[code]["numerator"] <= found[code]["denominator"]
