"""The legal clock over HTTP: supplement round trip, extension, deadline history, calendar."""

from __future__ import annotations

from flask import Flask

from tests.functional.test_dossier_lifecycle import submit_permit
from tests.helpers import APPLICANT_ID, complete, login


def test_supplement_round_trip_keeps_the_code_and_the_history(app: Flask) -> None:
    code = submit_permit(app.test_client())["code"]
    desk, specialist = app.test_client(), app.test_client()
    login(desk, "motcua.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = specialist.post(f"/api/v1/dossiers/{code}/request-supplement",
                            json={"missing": ["Bản vẽ mặt cắt"], "note": "Thiếu bản vẽ"})
    assert asked.status_code == 200 and asked.json["status"] == 5
    tracked = app.test_client().post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).json
    assert tracked["status_label"] == "Chờ bổ sung"
    refused = specialist.post(f"/api/v1/dossiers/{code}/supplement", json={"data": {}})
    assert refused.status_code == 403  # only the applicant or the desk supplements
    bad = desk.post(f"/api/v1/dossiers/{code}/supplement", json={"data": {"ho_ten": "A"}})
    assert bad.status_code == 422
    from tests.helpers import permit_data

    # nothing changed and no paper named: the answer must say so (walk report b4)
    unchanged = desk.post(f"/api/v1/dossiers/{code}/supplement", json={"data": permit_data()})
    assert unchanged.status_code == 422
    assert [d["field"] for d in unchanged.json["error"]["details"]] == ["_unchanged"]
    done = desk.post(f"/api/v1/dossiers/{code}/supplement",
                     json={"data": permit_data(), "confirm_unchanged": True})
    assert done.status_code == 200 and done.json["code"] == code and done.json["status"] == 4
    kinds = [c["kind"] for c in desk.get(f"/api/v1/dossiers/{code}/deadlines").json["changes"]]
    assert kinds == ["received", "supplemented"]
    events = [e["kind"] for e in desk.get(f"/api/v1/dossiers/{code}").json["events"]]
    assert "supplement_requested" in events and "supplemented" in events


def test_extension_over_http_cites_the_rule_when_refused(app: Flask) -> None:
    code = submit_permit(app.test_client())["code"]
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    too_far = desk.post(f"/api/v1/dossiers/{code}/extend",
                        json={"due_at": "2027-01-30T17:00:00+07:00", "reason": "Chờ ý kiến"})
    assert too_far.status_code == 400 and "1/3 tổng thời gian" in too_far.json["error"]["message"]
    granted = desk.post(f"/api/v1/dossiers/{code}/extend",
                        json={"due_at": "2026-12-18T17:00:00+07:00", "reason": "Chờ ý kiến"})
    assert granted.status_code == 200
    again = desk.post(f"/api/v1/dossiers/{code}/extend",
                      json={"due_at": "2026-12-19T17:00:00+07:00", "reason": "Chờ ý kiến"})
    assert again.status_code == 409 and "Điều 19 khoản 9" in again.json["error"]["message"]


def test_only_administrators_change_the_calendar(app: Flask) -> None:
    officer, admin = app.test_client(), app.test_client()
    login(officer, "motcua.minhxuan")
    login(admin, "quantri")
    body = {"kind": "working", "reason": "Làm bù thứ Bảy"}
    assert officer.put("/api/v1/calendars/Tuyên Quang/days/2026-12-12", json=body).status_code == 403
    assert admin.put("/api/v1/calendars/Tuyên Quang/days/2026-12-12", json=body).status_code == 200
    days = app.test_client().get("/api/v1/calendars/Tuyên Quang?year=2026").json["days"]
    assert [(d["day"], d["kind"]) for d in days] == [("2026-12-12", "working")]
    removed = admin.delete("/api/v1/calendars/Tuyên Quang/days/2026-12-12?reason=Hủy")
    assert removed.status_code == 200


def test_documents_are_served_as_pdf_and_printable_html(app: Flask) -> None:
    code = submit_permit(app.test_client())["code"]
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    early = desk.get(f"/api/v1/dossiers/{code}/documents/receipt")
    assert early.status_code == 409 and "chưa được tiếp nhận" in early.json["error"]["message"]
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    pdf = desk.get(f"/api/v1/dossiers/{code}/documents/receipt")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]
    html = desk.get(f"/api/v1/dossiers/{code}/documents/control_slip?format=html")
    assert html.status_code == 200 and "PHIẾU KIỂM SOÁT" in html.data.decode()
    book = desk.get("/api/v1/agencies/000.00.12.H64/tracking-book?from=2026-11-01&to=2026-11-30")
    assert book.status_code == 200 and book.data.startswith(b"%PDF")
    other = app.test_client()
    login(other, "motcua.antuong")
    assert other.get(f"/api/v1/dossiers/{code}/documents/receipt").status_code == 404
    assert other.get("/api/v1/agencies/000.00.12.H64/tracking-book?from=2026-11-01&to=2026-11-30"
                     ).status_code == 403
