"""The legal documents of a sample dossier, as data and as PDFs, checked for their key fields."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from engine.applicants import RESULT_PAPER, attach
from engine.core.actors import SYSTEM
from engine.core.clock import VN_TZ, FixedClock
from engine.core.errors import Conflict
from engine.reports import documents
from engine.reports.documents import layout
from engine.wiring import Platform
from tests.helpers import PDF
from tests.service.test_legal_clock import Desk

DRAWINGS = ("Bản vẽ thiết kế xây dựng: mặt bằng vị trí công trình trên lô đất, mặt bằng các tầng, "
            "mặt đứng, mặt cắt, móng và đấu nối hạ tầng")
BASE = "https://dichvucong.tuyenquang.example"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def refused_dossier(platform: Platform, clock: FixedClock) -> Desk:
    """Received, supplemented once, extended once, refused by the leader, returned."""
    desk = Desk(platform, clock)
    desk.receive()  # Wed 25 Nov 2026 08:00, due Wed 16 Dec 08:00
    clock.set(at("2026-11-26 10:00"))
    desk.request_supplement("Bản vẽ mặt cắt công trình", "Bản sao giấy chứng nhận QSDĐ")
    clock.set(at("2026-11-27 09:00"))
    desk.supplement()  # restart: due Fri 18 Dec 09:00
    clock.set(at("2026-12-10 09:00"))
    desk.extend(at("2026-12-22 17:00"), reason="Chờ ý kiến của cơ quan quản lý đê điều")
    clock.set(at("2026-12-14 10:00"))
    desk.complete("chuyenvien.minhxuan", {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Vi phạm hành lang đê."})
    clock.set(at("2026-12-15 10:00"))
    desk.complete("lanhdao.minhxuan", {"quyet_dinh": "tu_choi",
                                       "ly_do_tu_choi": "Công trình nằm trong hành lang bảo vệ đê điều."},
                  step="phe_duyet")
    clock.set(at("2026-12-16 09:00"))
    desk.complete("motcua.minhxuan", {"hinh_thuc_tra": "truc_tiep"})
    return desk


def render(desk: Desk, kind: str, fmt: str = "pdf") -> documents.Document:
    with desk.platform.uow() as uow:
        return documents.render_dossier_document(
            uow, actor=desk.actor("motcua.minhxuan"), code=desk.code, kind=kind, fmt=fmt,
            tracking_base=BASE)


def test_the_receipt_has_the_code_the_dates_the_papers_and_a_qr_code(refused_dossier: Desk) -> None:
    document = render(refused_dossier, "receipt")
    assert document.filename("pdf") == f"{refused_dossier.code}-receipt.pdf"
    text = text_of(document.pdf())
    for expected in ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                     refused_dossier.code, "Nguyễn Văn An", "008090001234",
                     "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
                     "08 giờ 00 phút, ngày 25/11/2026",  # received
                     "17 giờ 00 phút, ngày 22/12/2026",  # current (extended) due time
                     "Trần Thị Bình",  # the desk officer who received it
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Tuyên Quang, ngày 16 tháng 12 năm 2026"):
        assert expected in text, expected
    assert "Bản vẽ thiết kế xây dựng" in text
    reader = PdfReader(io.BytesIO(document.pdf()))
    assert any(page.images for page in reader.pages)  # the QR code
    qr = next(b for b in render(refused_dossier, "receipt", "html").blocks
              if isinstance(b, layout.Qr))
    assert qr.value == f"{BASE}/tra-cuu?ma={refused_dossier.code}"


def test_the_supplement_request_lists_everything_missing(refused_dossier: Desk) -> None:
    text = text_of(render(refused_dossier, "supplement").pdf())
    assert "Mẫu số 02" in text and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "1. Bản vẽ mặt cắt công trình" in text
    assert "2. Bản sao giấy chứng nhận QSDĐ" in text
    assert "Lê Văn Cường" in text  # the officer who asked


def test_the_refusal_gives_the_reason(refused_dossier: Desk) -> None:
    """Refused by the leader after appraisal: the agency's notice signed by its head, not
    the desk's form 03 of a refusal at reception (NĐ 61/2018 art. 16)."""
    text = text_of(render(refused_dossier, "refusal").pdf())
    assert "THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in text and "Mẫu số 03" not in text
    assert "Ngày 25/11/2026, UBND phường Minh Xuân tiếp nhận hồ sơ" in text
    assert "Công trình nằm trong hành lang bảo vệ đê điều." in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text and "Phạm Thị Dung" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" not in text


def test_the_apology_gives_the_reason_and_the_new_date(refused_dossier: Desk) -> None:
    text = text_of(render(refused_dossier, "apology").pdf())
    assert "Mẫu số 04" in text and "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Chờ ý kiến của cơ quan quản lý đê điều" in text
    assert "09 giờ 00 phút, ngày 18/12/2026" in text  # the due time before the extension
    assert "17 giờ 00 phút, ngày 22/12/2026" in text  # the new appointment


def test_the_control_slip_has_one_row_per_hand_over_with_its_lateness(
    refused_dossier: Desk,
) -> None:
    text = text_of(render(refused_dossier, "control_slip").pdf())
    assert "Mẫu số 05" in text and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    for unit in ("Bộ phận Một cửa — Tiếp nhận, kiểm tra hồ sơ",
                 "Lãnh đạo UBND cấp xã — Xem xét, ký duyệt",
                 "Bộ phận Một cửa — Trả văn bản từ chối cấp phép"):
        assert unit in text, unit
    # The appraisal (P10D from 25 Nov) finished on 14 Dec: late; the escalation was opened
    # by the boundary timer only if fired, so it is absent here.
    assert text.count("Quá hạn") >= 1 and "Trước hạn" in text


def test_the_tracking_book_lists_the_agencys_dossiers(
    refused_dossier: Desk, platform: Platform
) -> None:
    with platform.uow() as uow:
        book = documents.render_tracking_book(
            uow, actor=SYSTEM, agency_code="000.00.12.H64", start=date(2026, 11, 1),
            end=date(2026, 11, 30), fmt="pdf")
    assert book.page.landscape
    text = text_of(book.pdf())
    assert "Mẫu số 06" in text and "SỔ THEO DÕI HỒ SƠ" in text
    assert refused_dossier.code in text.replace(" ", "") and "Đã trả kết quả" in text


def test_form_01_points_at_the_dossier_s_row_in_its_month_s_tracking_book(
    platform: Platform, clock: FixedClock
) -> None:
    """Mẫu 01's «Vào Sổ theo dõi hồ sơ»: the tracking book (Mẫu 06) of the month the dossier
    came in, «Quyển số 11/2026», and its row there — three dossiers come in at the same
    instant, the last on row 3 of both its receipt and that month's book."""
    desks = [Desk(platform, clock) for _ in range(3)]
    desks[2].receive()
    receipt = text_of(render(desks[2], "receipt").pdf())
    assert "Vào Sổ theo dõi hồ sơ: Quyển số 11/2026, số thứ tự 3" in receipt
    with platform.uow() as uow:
        book = documents.render_tracking_book(
            uow, actor=SYSTEM, agency_code="000.00.12.H64", start=date(2026, 11, 1),
            end=date(2026, 11, 30), fmt="html")
    table = next(b for b in book.blocks if isinstance(b, layout.Table))
    assert [row[:2] for row in table.rows] == [(str(n), d.code) for n, d in enumerate(desks, 1)]


def test_the_submission_receipt_lists_the_applicant_s_papers_not_the_result(
    platform: Platform, clock: FixedClock
) -> None:
    """Printed again at the end, the online submission's receipt («Giấy tờ đã đính kèm») still
    lists what the applicant sent — the result the agency attached is no paper of theirs."""
    desk = Desk(platform, clock)
    with platform.uow() as uow:
        attach(uow, actor=desk.actor("motcua.minhxuan"), code=desk.code,
               paper=DRAWINGS, filename="ban-ve.pdf", content=PDF)
    desk.receive()
    desk.complete("chuyenvien.minhxuan", {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện."})
    desk.complete("lanhdao.minhxuan", {"quyet_dinh": "cap_phep", "so_giay_phep": "15/GPXD"},
                  step="phe_duyet")
    with platform.uow() as uow:
        attach(uow, actor=desk.actor("motcua.minhxuan"), code=desk.code, paper=RESULT_PAPER,
               filename="giay-phep.pdf", content=PDF)
    text = text_of(render(desk, "submission").pdf())
    assert "ban-ve.pdf" in text
    assert "giay-phep.pdf" not in text and "Kết quả giải quyết" not in text


def test_documents_that_do_not_apply_yet_are_refused(platform: Platform, clock: FixedClock) -> None:
    desk = Desk(platform, clock)
    for kind in ("receipt", "supplement", "refusal", "apology"):
        with pytest.raises(Conflict):
            render(desk, kind)
    assert render(desk, "control_slip").pdf().startswith(b"%PDF")


def test_a_second_document_set_is_a_folder_not_code() -> None:
    assert documents.available_sets() == ["tt01-2018"]
    assert set(documents.document_set("tt01-2018")["documents"]) == {
        "submission", "receipt", "supplement", "refusal", "refusal_decision", "apology",
        "control_slip", "tracking_book", "stop_notice", "fee_receipt"}
