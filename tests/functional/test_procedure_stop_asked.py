"""«Ngừng áp dụng» on a procedure's «Áp dụng cho cơ quan» page stopped it at that agency at one
click: a slip beside a commune's name and its citizens could no longer submit the procedure
there. Now the button asks first, on a page saying what stopping does; only the button there
stops it."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from engine.seed import PROVINCE_AGENCY
from tests.helpers import MINH_XUAN, PERMIT, login

APPLY = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/ap-dung"
TAN_PHONG = "000.00.45.H64"


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _offered_at_tan_phong(client: FlaskClient) -> bool:
    return f"agency={TAN_PHONG}" in client.get("/").data.decode()


def test_stopping_a_procedure_at_an_agency_is_asked_first(client: FlaskClient) -> None:
    login(client, "quantri")
    assert client.post("/quan-tri/co-quan", data={
        "code": TAN_PHONG, "name": "UBND xã Tân Phong", "kind": "commune", "parent": PROVINCE_AGENCY,
        "address": "", "phone": "", "email": "", "hotline": "", "province": ""}).status_code == 303
    assert client.post(APPLY, data={"co_quan": TAN_PHONG}).status_code == 302
    assert _offered_at_tan_phong(client)
    asked = client.post(APPLY, data={"ngung": TAN_PHONG})
    assert asked.status_code == 200
    text = _text(asked.data)
    assert "Ngừng áp dụng thủ tục tại UBND xã Tân Phong?" in text
    assert "Người dân không nộp được hồ sơ mới của thủ tục này tại UBND xã Tân Phong" in text
    assert _offered_at_tan_phong(client)  # asking stopped nothing
    done = client.post(APPLY, data={"ngung": TAN_PHONG, "xac_nhan": "1"})
    assert done.status_code == 302
    assert not _offered_at_tan_phong(client)
    assert client.post(APPLY, data={"ngung": TAN_PHONG}).status_code == 404  # no longer applied
