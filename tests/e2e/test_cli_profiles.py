"""Per-group profiles and badges through the CLI: three profiles, one real relay, every
command its own process. Avatars set by two members are seen by all three, a title granted
by the owner shows everywhere, automatic badges come out the same on every member, a
member's badge grant is refused, and the relay learns no bio, pronoun, title or avatar."""
from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.harness import Cli, RelayProcess, scan_for
from tests.e2e.test_cli_governance import _join

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # ~30 CLI processes

BIO = "Bio-text-quux: reads sci-fi on trains"
TITLE = "Archivist-of-plugh"


def _badges(doc: dict) -> list[tuple[str, str]]:
    return [(b["kind"], b["title"]) for b in doc["badges"]]


def test_profiles_and_badges_through_a_relay_are_the_same_on_every_member(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, cy = (make_cli(n) for n in ("Anouk", "Bertil", "Cyprian"))
    gid = ana.out("group", "create", "Profile club", "--relay", relay.url)
    _join(ana, ben, gid)
    _join(ana, cy, gid)
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (1200, 800), (30, 120, 200)).save(photo, "JPEG")
    drawing = tmp_path / "drawing.png"
    Image.new("RGBA", (64, 300), (250, 200, 0, 128)).save(drawing, "PNG")

    mine = ben.json("profile", gid, "--name", "Bert", "--pronouns", "he/him", "--bio", BIO,
                    "--avatar", str(photo), "--timezone", "Asia/Tokyo")
    assert mine["name"] == "Bert" and mine["avatar"] and mine["is_me"]
    cy.run("profile", gid, "--avatar", str(drawing))
    hello = ana.out("post", gid, "Welcome, Cyprian!")
    ben.run("sync")
    cy.run("sync")
    ben.run("react", gid, hello, "👍")
    cy.run("react", gid, hello, "🎉")
    cy.run("react", gid, hello, "❤️")
    ana.run("badge", "grant", gid, "Bertil", TITLE)
    # a member cannot grant a title: one sentence, nothing sent
    no = cy.run("badge", "grant", gid, "Cyprian", "Owner", check=False)
    assert no.returncode != 0 and "admin" in no.stderr and "Traceback" not in no.stderr
    for member in (ana, ben, cy, ana):
        member.run("sync")

    cards = {}
    for member in (ana, ben, cy):
        cards[member.profile.name] = {
            who: member.json("profile", "show", gid, who) for who in ("Anouk", "Bertil",
                                                                   "Cyprian")}
    views = list(cards.values())
    for who in ("Anouk", "Bertil", "Cyprian"):
        same = [{k: v for k, v in view[who].items()
                 if k not in ("is_me", "safety_number", "verified", "local_time", "joined_at")}
                for view in views]
        assert same[0] == same[1] == same[2], (who, [s["name"] for s in same])
    bert = views[2]["Bertil"]
    assert (bert["name"], bert["member_name"], bert["pronouns"], bert["bio"], bert["timezone"]) \
        == ("Bert", "Bertil", "he/him", BIO, "Asia/Tokyo")
    assert bert["utc_offset"] == "+09:00" and bert["local_time"]
    assert ("granted", TITLE) in _badges(bert)
    avatar = base64.b64decode(bert["avatar"])
    assert avatar.startswith(b"\xff\xd8\xff") and len(avatar) <= 16384
    assert views[0]["Cyprian"]["avatar"]
    anouk = _badges(views[1]["Anouk"])
    assert ("auto", "Founding member") in anouk and ("auto", "Most helpful") in anouk
    assert ("auto", "First to welcome 1 newcomer") in anouk
    assert not any(t == "Owner" for _k, t in _badges(views[0]["Cyprian"]))
    # plain output: the card, names isolated
    shown = cy.out("profile", "show", gid, "Bertil")
    assert "\u2068Bert\u2069 (he/him)" in shown and TITLE in shown

    ana.run("badge", "revoke", gid, "Bertil", TITLE)
    ben.run("sync")
    assert ("granted", TITLE) not in _badges(ben.json("profile", "show", gid, "Bertil"))

    relay.stop()
    found = scan_for([relay.data_dir, relay.log_path], {
        "bio": BIO.encode(), "title": TITLE.encode(), "pronouns": b"he/him",
        "profile name": b"Bert\x00", "time zone": b"Asia/Tokyo", "avatar tail": avatar[-48:]})
    assert found == []
