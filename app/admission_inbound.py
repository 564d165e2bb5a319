"""Join requests as an admin's client reads them (app/inbound.py): the moderation log's
bans and the group's rules are checked first (app/moderation_inbound.py,
app/reports_inbound.py); a single-use invite's joiner is admitted at once."""
from __future__ import annotations

import crypto
from app import moderation_inbound, notes, reports_inbound
from app.i18n import _
from app.inbound_work import GroupWork
from app.reasons import explain
from app.runtime import Runtime


def join_requested(rt: Runtime, gw: GroupWork, req: crypto.JoinRequest, now: int) -> bool:
    """Answer a join request as it arrives: refused when the joiner is banned or did not
    accept the group's rules; admitted at once by an admin's client for a single-use invite
    (True); otherwise left for an admin to decide (the requests list)."""
    if req.joiner_ik in moderation_inbound.state(rt, gw, gw.session.group_id).banned():
        gw.session.decline(req.request_id)
        gw.warnings.append(("other", _("A join request from a banned identity "
                                       "({fingerprint}) was refused.").format(
            fingerprint=req.fingerprint), None))
        return False
    if not reports_inbound.rules_accepted(rt.store, gw.session.group_id, req):
        gw.session.decline(req.request_id)
        gw.warnings.append(("other", _(
            "A join request from {fingerprint} was refused: it does not accept the group's "
            "rules (an invite made before the rules were set carries none; make a new "
            "one).").format(fingerprint=req.fingerprint), None))
        return False
    invite = next((i for i in gw.session.invites() if i.invite_id == req.invite_id), None)
    if invite is not None and invite.uses_total == 1 and gw.session.is_admin:
        before = notes.snapshot(gw.session)
        try:
            gw.outgoing += gw.session.admit(req.request_id, now, rt.rng)
        except crypto.CryptoError as exc:
            # Used up, expired or revoked: the joiner is refused; keep going.
            gw.warnings.append(("other", _("A join request was refused: {reason}.").format(
                reason=explain(exc)), None))
            return False
        gw.members_changed = gw.epoch_changed = True
        gw.added = gw.added or "me"
        note = notes.from_change(gw.session.group_id, before, gw.session,
                                 rt.me, now)
        if note is not None:
            gw.notes.append(note)
        return True
    gw.requests = True
    return False
