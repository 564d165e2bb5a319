"""Per-group profiles and badges between three real profiles through a real relay: avatars
set and seen by the others, granted titles, automatic badges computed identically on every
client, and the attacks (a profile update signed by another member, a badge from a
non-admin, a hostile avatar) refused by every client."""
from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

import crypto
from app import avatar_check as avatars
from app.api import Services
from app.errors import InvalidInput, NotAllowed
from app.sending import seal_and_store
from tests.app.test_channels import _as_admin_locally, _club, _sync, _warnings
from tests.e2e.harness import RelayProcess, scan_for

pytestmark = pytest.mark.timeout(180)


def picture(path: Path, size: tuple[int, int] = (900, 600), fmt: str = "PNG",
            colour: tuple[int, int, int] = (200, 80, 40)) -> Path:
    im = Image.new("RGBA" if fmt == "PNG" else "RGB", size, colour)
    im.save(path, fmt)
    return path


def _cards(svc: Services, gid: str) -> dict[str, tuple]:
    return {v.member_name: (v.name, v.pronouns, v.bio, v.timezone, v.avatar,
                            tuple((b.title, b.kind) for b in v.badges))
            for v in svc.member_profiles.directory(gid)}


def test_profiles_with_avatars_and_badges_reach_every_member_alike(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    (ana, ben, cy), gid = _club(make_profile, relay)
    ana.member_profiles.update(gid, name="Ana L.", pronouns="she/her",
                               bio="Runs the club.\nLikes Le Guin.", timezone="Europe/Berlin",
                               avatar=picture(tmp_path / "ana.png"))
    ben.member_profiles.update(gid, pronouns="he/him", bio="Quietly reading",
                               avatar=picture(tmp_path / "ben.jpg", (4000, 3000), "JPEG"))
    cy.member_profiles.update(gid, name="Cyrus", timezone="America/New_York")
    # Ana welcomes Cy, Ben reacts a lot to Ana, Ana grants a title
    cy.posts.post(gid, "hi all")
    _sync([ana, ben, cy])
    welcome = ana.posts.post(gid, "Welcome, Cy!").id
    _sync([ana, ben, cy])
    for emoji in ("👍", "❤️", "🎉"):
        ben.posts.react(gid, welcome, emoji)
    cy.posts.react(gid, welcome, "👍")
    ana.member_profiles.grant_badge(gid, "Ben", "Mentor")
    ana.member_profiles.grant_badge(gid, "Cy", "Host of the month")
    _sync([ana, ben, cy])
    ana.member_profiles.revoke_badge(gid, "Cy", "Host of the month")
    _sync([ana, ben, cy])

    seen = [_cards(svc, gid) for svc in (ana, ben, cy)]
    assert seen[0] == seen[1] == seen[2]
    cards = seen[0]
    name, pronouns, bio, tz, avatar, badges = cards["Ana"]
    assert (name, pronouns, bio, tz) == ("Ana L.", "she/her", "Runs the club.\nLikes Le Guin.",
                                         "Europe/Berlin")
    assert avatar is not None and avatars.jpeg_size(avatar) == (128, 128)
    assert ("Founding member", "auto") in badges and ("Most helpful", "auto") in badges
    assert ("First to welcome 1 newcomer", "auto") in badges
    ben_card = cards["Ben"]
    assert ben_card[0] == "Ben" and ben_card[4] is not None
    assert len(ben_card[4]) <= crypto.profiles.MAX_AVATAR_BYTES
    assert ("Mentor", "granted") in ben_card[5]
    assert cards["Cy"][0] == "Cyrus" and cards["Cy"][4] is None
    assert not any(t == "Host of the month" for t, _k in cards["Cy"][5])
    # the card on Ben's machine: local time in Ana's zone, who granted, search
    card = ben.member_profiles.show(gid, "Ana")
    assert card.local_time and card.utc_offset in ("+01:00", "+02:00")
    assert not card.is_me and card.safety_number
    assert ben.member_profiles.show(gid, "Cy").joined_at is not None  # Ben saw Cy's add
    mentor = next(b for b in ben.member_profiles.show(gid, "Ben").badges if b.title == "Mentor")
    assert mentor.granted_by == "Ana"
    assert [v.member_name for v in cy.member_profiles.directory(gid, "mentor")] == ["Ben"]
    assert [v.member_name for v in cy.member_profiles.directory(gid, "le guin")] == ["Ana"]
    # keeping fields: a second update changes only what it names
    ana.member_profiles.update(gid, pronouns="she/they")
    _sync([ana, ben, cy])
    again = cy.member_profiles.show(gid, "Ana")
    assert (again.pronouns, again.bio, again.avatar) == ("she/they", "Runs the club.\nLikes Le Guin.",
                                                          avatar)
    # top contributors, computed here from what this client holds
    top = ben.member_profiles.top_contributors(gid)
    assert top[0].name == "Ana L." and top[0].reactions == 4

    # the conversation shows the name chosen for this group, in earlier posts too
    for svc in (ana, ben):
        hi = next(p for p in svc.posts.latest(gid).posts if p.text == "hi all")
        assert hi.sender_name == "Cyrus"
    # a chosen name that looks like another member's carries the fingerprint tag, on both
    ben.member_profiles.update(gid, name="Аna")          # Cyrillic А
    _sync([ana, ben, cy])
    senders = {p.text: p.sender_name for p in cy.posts.latest(gid).posts if p.kind == "post"}
    tag = crypto.fingerprint(ben._access.runtime().identity.ik).replace(" ", "")[:4]
    assert senders["Welcome, Cy!"].startswith("Ana L. (")   # her list name is "Ana"
    assert cy.member_profiles.show(gid, "Ben").name == f"Аna ({tag})"
    ben.member_profiles.update(gid, name="")               # back to the member-list name
    _sync([ana, ben, cy])
    assert cy.member_profiles.show(gid, "Ben").name == "Ben"

    # a member who joins later cannot read what was sent before; everyone sends their
    # profile again (and the admitting admin the titles) when someone joins
    dee = make_profile("Dee")
    link = ana.invites.create(gid).link
    ana.sync_once()
    dee.invites.join(link)
    dee.sync_once()
    assert ana.sync_once().admitted == 1
    assert dee.sync_once().joined == (gid,)
    _sync([ana, ben, cy, dee])
    late = _cards(dee, gid)
    assert late["Ana"][:5] == (name, "she/they", bio, tz, avatar)
    assert late["Ben"][4] == ben_card[4] and ("Mentor", "granted") in late["Ben"][5]
    assert late["Cy"][0] == "Cyrus"

    # the relay learns nothing: no bio, pronoun, title or avatar bytes in its files
    found = scan_for([relay.data_dir, relay.log_path], {
        "bio": b"Runs the club", "pronouns": b"she/they", "title": b"Mentor",
        "revoked title": b"Host of the month", "profile name": b"Cyrus",
        "time zone": b"Europe/Berlin", "avatar": avatar[-64:]})
    assert found == []


def test_a_profile_update_signed_by_another_member_and_a_members_badge_are_refused(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    (ana, ben, cy), gid = _club(make_profile, relay)
    ana.member_profiles.update(gid, name="Ana", bio="the real one")
    _sync([ana, ben, cy])
    ana_ik = ana._access.runtime().identity.ik
    ben_ik = ben._access.runtime().identity.ik
    # an honest client refuses both before sending
    with pytest.raises(NotAllowed, match="badges"):
        ben.member_profiles.grant_badge(gid, "Ben", "Admin")
    # ATTACK: Ben's modified client sends a profile naming Ana, and a badge as an "admin"
    rt = ben._access.runtime()
    session = _as_admin_locally(ben, gid)
    import crypto.send as send_mod
    real = send_mod.refusal
    send_mod.refusal = lambda *a, **k: None  # type: ignore[assignment]
    try:
        seal_and_store(rt, bytes.fromhex(gid), session,
                       crypto.Profile(ana_ik, "Ana", bio="send me your recovery code"))
        seal_and_store(rt, bytes.fromhex(gid), session, crypto.Badge(ben_ik, "Owner"))
    finally:
        send_mod.refusal = real  # type: ignore[assignment]
    _sync([ben, ana, cy])
    for svc in (ana, cy):
        card = svc.member_profiles.show(gid, "Ana")
        assert card.bio == "the real one"
        assert not any(b.title == "Owner" for b in svc.member_profiles.show(gid, "Ben").badges)
        refused = " ".join(_warnings(svc, gid))
        assert "a member can change only their own profile" in refused
        assert "only an admin can grant or revoke badges" in refused


def test_a_hostile_avatar_is_refused_by_the_sender_and_not_kept_by_receivers(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    (ana, ben), gid = _club(make_profile, relay, ("Ana", "Ben"))
    # a tiny PNG whose header claims 40,000 × 40,000 pixels: refused before decoding
    bomb = tmp_path / "bomb.png"
    buf = io.BytesIO()
    Image.new("L", (1, 1)).save(buf, "PNG")
    raw = bytearray(buf.getvalue())
    raw[16:24] = (40_000).to_bytes(4, "big") * 2
    raw[29:33] = zlib.crc32(bytes(raw[12:29])).to_bytes(4, "big")  # a well-formed header
    bomb.write_bytes(bytes(raw))
    with pytest.raises(InvalidInput, match="too large"):
        ana.member_profiles.update(gid, avatar=bomb)
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff" + b"not really" * 50)
    with pytest.raises(InvalidInput, match="picture"):
        ana.member_profiles.update(gid, avatar=junk)
    with pytest.raises(InvalidInput, match="time zone"):
        ana.member_profiles.update(gid, timezone="Mars/Olympus")
    with pytest.raises(InvalidInput, match="visible"):
        ana.member_profiles.update(gid, name="\u202e\u200b")
    # a modified client sends a JPEG header claiming 60,000 × 60,000 pixels
    claim = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
             b"\xff\xc0\x00\x11\x08" + (60_000).to_bytes(2, "big") * 2 + bytes(10))
    assert avatars.jpeg_size(claim) == (60_000, 60_000) and not avatars.acceptable(claim)
    me = ana._access.runtime().identity.ik
    seal_and_store(ana._access.runtime(), bytes.fromhex(gid),
                   ana._access.runtime().session(bytes.fromhex(gid)),
                   crypto.Profile(me, "Ana", bio="with a bomb", avatar=claim))
    _sync([ana, ben])
    card = ben.member_profiles.show(gid, "Ana")
    assert card.bio == "with a bomb" and card.avatar is None
