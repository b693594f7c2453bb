"""A printable document page names the product's icon as every other page does (the
browser asked /favicon.ico for it, a 404 in the log and no icon on the tab)."""

from __future__ import annotations

import re

from flask import Flask

from tests.functional.test_dossier_lifecycle import submit_permit
from tests.helpers import complete, login


def test_a_printable_document_links_the_favicon(app: Flask) -> None:
    code = submit_permit(app.test_client())["code"]
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    html = desk.get(f"/api/v1/dossiers/{code}/documents/receipt?format=html").data.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert icons, "the document page names its icon"
    for icon in icons:
        served = desk.get(icon)
        served.close()
        assert served.status_code == 200, icon
