"""The HTTP load bench's integrity check at small scale: `motcua serve --production` on
PostgreSQL, a few citizens submitting and officers claiming and completing over real HTTP;
nothing answered 5xx, nothing acknowledged is missing from the database, nothing is stored
or completed twice. Figures (latency, throughput) belong to `python -m bench http`."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.http_load import Cast, Load, check, database, drive, server
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.postgres


def test_a_small_load_loses_and_doubles_nothing(postgres_admin: sa.Engine, tmp_path: Path) -> None:
    # Bounded by work, not by the clock: past its 3 s the load goes on until 8 steps were
    # completed, however slow the machine (capped at 90 s).
    load = Load(seconds=3, clients=5, relogin_every=2, min_steps=8, max_seconds=90)
    cast = Cast.of(load.clients)
    log = tmp_path / "server.log"
    with database(PG_ADMIN_URL, cast) as url:
        with server(url, workers=2, log=log) as (host, port):
            record, _ = drive(host, port, cast, load)
        integrity = check(url, record)
        errors = {status: n for status, n in record.statuses.items() if status >= 500 or status == 0}
        assert errors == {}, log.read_text()[-3000:]
        assert len(record.submitted) >= 1 and len(record.completed) >= 8
        assert record.timings["login"] and record.timings["inbox"]
        assert (integrity.lost, integrity.doubled) == (0, 0)
        assert integrity.stored >= len(record.submitted)
        assert integrity.steps >= len(record.completed)

        # The check is not vacuous: an acknowledged submission or step the database does
        # not hold counts as lost.
        record.submitted["congdan.bench0#never"] = "000.00.12.H64-000000-0000"
        record.completed.append((10**9, "motcua.bench0"))
        assert check(url, record).lost == 2
