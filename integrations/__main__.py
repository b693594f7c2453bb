"""`python -m integrations COMMAND`: the connectors from the command line, on the database
of `MOTCUA_DATABASE_URL` with the connectors of `MOTCUA_CONNECTORS`.

- `check`: build every connector (exit 1 with every configuration problem named) and run
  each health check;
- `reconcile [YYYY-MM-DD]`: the day's reconciliation with the national portal (yesterday by
  default), one difference a line, exit 1 if any;
- `pull`: take the dossiers submitted on the portal.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta

from engine.core import VN_TZ
from engine.wiring import Platform
from integrations import ConfigError, DeliveryFailed, connectors_from, pull_submitted, reconcile


def main(argv: list[str]) -> int:
    """Run one command; the exit status."""
    command = argv[0] if argv else ""
    if command not in ("check", "reconcile", "pull"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        connectors = connectors_from(os.environ.get("MOTCUA_CONNECTORS"))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    if command == "check":
        report = connectors.health()
        for name, health in report.items():
            print(f"{name}: {'hoạt động' if health.ok else 'LỖI'} — {health.detail}")
        return 0 if all(h.ok for h in report.values()) else 1
    platform = Platform(os.environ.get("MOTCUA_DATABASE_URL") or "sqlite:///instance/motcua.db")
    try:
        if command == "pull":
            pulled = pull_submitted(platform.uow, connectors, platform.clock.now)
            print(f"nhận {len(pulled.taken)}, đã có {pulled.already}, từ chối {len(pulled.refused)}")
            for external, reason in pulled.refused:
                print(f"  {external}: {reason}")
            return 0
        yesterday = (platform.clock.now().astimezone(VN_TZ) - timedelta(days=1)).date()
        day = date.fromisoformat(argv[1]) if len(argv) > 1 else yesterday
        found = reconcile(platform.uow, connectors, day=day, now=platform.clock.now)
    except (DeliveryFailed, ValueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    finally:
        platform.dispose()
    for d in found:
        waiting = " (còn thông điệp chờ gửi)" if d.waiting else ""
        print(f"{d.code}\t{d.label}\thệ thống={d.ours or '—'}\tcổng={d.portal or '—'}{waiting}")
    print(f"{day.isoformat()}: {len(found)} khác biệt")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
