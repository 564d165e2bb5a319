"""Linked devices through real parts: three profiles on a real relay, one member (Ana) on
two desktops (protocol §16; app/devices.py)."""
from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import crypto
from app.api import Services
from app.devices import LinkFailed, short_code
from app.errors import NotAllowed
from app.polls import seal
from app.sending import save_and_send
from crypto import link as wire
from crypto import polls as rules
from crypto.relay_wire import MailboxCapability
from sync.errors import SyncError
from sync.transport import RelayClient
from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring

pytestmark = pytest.mark.timeout(180)


def _pair(make: Callable[[str], Services], relay: RelayProcess) -> tuple[Services, Services, str]:
    ana, ben = make("Ana"), make("Ben")
    ana.settings.update(default_relay=relay.url)
    gid = ana.groups.create("Book club", relay.url).id
    link = ana.invites.create(gid).link
    ana.sync_once()
    assert ben.invites.join(link).status == "waiting"
    ben.sync_once()
    assert ana.sync_once().admitted == 1
    assert ben.sync_once().joined == (gid,)
    return ana, ben, gid


class Linking:
    """`device link` on one profile (a thread) and `device join` on a new one."""

    def __init__(self, first: Services, history: bool = True) -> None:
        self.first = first
        self.history = history
        self.codes: queue.Queue[str] = queue.Queue()
        self.words: dict[str, str] = {}
        self.result: dict[str, object] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.result["info"] = self.first.devices.link(
                self.codes.put, lambda w, _n: self.words.setdefault("first", w) == w,
                history=self.history)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            self.result["error"] = exc

    def start(self) -> str:
        self.thread.start()
        try:
            return self.codes.get(timeout=30)
        except queue.Empty:
            self.thread.join(5)
            raise AssertionError(self.result.get("error")) from None

    def wait(self) -> object:
        self.thread.join(90)
        return self.result.get("info") or self.result.get("error")


def link_device(first: Services, root: Path, keyring: MemoryKeyring,
                name: str = "laptop", history: bool = True) -> Services:
    linking = Linking(first, history)
    code = linking.start()
    new = Services(root / name, keyring_backend=keyring)
    new.devices.join(code, name, None, lambda w, _n: linking.words.setdefault("new", w) == w)
    done = linking.wait()
    assert not isinstance(done, Exception), done
    assert linking.words["first"] == linking.words["new"]
    return new


def post_anyway(svc: Services, gid: str, text: str) -> None:
    """What a bent client of a revoked device does: the app refuses to post, so seal and
    send the post through the session directly (the others must refuse it)."""
    with pytest.raises(NotAllowed, match="revoked"):
        svc.posts.post(gid, text)
    rt = svc._access.runtime()
    g = bytes.fromhex(gid)
    with rt.lock:
        session = rt.session(g)
        sealed = session.seal(crypto.Post(text), rt.now(), rt.rng)
        save_and_send(rt, g, session, [sealed.outgoing])
    svc.sync_once()


def texts(svc: Services, gid: str) -> list[tuple[str, str]]:
    return [(p.sender_name, p.text) for p in svc.posts.latest(gid, 100).posts
            if p.text]


@pytest.fixture
def trio(make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
         memory_keyring: MemoryKeyring) -> tuple[Services, Services, Services, str]:
    ana, ben, gid = _pair(make_profile, relay)
    ana.posts.post(gid, "before the laptop")
    ana.sync_once()
    ben.sync_once()
    lap = link_device(ana, tmp_path, memory_keyring)
    yield ana, ben, lap, gid
    lap.close()


def test_posts_from_both_devices_arrive_once_as_the_member(trio) -> None:  # type: ignore[no-untyped-def]
    ana, ben, lap, gid = trio
    assert lap.profile.me().fingerprint == ana.profile.me().fingerprint
    assert ("Ana", "before the laptop") in texts(lap, gid)      # history came along
    # the copy travels without its search index; the new device rebuilt it
    assert [h.sender_name for h in lap.search.find("laptop", gid, 10)] == ["Ana"]
    # ... and its indexes, which it travels without: the same schema on both devices

    def schema(svc: Services) -> list[tuple[str, str]]:
        return svc._access.runtime().store.run(lambda s: s._db().execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'table') "
            "ORDER BY name").fetchall())

    assert schema(lap) == schema(ana) and any(n == "posts_page" for n, _ in schema(lap))
    lap.posts.post(gid, "from the laptop")
    lap.sync_once()
    ana.posts.post(gid, "from the desktop")
    ana.sync_once()
    ben.posts.post(gid, "from Ben")
    for svc in (ben, ana, lap, ben, ana, lap):
        svc.sync_once()
    for svc in (ana, ben, lap):
        got = texts(svc, gid)
        for t in ("from the laptop", "from the desktop", "from Ben"):
            assert got.count(("Ben" if t == "from Ben" else "Ana", t)) == 1, (svc, got)
    mine = [p for p in ana.posts.latest(gid, 100).posts if p.text == "from the laptop"]
    assert mine[0].mine
    with pytest.raises(NotAllowed):   # groups are created and joined from the first device
        lap.groups.create("Elsewhere", ana.settings.get().default_relay)


def _join(first: Services, member: Services, gid: str) -> None:
    link = first.invites.create(gid).link
    first.sync_once()
    assert member.invites.join(link).status == "waiting"
    member.sync_once()
    assert first.sync_once().admitted == 1
    assert member.sync_once().joined == (gid,)


def _tally(svc: Services, gid: str, poll: str) -> tuple[list[int], int, int]:
    shown = svc.polls.get(gid, poll)
    return [o.count for o in shown.options], shown.voters, shown.tally_seq


def _send_raw(svc: Services, gid: str, content: object) -> None:
    """What a bent client sends: sealed by this device as-is, with no local effect."""
    rt = svc._access.runtime()
    g = bytes.fromhex(gid)
    seal(rt, g, rt.session(g), [(content, None)])
    svc.sync_once()


def test_a_linked_desktop_makes_an_anonymous_poll_and_its_tally_reaches_everyone(
        trio, make_profile: Callable[[str], Services]) -> None:  # type: ignore[no-untyped-def]
    ana, ben, lap, gid = trio
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    for svc in (lap, ben, cy):
        svc.sync_once()
    poll = lap.polls.create(gid, "Tea or coffee?", ["Tea", "Coffee"], anonymous=True).id
    lap.sync_once()
    for svc in (ana, ben, cy):
        svc.sync_once()
    ben.polls.vote(gid, poll, ["Tea"])
    ben.sync_once()
    cy.polls.vote(gid, poll, ["Coffee"])
    cy.sync_once()
    lap.sync_once()           # the linked desktop opens both ballots and publishes its tally
    for svc in (ana, ben, cy, lap):
        svc.sync_once()
    counts, voters, seq = _tally(lap, gid, poll)
    assert (counts, voters) == ([1, 1], 2) and seq >= 1
    for svc in (ana, ben, cy):   # the first device of the same member included
        assert _tally(svc, gid, poll) == (counts, voters, seq), svc
    # every member keeps the key that sealed the poll: the linked desktop's own, not Ana's IK
    lap_key = lap._access.runtime().identity.ik
    for svc in (ana, ben, cy):
        record = svc._access.runtime().store.polls.get_poll(bytes.fromhex(gid),
                                                           bytes.fromhex(poll))
        assert record is not None and record.sealing_key == lap_key != record.creator_ik
    assert ana.polls.get(gid, poll).mine and not ben.polls.get(gid, poll).mine


def test_a_tally_for_a_linked_desktop_s_poll_is_refused_from_any_other_key_of_the_member(
        trio, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    ana, ben, lap, gid = trio
    tablet = link_device(ana, tmp_path, memory_keyring, "tablet")
    try:
        for svc in (lap, ben, tablet):
            svc.sync_once()
        poll = lap.polls.create(gid, "Picnic?", ["Yes", "No"], anonymous=True).id
        lap.sync_once()
        ben.sync_once()
        ben.polls.vote(gid, poll, ["Yes"])
        ben.sync_once()
        for svc in (lap, ana, ben, tablet):
            svc.sync_once()
        assert _tally(ben, gid, poll) == ([1, 0], 1, 1)
        g, pid = bytes.fromhex(gid), bytes.fromhex(poll)
        # Ana's first device signs a tally with her identity key; her tablet signs one with
        # its own device key; each is sealed by the device that signed it. Neither is the
        # key that sealed the poll, so every member refuses both.
        for svc, seq in ((ana, 50), (tablet, 60)):
            rt = svc._access.runtime()
            _send_raw(svc, gid, rules.sign_tally(rt.identity.sign, g,
                                                 rules.PollTally(pid, seq, False, 9, (0, 9))))
        # the linked desktop's own signature, replayed inside another device's envelope
        lap_rt = lap._access.runtime()
        _send_raw(ana, gid, rules.sign_tally(lap_rt.identity.sign, g,
                                             rules.PollTally(pid, 70, False, 9, (0, 9))))
        for svc in (ben, ana, tablet, lap):
            svc.sync_once()
        for svc in (ben, ana, tablet):
            assert _tally(svc, gid, poll) == ([1, 0], 1, 1), svc
        assert _tally(lap, gid, poll)[:2] == ([1, 0], 1)
    finally:
        tablet.close()


def test_a_read_on_one_device_clears_unread_on_the_other(trio) -> None:  # type: ignore[no-untyped-def]
    ana, ben, lap, gid = trio
    for i in range(3):
        ben.posts.post(gid, f"news {i}")
    ben.sync_once()
    ana.sync_once()
    lap.sync_once()
    unread = lambda svc: next(g.unread for g in svc.groups.list() if g.id == gid)  # noqa: E731
    assert unread(ana) == 3 and unread(lap) == 3
    lap.channels.mark_read(gid, None)
    lap.sync_once()
    ana.sync_once()
    assert unread(lap) == 0 and unread(ana) == 0
    assert unread(ben) == 0 or True


def test_revoking_a_device_rekeys_it_out(trio, relay: RelayProcess) -> None:  # type: ignore[no-untyped-def]
    ana, ben, lap, gid = trio
    listed = ana.devices.list()
    assert [d.first for d in listed] == [True, False] and listed[1].name == "laptop"
    old_caps = {mb.id: mb.capability for mb in
                lap._access.runtime().session(bytes.fromhex(gid)).mailboxes(int(time.time()))}
    assert ana.devices.revoke(listed[1].id) == 1
    ana.sync_once()
    ben.sync_once()
    lap.sync_once()
    assert [d.revoked for d in ana.devices.list()] == [False, True]
    ben.posts.post(gid, "after the revocation")
    ben.sync_once()
    lap.sync_once()
    ana.sync_once()
    assert ("Ben", "after the revocation") in texts(ana, gid)
    assert ("Ben", "after the revocation") not in texts(lap, gid)
    # the relay refuses the revoked device's writes to the new key period's mailbox
    new_mb = ana._access.runtime().session(bytes.fromhex(gid)).mailboxes(int(time.time()))[0]
    assert new_mb.id not in old_caps
    old = next(iter(old_caps.values()))
    forged = MailboxCapability(new_mb.id, old.write_seed, old.read_seed)

    async def try_write() -> None:
        client = RelayClient(relay.url, clock=time.time, rng=lambda n: b"\1" * n)
        try:
            await client.append(forged, [b"\0" * 1024])
        finally:
            await client.aclose()

    with pytest.raises(SyncError):
        asyncio.run(try_write())
    # and what it still sends to the old mailbox is refused by everyone
    post_anyway(lap, gid, "stolen laptop")
    ben.sync_once()
    assert ("Ana", "stolen laptop") not in texts(ben, gid)


def test_a_code_works_once_and_a_wrong_one_is_refused(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
        memory_keyring: MemoryKeyring) -> None:
    ana, _ben, _gid = _pair(make_profile, relay)
    linking = Linking(ana)
    code = linking.start()
    lap = Services(tmp_path / "lap", keyring_backend=memory_keyring)
    short, relay_url = short_code(code)
    with pytest.raises(LinkFailed, match="needs the relay"):
        lap.devices.join(short, "laptop", None, lambda _w, _n: True)
    lap.devices.join(short, "laptop", None, lambda _w, _n: True, relay=relay_url)  # typed
    assert not isinstance(linking.wait(), Exception)
    again = Services(tmp_path / "again", keyring_backend=memory_keyring)
    with pytest.raises(LinkFailed, match="used already"):
        again.devices.join(code, "second", None, lambda _w, _n: True)
    parsed = wire.parse_code(code)
    wrong = wire.LinkCode(parsed.relay_url, bytes(16)).text()
    with pytest.raises(LinkFailed, match="typed wrong"):
        again.devices.join(wrong, "second", None, lambda _w, _n: True)
    with pytest.raises(LinkFailed, match="not a link code"):
        again.devices.join("coterie://link#1.abc", "second", None, lambda _w, _n: True)
    assert not (tmp_path / "again").exists() or not any((tmp_path / "again").iterdir())
    with pytest.raises(NotAllowed):   # a linked device links nothing itself
        lap.devices.link(lambda _c: None, lambda _w, _n: True)
    lap.close()
    again.close()


def test_an_expired_code_is_refused(make_profile: Callable[[str], Services],
                                    relay: RelayProcess, tmp_path: Path,
                                    memory_keyring: MemoryKeyring) -> None:
    ana, _ben, _gid = _pair(make_profile, relay)
    result: dict[str, object] = {}
    codes: queue.Queue[str] = queue.Queue()

    def run() -> None:
        try:
            ana.devices.link(codes.put, lambda _w, _n: True, timeout=1.0)
        except Exception as exc:  # noqa: BLE001
            result["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    code = codes.get(timeout=30)
    t.join(30)
    assert isinstance(result.get("error"), LinkFailed)
    lap = Services(tmp_path / "lap", keyring_backend=memory_keyring)
    with pytest.raises(LinkFailed, match="expired"):
        lap.devices.join(code, "laptop", None, lambda _w, _n: True)
    lap.close()


def test_a_relay_that_alters_the_link_channel_is_detected_and_nothing_moves(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
        memory_keyring: MemoryKeyring) -> None:
    ana, _ben, _gid = _pair(make_profile, relay)
    linking = Linking(ana)
    code = wire.parse_code(linking.start())

    async def tamper() -> None:   # what a relay can do: put bytes of its own in the mailbox
        client = RelayClient(relay.url, clock=time.time, rng=lambda n: b"\2" * n)
        try:
            await client.append(code.capability, [b"\1" + b"\x55" * 1023])
        finally:
            await client.aclose()

    asyncio.run(tamper())
    failed = linking.wait()
    assert isinstance(failed, LinkFailed) and "altered" in str(failed)
    lap = Services(tmp_path / "lap", keyring_backend=memory_keyring)
    with pytest.raises(LinkFailed):
        lap.devices.join(code.text(), "laptop", None, lambda _w, _n: True)
    assert not (tmp_path / "lap").exists() or not any((tmp_path / "lap").iterdir())
    assert len(ana.devices.list()) == 1
    lap.close()


def test_a_member_revokes_their_own_desktop_and_the_admins_client_rekeys(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
        memory_keyring: MemoryKeyring) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ben.settings.update(default_relay=relay.url)
    lap = link_device(ben, tmp_path, memory_keyring, "ben-laptop")
    for svc in (ana, lap, ben):
        svc.sync_once()
    session = lambda svc: svc._access.runtime().session(bytes.fromhex(gid))  # noqa: E731
    before = session(ana).epoch
    device = next(d for d in ben.devices.list() if not d.first)
    assert ben.devices.revoke(device.id) == 1       # Ben is no admin: no new period yet
    ben.sync_once()
    assert session(ben).epoch == before
    ana.sync_once()                                  # Ana's client reads it and rekeys
    assert session(ana).epoch == before + 1
    ben.sync_once()
    lap.sync_once()
    assert session(ben).epoch == before + 1 and session(lap).epoch == before
    ana.posts.post(gid, "after Ben's revocation")
    ana.sync_once()
    ben.sync_once()
    lap.sync_once()
    assert ("Ana", "after Ben's revocation") in texts(ben, gid)
    assert ("Ana", "after Ben's revocation") not in texts(lap, gid)
    lap.close()


def test_a_group_created_after_the_link_reaches_the_linked_desktop(trio) -> None:  # type: ignore[no-untyped-def]
    ana, ben, lap, gid = trio
    choir = ana.groups.create("Choir", ana.settings.get().default_relay).id
    ana.posts.post(choir, "first in the choir")
    for svc in (ana, ana, lap, ana, lap):
        svc.sync_once()
    assert choir in [g.id for g in lap.groups.list()]
    lap.posts.post(choir, "the laptop sings too")
    lap.sync_once()
    ana.sync_once()
    assert ("Ana", "the laptop sings too") in texts(ana, choir)
    mine = [p for p in ana.posts.latest(choir, 20).posts if p.text == "the laptop sings too"]
    assert mine[0].mine
    ana.posts.post(choir, "after the handoff")
    ana.sync_once()
    lap.sync_once()
    assert ("Ana", "after the handoff") in texts(lap, choir)
    assert choir not in [g.id for g in ben.groups.list()]


def test_a_link_without_history_brings_the_groups_but_no_past_posts_or_files(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
        memory_keyring: MemoryKeyring) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    first = ana.posts.post(gid, "before the laptop")
    ana.sync_once()
    ben.sync_once()
    ben.posts.reply(gid, first.id, "an old reply")
    ben.posts.react(gid, first.id, "👍")
    doc = tmp_path / "minutes.txt"
    doc.write_text("old minutes")
    ana.files.attach(gid, [doc], "old file")
    for svc in (ana, ben, ana):
        svc.sync_once()
    assert ana.files.list(gid) and next(g.unread for g in ana.groups.list() if g.id == gid)
    blobs = ana._access.profile_dir / "blobs"
    assert any(blobs.iterdir())

    lap = link_device(ana, tmp_path, memory_keyring, history=False)
    try:
        assert lap.profile.me().fingerprint == ana.profile.me().fingerprint
        groups = {g.id: g for g in lap.groups.list()}
        assert set(groups) == {gid} and groups[gid].name == "Book club"
        assert groups[gid].unread == 0
        assert [p for p in lap.posts.latest(gid, 100).posts      # no past posts (the notes
                if not p.id.startswith("note-")] == []              # of joins stay),
        assert lap.files.list(gid) == []                          # no files,
        assert not (lap._access.profile_dir / "blobs").exists()   # not even their blobs
        assert {m.name for m in lap.groups.members(gid)} == {"Ana", "Ben"}
        assert not lap.search.find("before")                     # and nothing to find

        # the group goes on: both ways, once, attributed to the member
        ben.posts.post(gid, "after the laptop")
        ben.sync_once()
        lap.sync_once()
        assert [(p.sender_name, p.text) for p in lap.posts.latest(gid, 100).posts
                if not p.id.startswith("note-")] == [("Ben", "after the laptop")]
        assert next(g.unread for g in lap.groups.list() if g.id == gid) == 1
        lap.posts.post(gid, "from the laptop")
        lap.sync_once()
        for svc in (ben, ana):
            svc.sync_once()
            assert texts(svc, gid).count(("Ana", "from the laptop")) == 1
        assert ("Ana", "before the laptop") in texts(ana, gid)   # the first device keeps it
    finally:
        lap.close()


def test_a_linked_desktop_revokes_the_lost_first_one_and_another_admin_rekeys(trio) -> None:  # type: ignore[no-untyped-def]
    ana, ben, lap, gid = trio
    ana.groups.promote(gid, "Ben")          # a second admin, to start key periods
    for svc in (ana, ben, lap):
        svc.sync_once()
    first = lap.devices.list()[0]
    assert first.first and not first.this_device
    assert lap.devices.revoke(first.id) == 1
    lap.sync_once()
    ben.sync_once()          # Ben's client (now the rotating admin) starts a new key period
    lap.sync_once()
    ana.sync_once()
    assert lap.devices.list()[0].revoked and ana.devices.list()[0].revoked
    ben.posts.post(gid, "after the first desktop was lost")
    ben.sync_once()
    lap.sync_once()
    ana.sync_once()
    assert ("Ben", "after the first desktop was lost") in texts(lap, gid)
    assert ("Ben", "after the first desktop was lost") not in texts(ana, gid)
    post_anyway(ana, gid, "the thief on the first desktop")
    ben.sync_once()
    lap.sync_once()
    assert ("Ana", "the thief on the first desktop") not in texts(ben, gid)
    assert ("Ana", "the thief on the first desktop") not in texts(lap, gid)
    lap.posts.post(gid, "still me, from the laptop")
    lap.sync_once()
    ben.sync_once()
    assert ("Ana", "still me, from the laptop") in texts(ben, gid)
    with pytest.raises(NotAllowed):         # no device revokes itself
        lap.devices.revoke(lap.devices.list()[1].id)
