"""Three members, one relay, every command as a separate process with its own profile."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from crypto import relay_wire
from tests.e2e.harness import Cli, RelayProcess, open_services, scan_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]  # ~50 CLI processes


def _posts(doc: dict) -> dict[str, dict]:
    return {p["id"]: p for p in doc["posts"]}


def _found(cli: Cli, gid: str, text: str) -> bool:
    return any(p["text"] == text for p in cli.json("read", gid)["posts"])


def test_members_join_talk_and_a_removed_member_is_cut_off(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, cy = make_cli("Anastasia"), make_cli("Benedikt"), make_cli("Cyrilla")
    identity_keys = {}
    for member in (ana, ben, cy):
        opened = open_services(member)
        identity_keys[member.profile.name] = opened.services._access.runtime().identity.ik
        opened.close()

    # The founder creates the group; a single-use invite is admitted automatically.
    gid = ana.out("group", "create", "Book club", "--relay", relay.url)
    assert len(gid) == 32
    link = ana.out("invite", "create", "Book club")
    assert link.startswith("coterie://join#")
    waiting = ben.json("join", link)
    assert waiting["status"] == "waiting"
    assert waiting["message"] == "Waiting for an admin to come online."
    assert ana.json("sync")["admitted"] == 1
    assert ben.json("sync")["joined"] == [gid]

    # A multi-use invite waits for approval, shown with the joiner's name and fingerprint.
    multi = ana.json("invite", "create", gid, "--uses", "3", "--expires", "2h")
    assert multi["uses_left"] == 3 and multi["status"] == "active"
    cy.run("join", multi["link"])
    ana.run("sync")
    requests = ana.json("requests", gid)["requests"]
    assert [(r["name"], r["fingerprint"]) for r in requests] == [("Cyrilla", cy.fingerprint)]
    ana.run("approve", gid, requests[0]["id"])
    assert cy.json("sync")["joined"] == [gid]
    assert ana.json("requests", gid)["requests"] == []

    # Posts both ways, a reply, reactions, an edit, an own delete and an admin delete.
    p1 = ana.out("post", gid, "Welcome to the club")
    ben.run("sync")
    p2 = ben.out("reply", gid, p1, "Glad to be here")
    ben.run("react", gid, p1, "👍")
    cy.run("sync")
    cy.run("react", gid, p1, "🎉")
    p3 = cy.out("post", "Book club", "Spoiler: the butler did it")
    ana.run("sync")
    ana.run("edit", gid, p1, "Welcome to the book club")
    ana.run("delete", gid, p3)
    ben.run("sync")
    before_delete = _posts(ben.json("read", gid))
    assert before_delete[p2]["reply_to"]["id"] == p1
    ben.run("delete", gid, p2)
    for member in (ana, cy, ben):
        member.run("sync")
    for member in (ana, ben, cy):
        doc = member.json("read", gid)
        posts = _posts(doc)
        assert posts[p1]["text"] == "Welcome to the book club" and posts[p1]["edited"]
        assert posts[p1]["reactions"] == {"👍": ["Benedikt"], "🎉": ["Cyrilla"]}
        assert posts[p2]["deleted"] and posts[p2]["deleted_by"] == "Benedikt" and posts[p2]["text"] == ""
        assert posts[p3]["deleted"] and posts[p3]["deleted_by"] == "Anastasia" and posts[p3]["text"] == ""
        assert doc["warnings"] == []
    assert [h["post"] for h in ana.json("search", "book")["hits"]] == [p1]
    assert ben.json("search", "butler")["hits"] == []  # deleted text leaves the index

    # Members with roles and safety numbers that match from both sides.
    ana_view = {m["name"]: m for m in ana.json("members", gid)["members"]}
    cy_view = {m["name"]: m for m in cy.json("members", gid)["members"]}
    assert ana_view["Anastasia"]["role"] == "owner" and ana_view["Cyrilla"]["role"] == "member"
    assert ana_view["Cyrilla"]["safety_number"] == cy_view["Anastasia"]["safety_number"]
    assert ana_view["Anastasia"]["is_me"] and not cy_view["Anastasia"]["is_me"]

    # A profile with a bio in this group and a title from the owner reach the others.
    ben.run("profile", gid, "--bio", "Bio: collects first editions", "--pronouns", "he/him")
    ana.run("badge", "grant", gid, "Benedikt", "Keeper of the shelf")
    cy.run("sync")
    card = cy.json("profile", "show", gid, "Benedikt")
    assert card["bio"] == "Bio: collects first editions"
    assert ("granted", "Keeper of the shelf") in [(b["kind"], b["title"]) for b in card["badges"]]

    # Rules from the owner reach everyone; a report of a post reaches the owner only.
    rules = tmp_path / "rules.md"
    rules.write_text("Rules: no spoilers before Friday", encoding="utf-8")
    ana.run("rules", gid, "--set-file", str(rules))
    sale = ben.out("post", gid, "First editions for sale, cheap")
    cy.run("sync")
    assert cy.json("rules", gid)["rules"] == "Rules: no spoilers before Friday"
    cy.run("report", gid, sale, "spam", "--text", "Report: selling in the club again")
    ana.run("sync")
    ben.run("sync")
    [report] = ana.json("reports", gid)["reports"]
    assert report["text"] == "Report: selling in the club again" and report["post"]["verified"]
    assert ben.json("reports", gid)["reports"] == []

    # Removal: a new epoch Cy does not have; its app says so and stops.
    cy_old = open_services(cy)
    old_caps = [mb.capability for mb in cy_old.session(bytes.fromhex(gid)).mailboxes(int(time.time()))]
    cy_old.close()
    ana.run("remove", gid, "Cyrilla")
    secret = "after Cyrilla left"
    ana.out("post", gid, secret)
    assert any("removed" in w for w in cy.json("sync")["warnings"])
    cy_group = cy.json("group", "list")["groups"][0]
    assert cy_group["status"] == "removed"
    assert not _found(cy, gid, secret)
    refused = cy.run("post", gid, "still here?", check=False)
    assert refused.returncode != 0 and "removed" in refused.stderr and "Traceback" not in refused.stderr
    ben.run("sync")
    assert _found(ben, gid, secret)

    # The relay refuses Cy's old write key on the new epoch's mailbox.
    ana_rt = open_services(ana)
    new_mailbox = next(mb for mb in ana_rt.session(bytes.fromhex(gid)).mailboxes(int(time.time()))
                       if mb.current).id
    ana_rt.close()
    assert all(cap.mailbox != new_mailbox for cap in old_caps)
    body = b"\x00" * 1024
    for cap in old_caps:
        sig = relay_wire.sign(cap.write_seed, relay_wire.append_message(new_mailbox, body))
        answer = httpx.post(f"{relay.url}/v1/mailboxes/{relay_wire.b64e(new_mailbox)}/messages",
                            json={"messages": [{"body": relay_wire.b64e(body),
                                                "sig": relay_wire.b64e(sig)}]})
        assert answer.status_code == 403

    # After all of it, the relay's files and log hold no plaintext, names or identity keys.
    needles = {text: text.encode() for text in (
        "Welcome to the club", "Welcome to the book club", "Glad to be here",
        "Spoiler: the butler did it", secret, "Book club", "Anastasia", "Benedikt", "Cyrilla",
        "Bio: collects first editions", "Keeper of the shelf",
        "Rules: no spoilers before Friday", "Report: selling in the club again",
        "First editions for sale")}
    for name, ik in identity_keys.items():
        needles[f"{name} key"] = ik
        needles[f"{name} key hex"] = ik.hex().encode()
        needles[f"{name} key b64"] = relay_wire.b64e(ik).encode()
    for member in (ana, ben, cy):
        needles[f"{member.profile.name} fingerprint"] = member.fingerprint.encode()
    relay.stop()
    assert relay.log_path.stat().st_size > 0
    assert scan_for([relay.data_dir, relay.log_path], needles) == []


def test_used_revoked_and_expired_invites_fail_with_one_sentence(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana, ben, dan = make_cli("Ana"), make_cli("Ben"), make_cli("Dan")
    gid = ana.out("group", "create", "Band", "--relay", relay.url)
    single = ana.out("invite", "create", gid)
    ben.run("join", single)
    ana.run("sync")                       # admits Ben and closes the used-up invite
    revoked = ana.json("invite", "create", gid, "--uses", "5")
    ana.run("invite", "revoke", gid, revoked["id"])
    expiring = ana.json("invite", "create", gid, "--expires", "1h")
    now = {i["id"]: i["status"] for i in ana.json("invite", "list", gid)["invites"]}
    assert now[expiring["id"]] == "active"
    # `coterie` itself reads no clock variable; only the test entry point moves the clock.
    unmoved = Cli(ana.profile, {**ana.env, "COTERIE_TEST_CLOCK_OFFSET": str(2 * 3600)})
    listed = unmoved.json("invite", "list", gid)["invites"]
    assert {i["id"]: i["status"] for i in listed}[expiring["id"]] == "active"
    # Two hours on (the protocol clock only; the relay and its read proofs keep real time).
    ana, dan = ana.later(2 * 3600), dan.later(2 * 3600)
    statuses = {i["id"]: i["status"] for i in ana.json("invite", "list", gid)["invites"]}
    assert statuses[revoked["id"]] == "revoked" and statuses[expiring["id"]] == "expired"
    assert sorted(statuses.values()) == ["expired", "revoked", "used up"]
    for link in (single, revoked["link"], expiring["link"]):
        result = dan.run("join", link, check=False)
        assert result.returncode != 0
        message = result.stderr.strip()
        assert message.count("\n") == 0 and "Traceback" not in message
        assert "invite" in message and message.endswith(".")
    assert dan.json("group", "list")["groups"] == []


def test_errors_are_one_sentence_and_never_a_traceback(make_cli: Callable[..., Cli]) -> None:
    ana = make_cli("Ana")
    for args in (("read", "No such group"), ("post", "nowhere", "hi"), ("join", "https://x/#y"),
                 ("invite", "create", "nowhere", "--expires", "soon"), ("frobnicate",)):
        result = ana.run(*args, check=False)
        assert result.returncode != 0, args
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr


def test_a_passphrase_profile_opens_from_the_environment_only_with_the_right_one(
        make_cli: Callable[..., Cli]) -> None:
    pat = make_cli("Pat", passphrase="correct horse battery staple")
    assert pat.json("group", "list")["groups"] == []
    wrong = Cli(pat.profile, {**pat.env, "COTERIE_PASSPHRASE": "wrong horse"})
    refused = wrong.run("group", "list", check=False)
    assert refused.returncode == 3 and refused.stderr.count("\n") == 1
    assert "passphrase" in refused.stderr and "Traceback" not in refused.stderr
    missing = Cli(pat.profile, {k: v for k, v in pat.env.items() if k != "COTERIE_PASSPHRASE"})
    refused = missing.run("group", "list", check=False)
    assert refused.returncode == 3 and "COTERIE_PASSPHRASE" in refused.stderr


def test_a_lost_keyring_entry_is_recovered_with_the_code(make_cli: Callable[..., Cli]) -> None:
    ana = make_cli("Ana")
    keyring_file = Path(ana.env["COTERIE_TEST_KEYRING_FILE"])
    keyring_file.unlink()
    lost = ana.run("group", "list", check=False)
    assert lost.returncode == 3 and "recovery code" in lost.stderr
    ana.run("recover", "--code", ana.recovery_code.lower().replace("-", " "))
    assert ana.json("group", "list")["groups"] == []
