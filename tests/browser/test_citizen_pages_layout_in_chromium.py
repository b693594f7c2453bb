"""Every citizen page of issue 17 in real Chromium, at a phone's width (390 px) and a
desktop's (1280 px): axe-core finds no WCAG 2.2 A/AA violation of any impact, and no page is
wider than the viewport. Officers' and administrators' pages share the stylesheet: they are
checked for width too. Screenshots go to the test's artefacts and to /tmp/shots17a."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, left_the_login_page, serving
from tests.functional.test_citizen_pages_v2 import citizen_history
from webapp.app import create_app

PASSWORD = "motcua-demo-2026"
WIDTHS = (390, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = Path(tempfile.gettempdir()) / "shots17a"  # for a person to look at


def _write_history(seeded_sqlite: Path, instance: Path) -> dict[str, str]:
    """Nguyễn Văn An's dossiers (paid, waiting for a supplement, fresh) and a draft, written
    into a copy of the seeded database in `instance`, which the server will run on."""
    instance.mkdir(parents=True)
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{instance / 'motcua.db'}",
            "SECRET_KEY": "kiem-thu",
            "INSTANCE_PATH": str(instance),
        }
    )
    platform = app.extensions["motcua"]
    codes = citizen_history(app, platform)
    platform.dispose()
    return codes


@pytest.fixture(scope="module")
def history_instance(
    seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], Path]:
    """One history and its instance for the module's tests that only look: they change
    nothing another test of the module sees (a refused registration, a tracking lookup,
    pages opened). The citizen's own pages have their own, below: opening the notices
    marks them read."""
    instance = tmp_path_factory.mktemp("citizen-pages") / "instance"
    return _write_history(seeded_sqlite, instance), instance


@pytest.fixture(scope="module")
def history(history_instance: tuple[dict[str, str], Path]) -> dict[str, str]:
    return history_instance[0]


@pytest.fixture(scope="module")
def server(history_instance: tuple[dict[str, str], Path]) -> Iterator[str]:
    with serving(history_instance[1]) as base:
        yield base


@pytest.fixture
def own_history(seeded_sqlite: Path, tmp_path: Path) -> dict[str, str]:
    return _write_history(seeded_sqlite, tmp_path / "instance")


@pytest.fixture
def own_server(own_history: dict[str, str], tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path / "instance") as base:
        yield base


def _context(browser: Any, width: int) -> Any:
    return browser.new_context(
        locale="vi-VN", bypass_csp=True, viewport={"width": width, "height": 844 if width < 600 else 900}
    )


def _login(page: Any, base: str, who: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(who)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)


def _axe(page: Any) -> list[dict[str, Any]]:
    """Every WCAG 2.2 A/AA violation axe-core finds on the page, whatever its impact."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def _overflow(page: Any) -> int:
    """How many pixels the document is wider than the viewport (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _check(page: Any, name: str, shots: Path, width: int, *, accessibility: bool = True) -> dict[str, Any]:
    """The page's problems (overflow, axe violations) and its screenshot."""
    page.wait_for_load_state("load")
    problems: dict[str, Any] = {}
    if (extra := _overflow(page)) > 0:
        problems["wider_than_viewport_by"] = extra
    if accessibility and (violations := _axe(page)):
        problems["axe"] = violations
    for folder in (shots, SHOTS):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    return problems


@pytest.fixture
def found(shots: Path) -> Iterator[dict[str, Any]]:
    problems: dict[str, Any] = {}
    yield problems
    (shots / "problems.json").write_text(json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_fit_and_pass_axe(
    browser: Any, server: str, history: dict[str, str], shots: Path, found: dict[str, Any], width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    for name, path in [
        ("catalogue", "/"),
        ("search", "/?q=giay+phep"),
        ("track", "/tra-cuu"),
        ("login", "/dang-nhap"),
        ("register", "/dang-ky"),
        ("forgot", "/quen-mat-khau"),
        ("disclosure", "/cong-khai"),
        ("feedback", "/phan-anh-kien-nghi"),
        ("not-found", "/khong-co-trang-nay"),
    ]:
        page.goto(f"{server}{path}")
        if problems := _check(page, name, shots, width):
            found[f"{path} @ {width}"] = problems
    # The catalogue's titles use the width they have (never one word per line).
    page.goto(f"{server}/")
    lines = page.locator("#procedures h2 a").evaluate_all(
        "links => links.map(a => a.getClientRects().length)"
    )
    assert lines and max(lines) <= (3 if width < 600 else 1), lines
    # Tracking: the form posts, the result is on the response, the ID number in no URL.
    page.goto(f"{server}/tra-cuu?ma={history['paid']}")
    page.get_by_label("Số định danh cá nhân của người nộp").fill("008090001234")
    with page.expect_response(lambda r: r.url.endswith("/tra-cuu")) as posted:
        page.get_by_role("button", name="Tra cứu").click()
    assert posted.value.request.method == "POST" and posted.value.status == 200
    assert "008090001234" not in page.url
    expect(page.locator("#track-status")).to_have_text("Đang xử lý", use_inner_text=True)
    page.wait_for_load_state("load")  # the whole result page, for its width and axe-core
    if problems := _check(page, "track-result", shots, width):
        found[f"tracking result @ {width}"] = problems
    # And a registration refused, with its error summary.
    page.goto(f"{server}/dang-ky")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#error-summary")).to_be_visible()
    page.wait_for_load_state("load")
    if problems := _check(page, "register-errors", shots, width):
        found[f"registration errors @ {width}"] = problems
    context.close()
    assert found == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_citizens_pages_fit_and_pass_axe(
    browser: Any, own_server: str, own_history: dict[str, str], shots: Path, found: dict[str, Any],
    width: int
) -> None:
    server, history = own_server, own_history
    context = _context(browser, width)
    page = context.new_page()
    _login(page, server, "congdan")
    for name, path in [
        ("my-area", "/ca-nhan"),
        ("dossier-paid", f"/ca-nhan/ho-so/{history['paid']}"),
        ("dossier-supplement", f"/ca-nhan/ho-so/{history['supplement']}"),
        ("dossier-done", f"/ca-nhan/ho-so/{history['done']}"),
        ("withdraw", f"/ca-nhan/ho-so/{history['fresh']}/rut"),
        ("receipt", f"/ho-so/{history['fresh']}/bien-nhan"),
        ("notices", "/ca-nhan/thong-bao"),
        ("account", "/tai-khoan"),
    ]:
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status == 200, path
        if problems := _check(page, name, shots, width):
            found[f"{path} @ {width}"] = problems
    # The due date is on screen at a phone's width: the table became cards.
    page.goto(f"{server}/ca-nhan")
    due = page.locator("#my-dossiers td[data-label='Hẹn trả kết quả']").first
    box = due.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()
    assert found == {}


def test_the_phone_menu_opens_without_script(browser: Any, server: str, shots: Path) -> None:
    context = browser.new_context(
        locale="vi-VN", java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"{server}/")
    assert not page.get_by_role("link", name="Tra cứu hồ sơ").is_visible()
    page.get_by_text("Danh mục").click()
    assert page.get_by_role("link", name="Tra cứu hồ sơ").is_visible()
    page.screenshot(path=str(shots / "menu-open-390.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "menu-open-390.png"))
    page.get_by_role("link", name="Tra cứu hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/tra-cuu$"))
    context.close()


@pytest.mark.parametrize(
    ("who", "paths"),
    [
        ("motcua.minhxuan", ["/can-bo", "/can-bo/ho-so", "/can-bo/tiep-nhan", "/can-bo/phan-anh"]),
        ("quantri", ["/quan-tri/thu-tuc", "/quan-tri/nhat-ky", "/quan-tri/bao-cao", "/quan-tri/lich"]),
    ],
    ids=["officer", "administrator"],
)
def test_officers_pages_still_fit_the_desktop(
    browser: Any, server: str, history: dict[str, str], shots: Path, who: str, paths: list[str]
) -> None:
    context = _context(browser, 1280)
    page = context.new_page()
    _login(page, server, who)
    wide = {}
    for path in paths:
        page.goto(f"{server}{path}")
        if problems := _check(page, f"{who}{path.replace('/', '-')}", shots, 1280, accessibility=False):
            wide[path] = problems
    if who == "motcua.minhxuan":  # a task page
        page.goto(f"{server}/can-bo")
        page.locator("a[href^='/can-bo/cong-viec/']").first.click()
        page.wait_for_url(re.compile(r"/can-bo/cong-viec/"))  # the task page, loaded whole
        if problems := _check(page, "officer-task", shots, 1280, accessibility=False):
            wide["task"] = problems
    context.close()
    assert wide == {}


def test_the_checks_see_a_violation_and_an_overflow(browser: Any, server: str) -> None:
    """The harness itself: a field without a label, a 10 px button and a 600 px wide box on
    a page are found (so empty results above mean the checks ran and found nothing)."""
    context = _context(browser, 390)
    page = context.new_page()
    page.goto(f"{server}/tra-cuu")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend',
          '<input id="x"><button style="width:10px;height:10px;padding:0;min-height:0"></button>'
          + '<div style="width:600px">rộng</div>');
    }""")
    assert _overflow(page) > 0
    assert {"label", "button-name"} <= {v["id"] for v in _axe(page)}
    context.close()


def test_the_keyboard_sees_where_it_is(browser: Any, server: str) -> None:
    """The first Tab shows the skip link; a focused link turns yellow with a dark edge."""
    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(f"{server}/tra-cuu")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] >= 24
    page.keyboard.press("Tab")  # the brand link
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert background == "rgb(255, 221, 0)"
    page.locator("#ma").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    context.close()
