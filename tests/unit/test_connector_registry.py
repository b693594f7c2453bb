"""The connector registry's configuration is checked at start-up with every problem named,
and signed calls are refused when forged, stale or tampered with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from integrations import ConfigError, SignatureError, read_config, registry, sign, verify
from integrations.portal import HttpPortal, NullPortal

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
SECRET = "0123456789abcdef-shared"


def test_an_unconfigured_connector_runs_its_null_implementation() -> None:
    portal = registry().build({}).get("portal")
    assert isinstance(portal, NullPortal) and portal.health().ok


def test_a_province_may_have_its_own_connector() -> None:
    built = registry().build({"provinces": {"Tuyên Quang": {"portal": {
        "implementation": "real", "url": "https://dvc.example.vn/api/", "secret": SECRET}}}})
    own = built.get("portal", "Tuyên Quang")
    assert isinstance(own, HttpPortal) and own.url == "https://dvc.example.vn/api"
    assert isinstance(built.get("portal", "Đồng Tháp"), NullPortal)  # the platform's


def test_every_configuration_problem_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        registry().build({"portal": {"implementation": "real", "url": "ftp://x", "timeout": "10",
                                     "colour": "red"},
                          "fax": {}, "provinces": {"Tuyên Quang": {"portal": {"implementation": "maybe"}}}})
    problems = caught.value.problems
    assert any("fax: không có kết nối tên này" in p for p in problems)
    assert any("portal.colour" in p for p in problems)
    assert any("portal.url phải là địa chỉ http://" in p for p in problems)
    assert any("portal.timeout phải có kiểu number" in p for p in problems)
    assert any("portal.secret là bắt buộc" in p for p in problems)
    assert any("provinces.Tuyên Quang.portal.implementation" in p for p in problems)
    assert str(caught.value).startswith("Cấu hình kết nối không hợp lệ")


def test_a_short_secret_and_bad_json_are_refused() -> None:
    with pytest.raises(ConfigError, match="ít nhất 16"):
        registry().build({"portal": {"implementation": "real", "url": "https://x", "secret": "short"}})
    with pytest.raises(ConfigError, match="không phải JSON"):
        read_config("{portal")
    assert read_config("") == {}


def test_a_signed_call_is_checked_for_its_secret_time_and_body() -> None:
    body = b'{"amount": 50000}'
    headers = sign(SECRET, body, NOW)
    assert verify(SECRET, headers, body, NOW + timedelta(seconds=30))
    with pytest.raises(SignatureError, match="không đúng"):
        verify(SECRET, headers, b'{"amount": 1}', NOW)  # tampered body
    with pytest.raises(SignatureError, match="không đúng"):
        verify("another-secret-0123456789", headers, body, NOW)  # forged
    with pytest.raises(SignatureError, match="quá hạn"):
        verify(SECRET, headers, body, NOW + timedelta(minutes=6))  # replayed later
    with pytest.raises(SignatureError, match="Thiếu chữ ký"):
        verify(SECRET, {}, body, NOW)
