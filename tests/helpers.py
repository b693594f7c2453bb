"""Test data and small helpers shared by the suites."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, select

from engine.applicants import RESULT_PAPER, attach, record_cash_payment, request_payment
from engine.core.actors import SYSTEM, Actor
from engine.core.models import Dossier
from engine.dossiers import FeeNotCollected, tasks
from engine.dossiers.fees import unpaid_at_hand_over
from engine.dossiers.inbox import inbox as inbox_of
from engine.identity.accounts import authenticate
from engine.procedures import catalogue as procedures
from engine.procedures import versions
from engine.seed import AN_TUONG, DEMO_PASSWORD, MINH_XUAN
from engine.wiring import Platform

PERMIT = "1.009994"
EXTRACT = "2.000635"
APPLICANT_ID = "008090001234"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
__all__ = ["AN_TUONG", "EXTRACT", "MINH_XUAN", "PERMIT"]


def permit_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid application for a building permit."""
    data: dict[str, Any] = {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": APPLICANT_ID,
        "dien_thoai": "0912345678",
        "dia_chi_lien_he": "Tổ 5, phường Minh Xuân",
        "lo_dat": {"dia_chi": "Số 12 đường Bình Thuận", "so_thua": "215", "to_ban_do": "34",
                   "dien_tich": 120.5},
        "cong_trinh": {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "cap_cong_trinh": "III",
                       "dien_tich_xay_dung": 80, "so_tang": 3, "chieu_cao": 12.5},
        "don_vi_thiet_ke": [{"ten": "Công ty TNHH Thiết kế Sông Lô", "chung_chi": "TUQ-00123"}],
        "cam_ket": True,
    }
    data.update(overrides)
    return data


def login(client: FlaskClient, username: str) -> None:
    """Log a demo account in through the API (the cookie then authenticates the client)."""
    response = client.post("/api/v1/session", json={"username": username,
                                                    "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.json
    # Non-JSON calls of a browser session (claim, uploads) carry the CSRF token header.
    client.environ_base["HTTP_X_CSRF_TOKEN"] = response.json["csrf_token"]


def token(html: bytes) -> str:
    """The CSRF token of a page's form."""
    found = re.search(rb'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1).decode()


def page_login(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page, as a browser does."""
    csrf = token(client.get("/dang-nhap").data)
    response = client.post("/dang-nhap", data={"csrf_token": csrf, "username": username,
                                               "password": password})
    assert response.status_code == 303, response.data


def inbox(client: FlaskClient) -> list[dict[str, Any]]:
    """The logged-in officer's open tasks."""
    response = client.get("/api/v1/tasks")
    assert response.status_code == 200, response.json
    tasks: list[dict[str, Any]] = response.json["tasks"]
    return tasks


def task_for(client: FlaskClient, code: str) -> dict[str, Any]:
    """The one open task of dossier `code` in the logged-in officer's inbox."""
    mine = [t for t in inbox(client) if t["dossier"] == code]
    assert len(mine) == 1, f"expected one task for {code}, inbox has {mine}"
    return mine[0]


def complete(client: FlaskClient, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Complete the dossier's open task in the officer's inbox with `data`."""
    task = task_for(client, code)
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    if response.status_code == 409 and NOT_COLLECTED in response.json["error"]["message"]:
        pay_in_cash(client, code)  # a hand-over: the desk takes the fee first, as it must
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 200, response.json
    result: dict[str, Any] = response.json
    return result


# The engine's refusal to hand over a result whose fee is not collected.
NOT_COLLECTED = "chưa nộp phí, lệ phí"


def pay_in_cash(client: FlaskClient, code: str) -> None:
    """The desk (`client`) asks the dossier's fee and takes it in cash at once."""
    asked = client.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    paid = client.post(f"/api/v1/dossiers/{code}/cash-payment",
                       json={"amount": asked.json["amount"]})
    assert paid.status_code == 200, paid.json


def collect_fee(platform: Platform, actor: Actor, code: str) -> None:
    """The desk (`actor`) asks the dossier's fee and takes it in cash, through the engine
    (nothing when nothing is owed before the hand-over)."""
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        if dossier is None or not unpaid_at_hand_over(uow, dossier):
            return
    with platform.uow() as uow:
        asked = request_payment(uow, actor=actor, code=code)
    with platform.uow() as uow:
        record_cash_payment(uow, actor=actor, code=code, amount=asked["amount"])


def edit_text(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a text file (which must hold it) by `new`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def package_files(folder: Path, prefix: str = "") -> dict[str, bytes]:
    """Every file of a package folder, by relative path (optionally under a top folder)."""
    return {prefix + p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def zip_bytes(files: dict[str, bytes], symlink: str | None = None) -> bytes:
    """A .zip of `files`, plus a symbolic link entry named `symlink` (for hostile tests)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def paper_files(count: int = 3) -> dict[str, tuple[io.BytesIO, str]]:
    """A small PDF for each of the first `count` papers of a form (the permit's three
    required ones by default), as a browser posts them."""
    return {f"_file.{i}": (io.BytesIO(PDF + str(i).encode()), f"giay-{i}.pdf")
            for i in range(count)}


def attach_result_if_online(platform: Platform, actor: Actor, code: str,
                            data: dict[str, Any]) -> None:
    """Before a hand-over step that returns the result online (the packages' convention
    `hinh_thuc_tra: truc_tuyen`), attach a result file as the officer does: the engine
    refuses an electronic hand-over without one."""
    if data.get("hinh_thuc_tra") != "truc_tuyen":
        return
    with platform.uow() as uow:
        attach(uow, actor=actor, code=code, paper=RESULT_PAPER, filename="ket-qua.pdf",
               content=PDF)


def import_and_publish(platform: Platform, path: Path, agency_code: str = MINH_XUAN) -> dict[str, Any]:
    """Import a package folder as the system and publish the new version; its summary."""
    with platform.uow() as uow:
        report, version = procedures.import_package(uow, actor=SYSTEM, agency_code=agency_code,
                                                    path=path)
    assert version is not None, report.as_text()
    with platform.uow() as uow:
        versions.act(uow, actor=SYSTEM, agency_code=agency_code, code=version["code"],
                     number=version["number"], action="publish")
    return version


class Officers:
    """Demo officers working their inboxes through the engine services (no HTTP)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.cache: dict[str, Actor] = {}

    def actor(self, username: str) -> Actor:
        """The officer, logged in once."""
        if username not in self.cache:
            with self.platform.uow() as uow:
                self.cache[username] = authenticate(uow, username=username,
                                                     password=DEMO_PASSWORD)
        return self.cache[username]

    def inbox(self, username: str) -> list[dict[str, Any]]:
        """The officer's open tasks."""
        with self.platform.uow() as uow:
            return list(inbox_of(uow, actor=self.actor(username))["tasks"])

    def task(self, username: str, step: str) -> dict[str, Any]:
        """The officer's open task at `step`."""
        return next(t for t in self.inbox(username) if t["step"] == step)

    def complete(self, username: str, step: str, data: dict[str, Any]) -> None:
        """Complete the officer's open task at `step` with `data` (attaching the result's
        file first when the data hands the result back online, as the officer must)."""
        task = self.task(username, step)
        attach_result_if_online(self.platform, self.actor(username), task["dossier"], data)
        try:
            with self.platform.uow() as uow:
                tasks.complete_task(uow, actor=self.actor(username), task_id=task["id"],
                                    data=data)
        except FeeNotCollected:  # a hand-over: the desk takes the fee first, as it must
            collect_fee(self.platform, self.actor(username), task["dossier"])
            with self.platform.uow() as uow:
                tasks.complete_task(uow, actor=self.actor(username), task_id=task["id"],
                                    data=data)


@contextmanager
def counted_statements(platform: Platform) -> Iterator[list[str]]:
    """The SQL statements run while inside (SQLAlchemy's and the prepared ones alike: both
    reach the engine's `before_cursor_execute` listeners)."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(platform.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(platform.engine, "before_cursor_execute", count)
