"""`motcua payments reconcile [DAY]`: the daily reconciliation of online payments against the
payment gateway's settlement file (run by the scheduler each morning for the day before)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta

import click

from engine.core import VN_TZ
from integrations import DeliveryFailed
from integrations.payment_gateway import reconcile_day


@click.group("payments")
def payments_group() -> None:
    """Online payments: the gateway's daily reconciliation."""


@payments_group.command("reconcile")
@click.argument("day", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def reconcile(day: str | None, as_json: bool) -> None:
    """Reconcile DAY (YYYY-MM-DD, default yesterday): exit 1 when anything differs."""
    from webapp.app import create_app
    from webapp.payments import payment_connector

    app = create_app()
    with app.app_context():
        connector = payment_connector()
    if not connector.enabled:
        click.echo("Chưa kết nối cổng thanh toán trực tuyến (kết nối 'payment'): không có gì để đối soát.")
        return
    platform = app.extensions["motcua"]
    now = platform.clock.now()
    try:
        wanted = date.fromisoformat(day) if day else now.astimezone(VN_TZ).date() - timedelta(days=1)
    except ValueError:
        click.echo(f"Ngày «{day}» không đúng dạng YYYY-MM-DD.", err=True)
        sys.exit(2)
    try:
        report = reconcile_day(platform.uow, connector, day=wanted, now=now)
    except (DeliveryFailed, ValueError) as exc:
        click.echo(f"Không lấy được bảng đối soát ngày {wanted:%d/%m/%Y}: {exc}", err=True)
        sys.exit(1)
    finally:
        platform.dispose()  # no pooled connection left for the garbage collector
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=_plain))
    else:
        click.echo(
            f"Đối soát ngày {wanted:%d/%m/%Y} ({connector.gateway_name}): {report['settled']} giao "
            f"dịch, {report['matched']} khớp, {len(report['recovered'])} ghi nhận bổ sung, "
            f"{len(report['differences'])} chênh lệch, {len(report['refunds'])} cần hoàn trả cho "
            "người nộp."
        )
        for item in report["recovered"] + report["refunds"] + report["differences"]:
            click.echo(f"  {item['reference']} {item['transaction'] or ''}: {item['problem']}")
    sys.exit(1 if report["differences"] else 0)


def _plain(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
