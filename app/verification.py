"""Comparing safety numbers in person: `Services.verification`.

Two members read their safety number aloud or scan each other's QR code
(`coterie://verify#1.<key>.<key>`, both identity keys in a fixed order). Pasting what the
other side shows (the link from the QR, or the 60 digits) tells whether it matches. A match
marks that member verified on this device; the mark holds the safety number it was made
for, so it no longer counts once the member's identity key differs (a new key is a new
safety number). Nothing about verification is ever sent to anyone.
"""
from __future__ import annotations

import crypto
from app.access import Access
from app.runtime import Runtime
from app.views import ChangeEvent, ChangeKind

VERIFY_SCHEME = "coterie://verify#"
_MARK = "verified:"


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit() and c.isascii())


class VerificationService:
    """Check a pasted safety code against a member's; remember members verified."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def check(self, group: str, member: str, text: str) -> bool:
        """True when `text` (a coterie://verify link or the 60 digits) is this member's
        safety code with me; a match marks the member verified, a mismatch clears a mark."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        target = rt.resolve_member(gid, member)
        me = rt.me
        number = crypto.safety_number(me, target.ik)
        given = (text or "").strip()
        if given.lower().startswith(VERIFY_SCHEME):
            ok = given == crypto.safety_qr_payload(me, target.ik)
        else:
            ok = len(_digits(given)) == 60 and _digits(given) == _digits(number)
        key = _MARK + target.ik.hex()
        if ok:
            rt.store.settings.set(key, number)
        elif rt.store.settings.get(key):
            rt.store.settings.set(key, "")
        rt.hub.emit(ChangeEvent(ChangeKind.MEMBERS, gid.hex()))
        return ok


def is_verified(rt: Runtime, ik: bytes) -> bool:
    """The member with identity key `ik` was verified with the safety number they have now."""
    if ik == rt.me:
        return False
    mark = rt.store.settings.get(_MARK + ik.hex()) or ""
    return bool(mark) and mark == crypto.safety_number(rt.me, ik)
