"""Property-based fuzzing of the HTTP API from its own OpenAPI document (schemathesis):
every documented operation gets generated requests — valid and invalid bodies, odd path
and query values — as an anonymous caller, an officer and an administrator. The property:
the server never answers 5xx. Bounded: MOTCUA_FUZZ_EXAMPLES examples per operation and
caller (default 15; about a minute in all).

One database serves a whole operation's examples (state piles up as it would in
production); every operation starts from a fresh copy of the seeded database.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from engine.core.clock import FixedClock
from engine.wiring import Platform
from tests.helpers import login

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "15"))


@pytest.fixture
def fuzz_app(seeded_sqlite: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Flask]:
    from webapp import create_app

    shutil.copy(seeded_sqlite, tmp_path / "fuzz.db")
    platform = Platform(f"sqlite:///{tmp_path / 'fuzz.db'}", clock=clock)
    yield create_app({"TESTING": True, "PLATFORM": platform, "SECRET_KEY": "fuzz",
                      "DATABASE_URL": platform.database_url, "TRACK_PER_MINUTE": 10_000})
    platform.dispose()


schema = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "webapp" / "openapi.json")


def _headers(app: Flask, username: str) -> dict[str, str]:
    """Cookie and CSRF headers of a logged-in caller (logged in once per operation: after
    an example that logs out, the operation's later examples run anonymous)."""
    client = app.test_client()
    login(client, username)
    cookie = client.get_cookie("session")
    assert cookie is not None
    return {"Cookie": f"session={cookie.value}",
            "X-CSRF-Token": client.environ_base["HTTP_X_CSRF_TOKEN"]}


@pytest.fixture
def officer(fuzz_app: Flask) -> dict[str, str]:
    return _headers(fuzz_app, "motcua.minhxuan")


@pytest.fixture
def administrator(fuzz_app: Flask) -> dict[str, str]:
    return _headers(fuzz_app, "quantri")


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_no_anonymous_request_makes_the_server_fail(case: schemathesis.Case, fuzz_app: Flask) -> None:
    case.call_and_validate(app=fuzz_app, checks=[not_a_server_error])


@schema.parametrize()
@FUZZ
def test_no_officer_request_makes_the_server_fail(
    case: schemathesis.Case, fuzz_app: Flask, officer: dict[str, str]
) -> None:
    case.call_and_validate(app=fuzz_app, headers=officer, checks=[not_a_server_error])


@schema.parametrize()
@FUZZ
def test_no_administrator_request_makes_the_server_fail(
    case: schemathesis.Case, fuzz_app: Flask, administrator: dict[str, str]
) -> None:
    case.call_and_validate(app=fuzz_app, headers=administrator, checks=[not_a_server_error])
