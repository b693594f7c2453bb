"""Operations: health probes, Prometheus metrics, request ids and the access log line.

- `GET /healthz`: the process answers (no database, no broker): a supervisor restarts a
  node that stops answering it.
- `GET /readyz`: the database answers, its schema is at the newest migration and the
  broker accepts a connection; otherwise 503 with the reasons as JSON, so a load balancer
  stops sending traffic to a node that could only fail it.
- `GET /metrics`: Prometheus text format — request latency per route (the endpoint's name,
  never the raw path: a dossier code in a label would make a series per dossier) and the
  figures read from the database at scrape time (`engine.operations.snapshot`). Only for
  the bearer of `MOTCUA_METRICS_TOKEN` when one is configured, else only from loopback.

Behind nginx, `MOTCUA_PROXY_HOPS=1` takes the client's address and scheme from the proxy's
`X-Forwarded-For`/`-Proto` (werkzeug's ProxyFix): rate limits count each citizen, not the
proxy, and a request relayed from outside is never taken for loopback.

The probes answer before the session and CSRF hooks run: they carry no personal data, need
no login, and must not touch the session table (a bearer token on them is the metrics
token, not an API key). Every response carries `X-Request-Id` (the caller's, when it sent a
sane one, else a new one); log lines written during the request carry it, and the dossier
code when the route names one (`engine.operations.logs`, JSON with `MOTCUA_LOG_FORMAT=json`).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from kombu.connection import Connection
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.operations import bind, configure_logging, database_problems, snapshot, unbind
from webapp.context import bearer_token, platform

bp = Blueprint("ops", __name__)
log = logging.getLogger("motcua.http")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
DOSSIER_CODE = re.compile(r"[0-9A-Za-z.]{1,40}-\d{6}-\d{4,}")
BROKER_TIMEOUT = 2.0


def init_app(app: Flask) -> None:
    """Install the probes, the metrics and the request-id hooks (first, before the others)."""
    app.config.setdefault("LOG_FORMAT", os.environ.get("MOTCUA_LOG_FORMAT", "text"))
    app.config.setdefault("LOG_LEVEL", os.environ.get("MOTCUA_LOG_LEVEL", "INFO"))
    app.config.setdefault("METRICS_TOKEN", os.environ.get("MOTCUA_METRICS_TOKEN", ""))
    app.config.setdefault(
        "BROKER_URL",
        os.environ.get("MOTCUA_BROKER_URL") or f"sqla+sqlite:///{app.instance_path}/broker.sqlite",
    )
    app.config.setdefault("PROXY_HOPS", int(os.environ.get("MOTCUA_PROXY_HOPS", "0") or 0))
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    if app.config["PROXY_HOPS"] > 0:  # behind nginx: the client's address, not the proxy's
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    registry = CollectorRegistry()
    app.extensions["motcua_metrics"] = {
        "registry": registry,
        "latency": Histogram(
            "motcua_http_request_duration_seconds",
            "Time to answer a request, by route (endpoint) and method",
            ["endpoint", "method"],
            registry=registry,
        ),
        "responses": Counter(
            "motcua_http_responses",
            "Responses by route (endpoint) and status",
            ["endpoint", "status"],
            registry=registry,
        ),
    }
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_unbind)
    app.register_blueprint(bp)


def _begin() -> Response | None:
    """Start the clock, take or make the request id, bind the log context; answer a probe
    at once (before the session and CSRF hooks)."""
    g.started = time.perf_counter()
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    code = (request.view_args or {}).get("code")
    g.dossier_code = code if isinstance(code, str) and DOSSIER_CODE.fullmatch(code) else None
    g.log_tokens = bind(request_id=g.request_id, dossier=g.dossier_code)
    probe = _PROBE_VIEWS.get(request.endpoint or "")
    return current_app.make_response(probe()) if probe is not None else None


def _finish(response: Response) -> Response:
    """Echo the request id, observe the latency, write the access line."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-Id"] = request_id
    started = g.get("started")
    if started is None:
        return response
    elapsed = time.perf_counter() - started
    endpoint = request.endpoint or "unmatched"
    metrics = current_app.extensions["motcua_metrics"]
    metrics["latency"].labels(endpoint, request.method).observe(elapsed)
    metrics["responses"].labels(endpoint, str(response.status_code)).inc()
    log.info(
        "%s %s %s %.1f ms",
        request.method,
        request.path,
        response.status_code,
        elapsed * 1000,
        extra={
            "method": request.method,
            "path": request.path,
            "endpoint": endpoint,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 1),
        },
    )
    return response


def _unbind(_exc: BaseException | None) -> None:
    tokens = g.pop("log_tokens", None)
    if tokens:
        unbind(tokens)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is alive (nothing else is asked)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready to serve: the database, its migrations, the broker; 503 naming what is not."""
    built = platform()
    reasons = database_problems(built.engine, built.alembic_config())
    broker = _broker_problem(current_app.config["BROKER_URL"])
    if broker:
        reasons.append(broker)
    if reasons:
        return jsonify({"status": "unavailable", "reasons": reasons}), 503
    return jsonify({"status": "ready"}), 200


def _broker_problem(url: str) -> str | None:
    """Why the broker refuses a connection, else None."""
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT) as connection:  # type: ignore[no-untyped-call]
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT
            )
    except Exception as exc:  # kombu raises the transport's own errors
        return f"broker unreachable: {type(exc).__name__}"
    return None


@bp.get("/metrics")
def metrics() -> Response | tuple[Response, int]:
    """Prometheus exposition, for the token's bearer or (without a token) loopback."""
    token = current_app.config["METRICS_TOKEN"]
    given = bearer_token()
    if token:
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            return jsonify(
                {
                    "error": {
                        "code": "unauthorized",
                        "message": "Cần mã truy cập số liệu vận hành (MOTCUA_METRICS_TOKEN).",
                        "details": {},
                    }
                }
            ), 401
    elif not _loopback(request.remote_addr):
        return jsonify(
            {
                "error": {
                    "code": "forbidden",
                    "message": "Số liệu vận hành chỉ đọc được từ máy chủ này hoặc với mã truy "
                    "cập (MOTCUA_METRICS_TOKEN).",
                    "details": {},
                }
            }
        ), 403
    registry = _scrape_registry(current_app.extensions["motcua_metrics"]["registry"])
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


_PROBE_VIEWS: dict[str, Callable[[], Response | tuple[Response, int]]] = {
    "ops.healthz": healthz,
    "ops.readyz": readyz,
    "ops.metrics": metrics,
}


def _loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _scrape_registry(own: CollectorRegistry) -> CollectorRegistry:
    """This process's request metrics (or, under gunicorn with PROMETHEUS_MULTIPROC_DIR,
    every worker process's) and the database figures."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Merged(own))
    registry.register(DatabaseFigures())
    return registry


class _Merged:
    """Another registry's metrics, collected into the scrape registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()


class DatabaseFigures:
    """The engine's figures as gauges, computed from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        built = platform()
        up = GaugeMetricFamily("motcua_database_up", "1 when the figures below could be read")
        try:
            now = built.clock.now()
            figures = snapshot(built.engine, now)
        except Exception:  # the scrape still reports the request metrics and this 0
            logging.getLogger("motcua.metrics").exception("database figures unavailable")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        dossiers = GaugeMetricFamily("motcua_dossiers", "Dossiers by national status code", labels=["status"])
        for status, count in sorted(figures.dossiers_by_status.items()):
            dossiers.add_metric([str(status)], count)
        yield dossiers
        yield from _gauges(
            {
                "motcua_tasks_open": ("Open tasks", figures.tasks_open),
                "motcua_tasks_overdue": ("Open tasks past their due time", figures.tasks_overdue),
                "motcua_timers_pending": ("Timers waiting to fire", figures.timers_pending),
                "motcua_timers_due": ("Pending timers already due (not yet fired)", figures.timers_due),
                "motcua_timers_lateness_seconds": (
                    "How long the oldest due, unfired timer has waited",
                    figures.timers_lateness_seconds,
                ),
                "motcua_timers_failed": (
                    "Timers given up after their retries (failed firings)",
                    figures.timers_failed,
                ),
                "motcua_timers_failing": ("Pending timers whose last firing raised", figures.timers_failing),
                "motcua_outbox_backlog": ("Notifications not yet sent", figures.outbox_backlog),
                "motcua_outbox_oldest_seconds": (
                    "Age of the oldest unsent notification",
                    figures.outbox_oldest_seconds,
                ),
            }
        )


def _gauges(values: dict[str, tuple[str, Any]]) -> Iterator[Metric]:
    for name, (documentation, value) in values.items():
        gauge = GaugeMetricFamily(name, documentation)
        gauge.add_metric([], value)
        yield gauge
