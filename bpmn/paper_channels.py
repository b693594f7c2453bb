"""Which submission channels a paper of procedure.json is asked for (`components[].channels`).

A paper without `channels` is asked for on every channel; one with `"channels": ["desk"]`
only when the applicant submits at the counter (say, the printed declaration an online
applicant has just filled in as the form). The names are the dossier's channels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The dossier's channels (engine.dossiers.submit.CHANNELS), as officers and citizens say them.
PAPER_CHANNELS = {"online": "nộp trực tuyến", "desk": "nộp trực tiếp", "post": "gửi qua bưu chính"}


def asked_on(component: Mapping[str, Any], channel: str) -> bool:
    """Whether the paper is asked for when the dossier comes in on `channel`."""
    channels = component.get("channels")
    return not isinstance(channels, list) or channel in channels


def channel_problems(components: Iterable[Any]) -> list[tuple[str, str]]:
    """Unknown channel names of each paper, as (dotted path, Vietnamese message)."""
    known = ", ".join(f"«{name}» ({words})" for name, words in PAPER_CHANNELS.items())
    found = []
    for index, component in enumerate(components):
        if not isinstance(component, dict) or not isinstance(component.get("channels"), list):
            continue
        for channel in component["channels"]:
            if channel not in PAPER_CHANNELS:
                found.append((f"components.{index}.channels", (
                    f"Giấy tờ «{component.get('name', '')}» ghi kênh nộp «{channel}» không có; "
                    f"chỉ dùng {known}.")))
    return found


def with_channel_note(component: Mapping[str, Any]) -> dict[str, Any]:
    """The paper with `channel_note`, what a procedure's page says of a paper asked for on
    some channels only («chỉ khi nộp trực tiếp»), or None when asked for on every one."""
    channels = component.get("channels")
    known = [c for c in PAPER_CHANNELS if isinstance(channels, list) and c in channels]
    note = ("chỉ khi " + " hoặc ".join(PAPER_CHANNELS[c] for c in known)
            if known and len(known) < len(PAPER_CHANNELS) else None)
    return {**component, "channel_note": note}
