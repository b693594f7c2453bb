"""The desk's paper reception end to end (walk report h5, findings 2, 6, 15, 19): a walk-in
dossier put on supplement at the counter is found again and received when the applicant
returns («Nhận bổ sung»); a paper ticked as handed over needs its scan, a refused form at the
reception keeps the scans already made (on the desk's hold), a refused «Nhận bổ sung» keeps
none (it goes whole or not at all), and both name every problem at once; the desk is
offered its own agency's procedures, each agency once; the form speaks of «người nộp», not to «bạn».

Through HTTP as the desk's browser (no JavaScript), on the real engine and database.
"""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Attachment, Dossier
from engine.wiring import Platform
from tests.functional.test_citizen_area import flat
from tests.functional.test_desk import PAPERS
from tests.functional.test_desk_papers import DESK_PAGE, desk_browser, multipart, photo
from tests.helpers import MINH_XUAN, PDF, PERMIT, login, permit_data, token


def _post(client: FlaskClient, url: str, fields: list[tuple[str, Any]]) -> Any:
    body, content_type = multipart([("csrf_token", token(client.get(url).data)), *fields])
    return client.post(url, data=body, content_type=content_type)


def _reception(client: FlaskClient, extra: list[tuple[str, Any]], decision: str = "complete",
               data: dict[str, Any] | None = None) -> Any:
    fields: list[tuple[str, Any]] = [("thu_tuc", PERMIT), ("agency", MINH_XUAN)]
    fields += list(flat(permit_data() if data is None else data).items())
    fields += [("ket_qua_kiem_tra", "tiep_nhan"), ("decision", decision), *extra]
    return _post(client, DESK_PAGE, fields)


def _text(response: Any) -> str:
    return html.unescape(response.data.decode())


def _attachments(platform: Platform, code: str) -> dict[str, str]:
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        return {a.paper: a.filename for a in uow.session.scalars(select(Attachment).where(
            Attachment.dossier_id == dossier_id, Attachment.replaced_at.is_(None)))}


def _walk_in_on_supplement(desk: FlaskClient) -> str:
    """The applicant brought only the application form: «Yêu cầu bổ sung (Mẫu 02)»."""
    asked = _reception(desk, [("papers", PAPERS[0]), ("scan-0", ("don.pdf", PDF))],
                       decision="supplement")
    assert asked.status_code == 303, _text(asked)[:3000]
    return str(asked.headers["Location"].rsplit("/", 1)[-1])


def test_a_walk_in_on_supplement_says_so_and_is_received_when_the_applicant_returns(
    app: Flask, platform: Platform,
) -> None:
    desk = desk_browser(app)
    code = _walk_in_on_supplement(desk)
    done = _text(desk.get(f"/can-bo/tiep-nhan/{code}"))
    assert "Đã nhận hồ sơ" not in done
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)" in done and "chưa được tiếp nhận" in done
    form02 = _text(desk.get(f"/api/v1/dossiers/{code}/documents/supplement?format=html"))
    assert "tiếp nhận lúc" not in form02 and "chưa được tiếp nhận" in form02
    waiting = _text(desk.get("/can-bo/ho-so?view=supplement"))
    assert code in waiting and f"/can-bo/ho-so/{code}/nhan-bo-sung" in waiting
    assert f"/can-bo/ho-so/{code}/nhan-bo-sung" in _text(desk.get(f"/can-bo/ho-so/{code}"))
    url = f"/can-bo/ho-so/{code}/nhan-bo-sung"
    page = _text(desk.get(url))
    assert "Nhận bổ sung và tiếp nhận hồ sơ" in page and PAPERS[1] in page and "don.pdf" in page
    # the land paper comes, the drawings are forgotten: named, and the scan made is not
    # kept (the answer goes whole or not at all), so the page asks to choose it again
    short = _post(desk, url, [*flat(permit_data()).items(), ("papers", PAPERS[1]),
                              ("scan-1", ("so-do.pdf", PDF))])
    assert short.status_code == 422
    again = _text(short)
    assert 'id="paper-2-error"' in again and "còn thiếu" in again
    assert 'id="paper-1-error"' in again and "Bản quét «so-do.pdf» chưa được lưu" in again
    assert "Đã có bản số hóa: so-do.pdf" not in again
    assert _attachments(platform, code) == {PAPERS[0]: "don.pdf"}
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 5
    received = _post(desk, url, [*flat(permit_data()).items(), ("papers", PAPERS[1]),
                                 ("scan-1", ("so-do.pdf", PDF)), ("papers", PAPERS[2]),
                                 ("scan-2", ("ban-ve-1.png", photo("white"))),
                                 ("scan-2", ("ban-ve-2.png", photo("gray")))])
    assert received.status_code == 303, _text(received)[:3000]
    assert received.headers["Location"].endswith(f"/can-bo/tiep-nhan/{code}")
    shown = _text(desk.get(received.headers["Location"]))
    assert f"Đã nhận bổ sung và tiếp nhận hồ sơ {code}" in shown
    assert "Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)" in shown
    dossier = desk.get(f"/api/v1/dossiers/{code}").json
    assert dossier["status"] == 4 and dossier["received_at"] and dossier["due_at"]
    assert _attachments(platform, code) == {PAPERS[0]: "don.pdf", PAPERS[1]: "so-do.pdf",
                                            PAPERS[2]: "ban-ve-1.pdf"}


def test_a_supplement_asked_during_processing_is_received_at_the_desk(
    app: Flask, platform: Platform,
) -> None:
    desk = desk_browser(app)
    accepted = _reception(desk, [(f"scan-{i}", (f"giay-{i}.pdf", PDF)) for i in range(3)])
    assert accepted.status_code == 303, _text(accepted)[:3000]
    code = accepted.headers["Location"].rsplit("/", 1)[-1]
    specialist = app.test_client()
    login(specialist, "chuyenvien.minhxuan")
    asked = specialist.post(f"/api/v1/dossiers/{code}/request-supplement",
                            json={"missing": [PAPERS[2]], "note": "Bản vẽ thiếu mặt cắt"})
    assert asked.status_code == 200, asked.json
    other = desk_browser(app, "chuyenvien.minhxuan")
    refused = other.get(f"/can-bo/ho-so/{code}/nhan-bo-sung")
    assert refused.status_code == 303  # only the desk; sent back to the dossier's page
    url = f"/can-bo/ho-so/{code}/nhan-bo-sung"
    page = _text(desk.get(url))
    assert "Bản vẽ thiếu mặt cắt" in page and "Được yêu cầu bổ sung" in page
    answered = _post(desk, url, [*flat(permit_data()).items(), ("papers", PAPERS[2]),
                                 ("scan-2", ("ban-ve-moi.pdf", PDF))])
    assert answered.status_code == 303, _text(answered)[:3000]
    assert answered.headers["Location"].endswith(f"/can-bo/ho-so/{code}")
    assert "hồ sơ tiếp tục được giải quyết" in _text(desk.get(answered.headers["Location"]))
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 4
    assert _attachments(platform, code)[PAPERS[2]] == "ban-ve-moi.pdf"


def test_a_ticked_paper_needs_its_scan_every_problem_comes_at_once_and_scans_are_kept(
    app: Flask, platform: Platform,
) -> None:
    desk = desk_browser(app)
    with platform.uow() as uow:
        before = len(uow.session.scalars(select(Dossier.id)).all())
    no_name = permit_data()
    no_name.pop("ho_ten")
    first = _reception(desk, [("papers", PAPERS[0]), ("papers", PAPERS[1]), ("papers", PAPERS[2]),
                              ("scan-0", ("don.pdf", PDF)), ("scan-1", ("so-do.pdf", PDF))],
                       data=no_name)
    assert first.status_code == 422
    page = _text(first)
    assert 'id="paper-2-error"' in page and "chưa có bản số hóa" in page  # ticked, not scanned
    assert 'id="f-ho_ten-error"' in page  # and the field, in the same round
    assert 'href="#paper-2-scan"' in page  # the papers' problems summed up, linked to the input
    assert "Đã có bản số hóa: don.pdf" in page and "Đã có bản số hóa: so-do.pdf" in page
    held = re.search(r'name="giu_ban_quet" value="([^"]+)"', page)
    assert held is not None
    with platform.uow() as uow:
        assert len(uow.session.scalars(select(Dossier.id)).all()) == before
    second = _reception(desk, [("giu_ban_quet", held.group(1)), ("papers", PAPERS[2]),
                               ("scan-2", ("ban-ve.pdf", PDF))])
    assert second.status_code == 303, _text(second)[:3000]
    code = second.headers["Location"].rsplit("/", 1)[-1]
    assert "Đã tiếp nhận hồ sơ" in _text(desk.get(second.headers["Location"]))
    assert _attachments(platform, code) == {PAPERS[0]: "don.pdf", PAPERS[1]: "so-do.pdf",
                                            PAPERS[2]: "ban-ve.pdf"}
    stranger = desk_browser(app, "motcua.antuong")  # another officer cannot use the hold
    assert "don.pdf" not in _text(_reception(stranger, [("giu_ban_quet", held.group(1))]))


def test_the_desk_is_offered_its_own_agencys_procedures_each_agency_once(app: Flask) -> None:
    desk = desk_browser(app)
    page = _text(desk.get("/can-bo/tiep-nhan"))
    agencies = re.findall(r'<select id="agency" name="agency">(.*?)</select>', page, re.S)[0]
    assert re.findall(r">([^<]+)</option>", agencies) == ["UBND phường Minh Xuân"]
    assert "An Tường" not in page
    procedures = re.findall(r'<select id="thu_tuc" name="thu_tuc">(.*?)</select>', page, re.S)[0]
    names = re.findall(r">([^<]+)</option>", procedures)
    assert names and len(names) == len(set(names))
    province = _text(desk.get("/can-bo/tiep-nhan?ca_tinh=1"))
    assert "UBND xã An Tường" in province and province.count(">UBND xã An Tường</option>") == 1


def test_the_desk_form_speaks_of_the_applicant_not_to_them(app: Flask) -> None:
    page = _text(desk_browser(app).get(DESK_PAGE))
    assert "Chọn «Có» nếu người nộp hồ sơ thay chủ đầu tư." in page
    assert not re.search(r"\b[Bb]ạn\b", re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1]))
