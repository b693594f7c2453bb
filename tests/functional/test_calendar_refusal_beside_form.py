"""The calendar page as the province administrator met it on a phone: the form to declare a
day came after the fifteen fixed national holidays, and a refused day (a Wednesday declared
a make-up working day) was told only in the banner at the top, far from the form, nothing
marked; a missing reason was asked by the browser in its own language. Now the form comes
before the national table, and a refusal sits above it, linked to the field it concerns,
which is marked; the server asks for the reason in Vietnamese."""

from __future__ import annotations

from flask.testing import FlaskClient

from engine.seed import PROVINCE
from tests.helpers import login, token


def _post(client: FlaskClient, **fields: str) -> str:
    page = client.get("/quan-tri/lich").data
    return client.post("/quan-tri/lich", data={"csrf_token": token(page), "province": PROVINCE,
                                               **fields}).data.decode()


def test_a_refused_day_is_told_beside_the_form_which_comes_before_the_fixed_holidays(
    client: FlaskClient,
) -> None:
    login(client, "quantri")
    page = _post(client, day="02/12/2026", kind="working", reason="Quyết định 123/QĐ-UBND")
    summary = page.index('id="declare-error"')
    assert page.index('id="declare-h"') < summary < page.index('id="day"') < page.index('id="national"')
    assert "Ngày 02/12/2026 là Thứ Tư, vốn đã là ngày làm việc" in page[summary:page.index('id="day"')]
    assert 'href="#day"' in page[summary:]
    assert 'aria-invalid="true"' in page.split('id="day"', 1)[1].split(">", 1)[0]
    assert 'value="Quyết định 123/QĐ-UBND"' in page  # kept


def test_a_missing_reason_is_asked_in_vietnamese_at_the_reason(client: FlaskClient) -> None:
    login(client, "quantri")
    page = _post(client, day="02/12/2026", kind="off", reason="")
    form = page.split('id="declare-h"', 1)[1].split("</form>", 1)[0]
    assert "novalidate" in form and 'href="#reason"' in form
    assert 'aria-invalid="true"' in form.split('id="reason"', 1)[1].split(">", 1)[0]
    assert 'value="02/12/2026"' in form
