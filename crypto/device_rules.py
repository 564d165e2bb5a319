"""What a receiver does with the device payloads (kinds 48-50) over a GroupState.

Certificates and revocations change who may send in the group, so they are applied where
they stand in the relay's order, like control entries; a read position is opened only by
the member's own devices. docs/protocol.md §16.
"""
from __future__ import annotations

from typing import Any

from crypto.devices import (
    DeviceCertificate,
    DeviceRevoke,
    GroupHandoff,
    ReadSync,
    open_handoff,
    open_read_sync,
)
from crypto.errors import CryptoError, reason
from crypto.events import DeviceChanged, Member
from crypto.state import GroupState


def apply(state: GroupState, member: Member, sender_key: bytes,
          content: Any) -> tuple[str | None, DeviceChanged | None, Any]:
    """(refusal reason or None, the change to report, the content to deliver). `member` is
    the sender's member (already resolved from `sender_key`, a device or their IK)."""
    if isinstance(content, DeviceCertificate):
        cert = content.cert
        known = cert.device_pk in state.devices.records
        why = state.devices.accept(cert, member.ik, state.members, state.recipient_count())
        if why is not None or known:
            return why, None, content
        return None, DeviceChanged(cert.member_ik, cert.device_pk, False, member.ik), content
    if isinstance(content, DeviceRevoke):
        rec = state.devices.records.get(content.device_pk)
        was = (rec is not None and rec.revoked) or content.device_pk in state.devices.retired
        why = state.devices.revoke(content, member.ik, member.role, sender_key)
        if why is not None or was:
            return why, None, content
        return None, DeviceChanged(content.member_ik, content.device_pk, True, member.ik), content
    if isinstance(content, ReadSync):
        if member.ik != state.member_ik:
            return None, None, content       # another member's: not for us, nothing to show
        try:
            pos = open_read_sync(state.identity, state.group_id, sender_key, content)
        except CryptoError:
            return reason("a read position that does not open was ignored"), None, content
        return None, None, pos if pos is not None else content
    if isinstance(content, GroupHandoff):
        # only the member's first device hands groups over, only to the member's devices
        if member.ik != state.member_ik or sender_key != member.ik:
            return None, None, content
        try:
            handed = open_handoff(state.identity, state.group_id, sender_key, content)
        except CryptoError:
            return "a group handoff that does not open was ignored", None, content
        return None, None, handed if handed is not None else content
    return None, None, content
