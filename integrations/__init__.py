"""Connectors to outside systems (issue 19): the registry, signed calls, the outbox's
delivery, the national portal. An entry-point-level package: it imports the engine's faces,
and the engine never imports it (the engine writes outbox rows; the worker hands them to the
connectors built here from configuration).
"""

from __future__ import annotations

from integrations.calls import STATUS_WORDS, DeliveryFailed
from integrations.catalog import SPECS, registry
from integrations.outbound import deliver, sender
from integrations.portal_sync import Difference, Pulled, pull_submitted, reconcile
from integrations.registry import (
    ConfigError,
    Connector,
    Connectors,
    ConnectorSpec,
    Field,
    Health,
    Registry,
    read_config,
)
from integrations.signing import SignatureError, sign, verify

__all__ = [
    "SPECS",
    "STATUS_WORDS",
    "ConfigError",
    "Connector",
    "ConnectorSpec",
    "Connectors",
    "DeliveryFailed",
    "Difference",
    "Field",
    "Health",
    "Pulled",
    "Registry",
    "SignatureError",
    "deliver",
    "pull_submitted",
    "read_config",
    "reconcile",
    "registry",
    "sender",
    "sign",
    "verify",
]


def connectors_from(value: str | None) -> Connectors:
    """Every connector built and checked from `MOTCUA_CONNECTORS` (`ConfigError` if wrong)."""
    return registry().build(read_config(value))
