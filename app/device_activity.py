"""When each of this member's devices was last seen sending (for the device list)."""
from __future__ import annotations

import json

from app.store import Store

LAST_SETTING = "device.last_active"  # JSON {device key hex: unix time (signed by the sender)}
LINKED_SETTING = "device.linked"     # "1" once this first device linked another one


def has_other_devices(store: Store) -> bool:
    """Whether this member may have another device (read positions are then shared); cheap,
    so reading a channel loads no session code when there is none."""
    return bool(store.settings.get(LINKED_SETTING) or store.settings.get("device.member"))


def last_active(store: Store) -> dict[str, int]:
    try:
        raw = json.loads(store.settings.get(LAST_SETTING) or "{}")
        return {str(k): int(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    except (ValueError, TypeError):
        return {}


def note_active(store: Store, seen: dict[bytes, int]) -> None:
    """Inside the caller's transaction: keep the latest time per device key."""
    known = last_active(store)
    for key, at in seen.items():
        k = key.hex()
        if at > known.get(k, 0):
            known[k] = at
    store.settings.set(LAST_SETTING, json.dumps(known, sort_keys=True))
