"""The officers' accounts pages (`/quan-tri/tai-khoan`) and API: invite (the link in the
mail sets the password), grant and revoke with a period, lock, emergency lock, reactivate,
transfer, bulk import — each audited; a quản trị đơn vị refused (403) outside its subtree."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from engine.core.models import Account, AuditEntry, Notification
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, login, token

SO = "000.05.00.H64"
INVITE = {"username": "motcua2.minhxuan", "full_name": "Hà Thị Ngọc",
          "email": "ngoc@tuyenquang.example", "phone": "0912 000 111", "agency": MINH_XUAN,
          "roles": ["mot_cua"], "valid_from": "", "valid_until": ""}


def _actions(platform: Platform, username: str) -> list[str]:
    with platform.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "account", AuditEntry.object_id == username)
            .order_by(AuditEntry.id)))


def _mail_link(platform: Platform, email: str) -> str:
    with platform.uow() as uow:
        body = uow.session.scalars(select(Notification.body).where(
            Notification.recipient == email).order_by(Notification.id.desc())).first()
    found = re.search(r"https?://\S+(/dat-lai-mat-khau/\S+)", body or "")
    assert found, body
    return found.group(1)


def test_an_invited_officer_chooses_a_password_and_logs_in(
    client: FlaskClient, platform: Platform,
) -> None:
    other = client.application.test_client()
    login(client, "quantri")
    made = client.post("/quan-tri/tai-khoan", data=INVITE)
    assert made.status_code == 303, made.data.decode()[:2000]
    page = client.get("/quan-tri/tai-khoan/motcua2.minhxuan").data.decode()
    assert "Bộ phận Một cửa" in page and "Tạo tài khoản, gửi thư mời" in page
    link = _mail_link(platform, "ngoc@tuyenquang.example")
    form = other.get(link)
    assert form.status_code == 200
    chosen = other.post(link, data={"csrf_token": token(form.data),
                                    "new_password": "Mat-khau-Ngoc-2027", "confirm":
                                    "Mat-khau-Ngoc-2027"})
    assert chosen.status_code == 303
    assert other.post("/api/v1/session", json={"username": "motcua2.minhxuan",
                                                "password": "Mat-khau-Ngoc-2027"}).status_code == 201
    assert _actions(platform, "motcua2.minhxuan")[:1] == ["account.created"]


def test_wrong_fields_are_named_and_kept(client: FlaskClient, platform: Platform) -> None:
    login(client, "quantri")
    refused = client.post("/quan-tri/tai-khoan", data={**INVITE, "email": "sai",
                                                       "valid_from": "2027-02-01",
                                                       "valid_until": "2027-01-01"})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert "Cần thư điện tử đúng dạng" in html and 'value="Hà Thị Ngọc"' in html
    with platform.uow() as uow:
        assert uow.session.scalar(select(Account.id).where(
            Account.username == "motcua2.minhxuan")) is None


def test_grant_revoke_lock_emergency_reactivate_transfer_are_audited(
    client: FlaskClient, platform: Platform,
) -> None:
    login(client, "quantri")
    base = "/quan-tri/tai-khoan/chuyenvien.minhxuan"
    assert client.post(f"{base}/vai-tro", data={"agency": MINH_XUAN, "roles": ["lanh_dao"],
                                                "valid_from": "2026-12-01",
                                                "valid_until": "2026-12-31"}).status_code == 303
    page = client.get(base).data.decode()
    assert "chưa có hoặc đã hết hiệu lực" in page  # it begins on 1 December
    assert client.post(f"{base}/thu-hoi", data={"agency": MINH_XUAN,
                                                "role": "lanh_dao"}).status_code == 303
    assert client.post(f"{base}/lock", data={"reason": ""}).status_code == 422
    assert client.post(f"{base}/lock", data={"reason": "Nghỉ phép"}).status_code == 303
    assert client.post(f"{base}/lock", data={"reason": "Lần nữa"}).status_code == 409
    assert client.post(f"{base}/unlock").status_code == 303
    emergency = client.post(f"{base}/emergency", data={"reason": "Lộ mật khẩu"},
                            follow_redirects=True)
    assert "Đã khóa khẩn cấp" in emergency.data.decode()
    assert client.post(f"{base}/reactivate").status_code == 303
    moved = client.post(f"{base}/chuyen-cong-tac", data={
        "from_agency": MINH_XUAN, "to_agency": SO, "transfer_roles": ["chuyen_vien"],
        "successor": "hotich.minhxuan", "reason": "Quyết định điều động 7/QĐ"})
    assert moved.status_code == 303
    assert _actions(platform, "chuyenvien.minhxuan") == [
        "account.created",  # by the seed, through the same service
        "account.role_granted", "account.role_revoked", "account.locked", "account.unlock",
        "account.emergency_lock", "account.reactivated", "account.transferred"]


def test_a_delegated_administrator_is_refused_outside_its_subtree(client: FlaskClient) -> None:
    login(client, "quantri.soxaydung")
    listed = client.get("/quan-tri/tai-khoan").data.decode()
    assert "chuyenvien.soxaydung" in listed and "motcua.minhxuan" not in listed
    assert client.get("/quan-tri/tai-khoan/motcua.minhxuan").status_code == 403
    assert client.post("/quan-tri/tai-khoan/motcua.minhxuan/emergency",
                       data={"reason": "x"}).status_code == 403
    assert client.post("/quan-tri/tai-khoan", data=INVITE).status_code == 403
    assert client.post("/quan-tri/tai-khoan", data={
        **INVITE, "username": "chuyenvien2.soxaydung", "agency": SO,
        "roles": ["chuyen_vien"]}).status_code == 303
    for who in ("motcua.minhxuan", "congdan"):
        other = client.application.test_client()
        login(other, who)
        assert other.get("/quan-tri/tai-khoan").status_code == 403


def test_a_bulk_import_creates_all_or_nothing(client: FlaskClient, platform: Platform) -> None:
    login(client, "quantri")
    header = "Tên đăng nhập,Họ và tên,Thư điện tử,Mã cơ quan,Vai trò,Hiệu lực đến\n"
    wrong = (header + f"a.minhxuan,Nguyễn A,a@tuyenquang.example,{MINH_XUAN},\"mot_cua,chuyen_vien\",\n"
             f"b.minhxuan,Nguyễn B,b@tuyenquang.example,KHONG-CO,chuyen_vien,31/12/2027\n")
    refused = client.post("/quan-tri/tai-khoan/nhap", data={
        "file": (io.BytesIO(wrong.encode()), "tai-khoan.csv")})
    assert refused.status_code == 422 and "<td>3</td><td>Mã cơ quan</td>" in refused.data.decode()
    with platform.uow() as uow:
        assert uow.session.scalar(select(Account.id).where(
            Account.username == "a.minhxuan")) is None
    right = wrong.replace("KHONG-CO", MINH_XUAN)
    assert client.post("/quan-tri/tai-khoan/nhap", data={
        "file": (io.BytesIO(right.encode()), "tai-khoan.csv")}).status_code == 303
    exported = client.get("/quan-tri/tai-khoan/xuat.xlsx")
    rows = list(load_workbook(io.BytesIO(exported.data)).worksheets[0].iter_rows(values_only=True))
    assert ("b.minhxuan", "Chuyên viên", "31/12/2027") in {(r[0], r[5], r[7]) for r in rows}
    assert {r[5] for r in rows if r[0] == "a.minhxuan"} == {"Bộ phận Một cửa", "Chuyên viên"}


def test_a_stopped_account_offers_no_role_or_transfer_and_the_engine_refuses_them(
    client: FlaskClient, platform: Platform,
) -> None:
    login(client, "quantri")
    before = client.get("/quan-tri/tai-khoan/chuyenvien.minhxuan").data.decode()
    assert ">Giao vai trò</h2>" in before and ">Chuyển công tác</h2>" in before
    stopped = client.post("/quan-tri/tai-khoan/chuyenvien.minhxuan/deactivate",
                          data={"reason": "Nghỉ hưu theo Quyết định 40/QĐ-UBND"})
    assert stopped.status_code == 303
    page = client.get("/quan-tri/tai-khoan/chuyenvien.minhxuan").data.decode()
    assert "Ngừng hoạt động" in page and "Kích hoạt lại" in page
    assert ">Giao vai trò</h2>" not in page and ">Chuyển công tác</h2>" not in page
    assert "/vai-tro" not in page and "/chuyen-cong-tac" not in page
    assert "kích hoạt lại trước nếu cán bộ làm việc trở lại" in page
    granted = client.post("/quan-tri/tai-khoan/chuyenvien.minhxuan/vai-tro",
                          data={"agency": MINH_XUAN, "roles": ["mot_cua"], "valid_from": "",
                                "valid_until": ""})
    assert granted.status_code == 422
    assert "đã ngừng hoạt động: kích hoạt lại trước khi giao vai trò" in granted.data.decode()
    moved = client.post("/quan-tri/tai-khoan/chuyenvien.minhxuan/chuyen-cong-tac",
                        data={"from_agency": MINH_XUAN, "to_agency": SO, "transfer_roles": ["mot_cua"],
                              "successor": "lanhdao.minhxuan", "reason": "Điều động"})
    assert "kích hoạt lại trước khi chuyển công tác" in moved.data.decode()
    assert "account.role_granted" not in _actions(platform, "chuyenvien.minhxuan")
    assert "account.transferred" not in _actions(platform, "chuyenvien.minhxuan")


def test_a_seeded_accounts_history_says_no_invitation_went(client: FlaskClient) -> None:
    login(client, "quantri")
    seeded = client.get("/quan-tri/tai-khoan/lanhdao.minhxuan").data.decode()
    history = seeded.split('id="history"', 1)[1]
    assert "Tạo tài khoản với mật khẩu đặt sẵn (dữ liệu mẫu), không gửi thư mời" in history
    assert "gửi thư mời đặt mật khẩu đến" not in history
    assert client.post("/quan-tri/tai-khoan", data=INVITE).status_code == 303
    invited = client.get("/quan-tri/tai-khoan/motcua2.minhxuan").data.decode().split('id="history"', 1)[1]
    assert "Tạo tài khoản, gửi thư mời đặt mật khẩu đến ngoc@tuyenquang.example" in invited
