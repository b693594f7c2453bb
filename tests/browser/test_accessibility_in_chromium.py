"""Every main page, for each kind of user, checked by axe-core (vendored, pinned) in
Chromium at a phone's and a desktop's width: no serious or critical violation (names,
labels, contrast, ARIA, landmarks). The pages as each user first meets them; the journeys'
own tests check the pages in between."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, signed_in_page

PUBLIC = ["/", "/thu-tuc/1.009994", "/dang-nhap", "/dang-ky", "/tra-cuu", "/cong-khai",
          "/phan-anh-kien-nghi", "/quen-mat-khau"]
CITIZEN = ["/ca-nhan", "/ca-nhan/thong-bao", "/thu-tuc/1.009994", "/tai-khoan"]
OFFICER = ["/can-bo", "/can-bo/tiep-nhan", "/can-bo/phan-anh", "/tai-khoan"]
ADMIN = ["/quan-tri/thu-tuc", "/quan-tri/nhat-ky"]


def _visit(browser: Any, base: str, who: str | None, paths: list[str], shots: Path
           ) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for width in (390, 1280):
        options = {"locale": "vi-VN", "bypass_csp": True, "viewport": {"width": width, "height": 900}}
        page = (signed_in_page(browser, base, who, **options) if who
                else browser.new_context(**options).new_page())
        context = page.context
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, (path, response)
            violations = axe_violations(page)
            if violations:
                found[f"{path} @ {width}"] = violations
        context.close()
    (shots / f"axe-{who or 'public'}.json").write_text(
        json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    return found


@pytest.mark.parametrize(("who", "paths"), [
    (None, PUBLIC), ("congdan", CITIZEN), ("motcua.minhxuan", OFFICER), ("quantri", ADMIN),
], ids=["public", "citizen", "officer", "administrator"])
def test_main_pages_have_no_serious_accessibility_violation(
    browser: Any, server: str, shots: Path, who: str | None, paths: list[str]
) -> None:
    assert _visit(browser, server, who, paths, shots) == {}


def test_the_check_finds_a_field_without_a_label(browser: Any, server: str) -> None:
    """The harness itself: a page given an unlabelled field and an image without text is
    reported (so an empty result above means axe ran and found nothing)."""
    context = browser.new_context(locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/dang-nhap")
    page.evaluate("""() => {
        const main = document.querySelector('main') || document.body;
        main.insertAdjacentHTML('beforeend', '<input type="text"><img src="/x.png">');
    }""")
    found = {v["id"] for v in axe_violations(page)}
    context.close()
    assert {"label", "image-alt"} <= found
