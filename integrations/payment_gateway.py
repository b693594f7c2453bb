"""An online payment gateway (cổng thanh toán: a bank's, VNPay-like, or the national
portal's payment platform). Connector name: ``payment``.

The protocol, all of it signed with HMAC-SHA256 under the merchant's shared secret:

1. **Redirect** — the payer's browser goes to ``pay_url`` with ``merchant``, ``reference``,
   ``amount`` (đồng), ``currency=VND``, ``description``, ``return_url``, ``expires`` and
   ``timestamp`` (Unix seconds) and ``signature`` = hex HMAC of the other parameters sorted
   by name and URL-encoded (``a=1&b=2``).
2. **Return** — the gateway sends the browser back to ``return_url`` with ``reference``,
   ``amount``, ``result`` (``success`` / ``failed`` / ``cancelled``), ``transaction``,
   ``timestamp`` and ``signature`` computed the same way. It is shown, never trusted to mark
   a payment paid.
3. **Callback (IPN)** — the gateway POSTs JSON ``{"reference", "amount", "transaction",
   "result", "paid_at"}`` to ``/api/v1/payments/callback`` with the headers of
   `integrations.signing` (``X-Motcua-Timestamp``, ``X-Motcua-Signature``): checked within
   5 minutes, a replay refused; the amount must be the one asked.
4. **Settlement** — ``GET settlement_url?date=YYYY-MM-DD`` (signed request, signed answer):
   CSV ``reference,transaction,amount,paid_at,status`` of the day's transactions, reconciled
   daily (`engine.applicants.reconcile_settlement`).

The null connector keeps the development gateway (`engine.applicants.NullPaymentGateway`:
a page of ours stands in for the bank).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from engine.applicants import CHECKOUT_MINUTES, SettlementRow, reconcile_settlement
from engine.core import VN_TZ, UnitOfWork
from integrations import signing
from integrations.calls import DeliveryFailed, call
from integrations.registry import ConnectorSpec, Field, Health

__all__ = ["SPEC", "Callback", "GatewayCheckout", "PaymentConnector", "Returned", "reconcile_day"]

RESULTS = ("success", "failed", "cancelled")

SYSTEM = "Cổng thanh toán"  # how failures name it («Cổng thanh toán trả lỗi 503 …»)


def query_signature(secret: str, params: Mapping[str, str]) -> str:
    """The hex HMAC-SHA256 of the parameters (except ``signature``), sorted and URL-encoded."""
    canonical = urlencode(sorted((k, str(v)) for k, v in params.items() if k != "signature"))
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Returned:
    """What the gateway's signed return says (for the payer's page only)."""

    reference: str
    result: str
    transaction: str


@dataclass(frozen=True)
class Callback:
    """A verified callback: what the gateway reports, and its signature (to refuse a replay)."""

    reference: str
    amount: int
    transaction: str
    result: str
    signature: str


@dataclass(frozen=True)
class GatewayCheckout:
    """The gateway as the engine's `PaymentGateway`: where the payer goes, signed."""

    name: str
    pay_url: str
    merchant: str
    secret: str
    return_to: str = ""  # the platform's return page (else the address the caller gives)

    def checkout_url(self, payment: Any, return_url: str, now: datetime | None = None) -> str:
        """The signed redirect for `payment` (an engine `Payment`)."""
        moment = now or datetime.now(VN_TZ)
        params = {
            "merchant": self.merchant,
            "reference": payment.reference,
            "amount": str(payment.amount),
            "currency": "VND",
            "description": payment.description[:255],
            "return_url": self.return_to or return_url,
            "timestamp": str(int(moment.timestamp())),
            "expires": str(int((moment + timedelta(minutes=CHECKOUT_MINUTES)).timestamp())),
        }
        params["signature"] = query_signature(self.secret, params)
        return f"{self.pay_url}?{urlencode(params)}"

    def verify(self, reference: str, signature: str) -> bool:
        """The development confirmation route is not this gateway's: never genuine."""
        return False


class PaymentConnector:
    """The ``payment`` connector: null (the development gateway) or a real one."""

    name = "payment"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.implementation = str(settings["implementation"])
        self.gateway_name = str(settings.get("gateway_name") or "cong-thanh-toan")[:30]
        self._secret = str(settings.get("secret") or "")
        self.settlement_url = str(settings.get("settlement_url") or "")
        self.timeout = float(settings.get("timeout") or 10)
        self.checkout = GatewayCheckout(
            self.gateway_name,
            str(settings.get("pay_url") or ""),
            str(settings.get("merchant") or ""),
            self._secret,
        )

    @property
    def enabled(self) -> bool:
        """Whether a real gateway is configured."""
        return self.implementation == "real"

    def verify_return(self, args: Mapping[str, str]) -> Returned:
        """The browser's return, if the gateway signed it (`SignatureError` otherwise)."""
        given = str(args.get("signature", ""))
        if not given or not hmac.compare_digest(query_signature(self._secret, args), given):
            raise signing.SignatureError("Kết quả thanh toán không có chữ ký hợp lệ của cổng thanh toán.")
        result = str(args.get("result", ""))
        return Returned(
            str(args.get("reference", ""))[:64],
            result if result in RESULTS else "failed",
            str(args.get("transaction", ""))[:100],
        )

    def verify_callback(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Callback:
        """A callback whose signature and time hold, read (`SignatureError`, `ValueError`)."""
        signature = signing.verify(self._secret, headers, body, now)
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ValueError("Nội dung báo thanh toán không phải JSON.") from exc
        if not isinstance(data, dict):
            raise ValueError("Nội dung báo thanh toán phải là một đối tượng JSON.")
        amount = data.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ValueError("Trường 'amount' phải là số nguyên dương (đồng).")
        result = str(data.get("result", ""))
        if result not in RESULTS:
            raise ValueError(f"Trường 'result' phải là một trong {', '.join(RESULTS)}.")
        return Callback(
            str(data.get("reference", ""))[:64],
            amount,
            str(data.get("transaction", ""))[:100],
            result,
            signature,
        )

    def settlement(self, day: date, now: datetime) -> list[SettlementRow]:
        """The gateway's settled transactions of `day` (its signed CSV; `DeliveryFailed`)."""
        _, headers, body = call(
            "GET",
            f"{self.settlement_url}?date={day.isoformat()}",
            secret=self._secret,
            now=now,
            timeout=self.timeout,
            system=SYSTEM,
        )
        try:
            signing.verify(self._secret, headers, body, now)
        except signing.SignatureError as exc:
            raise DeliveryFailed(f"bảng đối soát không có chữ ký hợp lệ: {exc}") from exc
        return parse_settlement(body.decode("utf-8-sig"))

    def health(self) -> Health:
        """A real gateway answers today's settlement request with a signed file."""
        if not self.enabled:
            return Health(True, "cổng thanh toán giả lập (null)")
        now = datetime.now(VN_TZ)
        try:
            rows = self.settlement(now.date(), now)
        except (DeliveryFailed, ValueError) as exc:
            return Health(False, str(exc)[:200])
        return Health(True, f"{self.gateway_name}: {len(rows)} giao dịch hôm nay")


def reconcile_day(
    new_uow: Callable[[], UnitOfWork], connector: PaymentConnector, *, day: date, now: datetime
) -> dict[str, Any]:
    """`day`'s settlement fetched from the gateway and reconciled (the daily job, the CLI);
    `DeliveryFailed` when the gateway cannot give it."""
    rows = connector.settlement(day, now)
    with new_uow() as uow:
        return reconcile_settlement(uow, gateway=connector.gateway_name, day=day, rows=rows)


def parse_settlement(text: str) -> list[SettlementRow]:
    """The settled rows of a settlement CSV (``status`` other than ``success`` left out);
    `ValueError` naming the line of a malformed one."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"reference", "transaction", "amount", "status"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"bảng đối soát thiếu cột {', '.join(sorted(missing))}")
    rows = []
    for line, row in enumerate(reader, start=2):
        if (row.get("status") or "").strip() != "success":
            continue
        try:
            amount = int(row["amount"])
            paid_at = datetime.fromisoformat(row["paid_at"]) if row.get("paid_at") else None
        except ValueError as exc:
            raise ValueError(f"bảng đối soát, dòng {line}: {exc}") from exc
        rows.append(SettlementRow(row["reference"].strip(), row["transaction"].strip(), amount, paid_at))
    return rows


SPEC = ConnectorSpec(
    name="payment",
    label="Cổng thanh toán trực tuyến",
    fields=(
        Field("pay_url", "url", required=True, help="Địa chỉ trang thanh toán của cổng"),
        Field("settlement_url", "url", required=True, help="Địa chỉ lấy bảng đối soát hằng ngày"),
        Field("merchant", "text", required=True, help="Mã đơn vị chấp nhận thanh toán"),
        Field("secret", "secret", required=True, help="Khóa bí mật dùng chung để ký"),
        Field("gateway_name", "text", default="cong-thanh-toan", help="Tên lưu cùng mỗi khoản"),
        Field("timeout", "number", default=10),
    ),
    null=PaymentConnector,
    real=PaymentConnector,
)
