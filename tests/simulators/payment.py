"""A local payment gateway speaking the protocol of `integrations.payment_gateway`: a signed
checkout page, the signed return to the payer's browser, the signed server-to-server
callback (IPN) to the platform, and the signed daily settlement CSV.

Started on loopback by the tests (`PaymentGatewaySimulator(callback_url=…).start()`). On
demand it loses its callback (`lose_callbacks`), reports another amount (`amount_delta`),
and it keeps every transaction it settled (`settled`) and every callback answer
(`callback_answers`).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, redirect, request
from werkzeug.serving import make_server

from engine.core import VN_TZ
from integrations import signing
from integrations.payment_gateway import query_signature

MERCHANT = "UBND-TINH-TN"
SECRET = "bi-mat-cong-thanh-toan-2026"


@dataclass
class PaymentGatewaySimulator:
    """The gateway, its merchant's secret and the platform's callback address."""

    callback_url: str = ""
    lose_callbacks: bool = False
    amount_delta: int = 0
    settled: list[dict[str, Any]] = field(default_factory=list)
    callback_answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    url: str = ""
    now: Callable[[], datetime] = lambda: datetime.now(UTC)  # the tests hand in their clock

    def __post_init__(self) -> None:
        self._server: Any = None
        self.app = self._make_app()

    def start(self) -> PaymentGatewaySimulator:
        """Serve on a free loopback port in a thread."""
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def settings(self, **extra: Any) -> dict[str, Any]:
        """The ``payment`` connector's configuration for this gateway."""
        return {
            "implementation": "real",
            "pay_url": f"{self.url}/pay",
            "settlement_url": f"{self.url}/settlement",
            "merchant": MERCHANT,
            "secret": SECRET,
            "gateway_name": "cong-gia-lap",
            **extra,
        }

    def callback(
        self,
        payload: dict[str, Any],
        *,
        secret: str = SECRET,
        at: datetime | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """POST a callback to the platform; its status, JSON answer and the headers sent."""
        body = json.dumps(payload).encode()
        sent = headers or signing.sign(secret, body, at or self.now())
        call = urllib.request.Request(  # noqa: S310 - loopback, http
            self.callback_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", **sent},
        )
        try:
            with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - loopback
                status, text = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read()
        result = (status, json.loads(text or b"{}"))
        self.callback_answers.append(result)
        return result[0], result[1], sent

    def _make_app(self) -> Flask:
        app = Flask("payment-gateway-simulator")

        @app.get("/pay")
        def pay_page() -> str:
            args = request.args.to_dict()
            if (
                args.get("merchant") != MERCHANT
                or args.get("signature") != query_signature(SECRET, args)
                or int(args.get("expires", "0")) < time.time()
            ):
                abort(400)
            hidden = "".join(
                f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in args.items()
            )
            return (
                '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thanh toán'
                f"</title></head><body><main><h1>Thanh toán {escape(args['amount'])} đồng</h1>"
                f'<p>{escape(args.get("description", ""))}</p><form method="post">{hidden}'
                '<button name="decision" value="pay">Thanh toán</button>'
                '<button name="decision" value="cancel">Hủy</button></form></main></body></html>'
            )

        @app.post("/pay")
        def pay() -> Response:
            form = request.form.to_dict()
            decision = form.pop("decision", "cancel")
            if form.get("signature") != query_signature(SECRET, form):
                abort(400)
            transaction = f"GD{secrets.token_hex(5).upper()}"
            amount = int(form["amount"])
            result = "success" if decision == "pay" else "cancelled"
            if result == "success":
                self.settled.append(
                    {
                        "reference": form["reference"],
                        "transaction": transaction,
                        "amount": amount,
                        "paid_at": self.now().isoformat(),
                    }
                )
                if not self.lose_callbacks:
                    self.callback(
                        {
                            "reference": form["reference"],
                            "amount": amount + self.amount_delta,
                            "transaction": transaction,
                            "result": "success",
                            "paid_at": self.now().isoformat(),
                        }
                    )
            back = {
                "reference": form["reference"],
                "amount": str(amount),
                "result": result,
                "transaction": transaction,
                "timestamp": str(int(self.now().timestamp())),
            }
            back["signature"] = query_signature(SECRET, back)
            return redirect(f"{form['return_url']}?{urlencode(back)}")

        @app.get("/settlement")
        def settlement() -> Response:
            try:
                signing.verify(SECRET, dict(request.headers), b"", self.now())
            except signing.SignatureError:
                abort(403)
            lines = ["reference,transaction,amount,paid_at,status"]
            day = request.args.get("date", "")
            lines += [
                f"{t['reference']},{t['transaction']},{t['amount']},{t['paid_at']},success"
                for t in self.settled
                if datetime.fromisoformat(t["paid_at"]).astimezone(VN_TZ).date().isoformat() == day
            ]
            body = ("\n".join(lines) + "\n").encode()
            return Response(body, mimetype="text/csv", headers=signing.sign(SECRET, body, self.now()))

        return app
