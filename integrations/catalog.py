"""Every kind of connector the platform ships: add a new connector's `SPEC` here."""

from __future__ import annotations

from integrations import esign, payment_gateway, portal, post, sms_http, vneid
from integrations.registry import ConnectorSpec, Registry

SPECS: tuple[ConnectorSpec, ...] = (
    portal.SPEC, esign.SPEC, vneid.SPEC, payment_gateway.SPEC, sms_http.SPEC, post.SPEC,
)


def registry() -> Registry:
    """A registry holding every shipped connector."""
    found = Registry()
    for spec in SPECS:
        found.register(spec)
    return found
