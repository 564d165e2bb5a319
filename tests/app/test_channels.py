"""Channels, threads and pins between real profiles through a real relay on loopback:
every kind of channel, a forum topic with its thread, following, pins, read state, search,
and every rule (admins only define channels and pin, members do not post in announcements)
kept by every client, also against a member whose client breaks them on purpose."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace

import pytest

import crypto
from app.api import Services
from app.errors import AppError, InvalidInput, NotAllowed, NotFound, PinsFull
from app.sending import seal_and_store
from app.views import GENERAL_ID
from tests.e2e.harness import RelayProcess, scan_for

pytestmark = pytest.mark.timeout(180)


def _club(make: Callable[[str], Services], relay: RelayProcess,
          names: tuple[str, ...] = ("Ana", "Ben", "Cy")) -> tuple[list[Services], str]:
    founder, *others = [make(n) for n in names]
    gid = founder.groups.create("Club", relay.url).id
    for joiner in others:
        link = founder.invites.create(gid).link
        founder.sync_once()
        joiner.invites.join(link)
        joiner.sync_once()
        assert founder.sync_once().admitted == 1
        assert joiner.sync_once().joined == (gid,)
    everyone = [founder, *others]
    _sync(everyone)
    return everyone, gid


def _sync(members: list[Services]) -> None:
    for _ in range(2):
        for svc in members:
            svc.sync_once()


def _texts(svc: Services, gid: str, **scope: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid, **scope).posts if p.kind == "post"]


def _warnings(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid).posts if p.kind == "warning"]


def _as_admin_locally(svc: Services, gid: str) -> crypto.GroupSession:
    """A member's client altered to believe it is an admin (the others are not fooled)."""
    session = svc._access.runtime().session(bytes.fromhex(gid))
    me = svc._access.runtime().identity.ik
    state = session._state  # type: ignore[attr-defined]
    state.members[me] = replace(state.members[me], role=crypto.ROLE_ADMIN)
    return session


def _forge(svc: Services, gid: str, content: object) -> None:
    rt = svc._access.runtime()
    seal_and_store(rt, bytes.fromhex(gid), _as_admin_locally(svc, gid), content)
    svc.sync_once()


def test_channels_of_every_kind_threads_and_pins_reach_every_member(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    (ana, ben, cy), gid = _club(make_profile, relay)
    old = ana.posts.post(gid, "from before channels")

    chat = ana.channels.create(gid, "Chatter", "chat", topic="small talk")
    forum = ana.channels.create(gid, "Reading list", "forum", topic="what next",
                                tags=["fiction", "poetry"])
    ana.channels.create(gid, "News", "announcements")
    _sync([ana, ben, cy])
    for svc in (ana, ben, cy):
        listed = [(c.name, c.kind, c.topic) for c in svc.channels.list(gid)]
        assert listed == [("General", "chat", ""), ("Chatter", "chat", "small talk"),
                          ("Reading list", "forum", "what next"), ("News", "announcements", "")]
    assert ben.channels.get(gid, "reading list").tags == ("fiction", "poetry")

    # chat: a post by a member lands in the channel only; General keeps the old post
    ben.posts.post(gid, "hello @Ana in chatter", channel="Chatter")
    # forum: a titled topic with a tag, replies in its thread
    topic = cy.posts.post(gid, "Shall we read it?", channel=forum.id, title="Dune",
                          tags=["fiction"])
    with pytest.raises(InvalidInput):
        cy.posts.post(gid, "no title", channel="Reading list")
    with pytest.raises(InvalidInput):
        cy.posts.post(gid, "bad tag", channel="Reading list", title="x", tags=["cooking"])
    # announcements: the admin posts, a member may only reply in a thread
    notice = ana.posts.post(gid, "Meeting on Friday", channel="News")
    with pytest.raises(NotAllowed):
        ben.posts.post(gid, "me too", channel="News")
    _sync([ana, ben, cy])
    ben.posts.post(gid, "Yes!", thread=topic.id)
    ana.posts.post(gid, "Count me in", thread=topic.id)
    ben.posts.post(gid, "See you there", thread=notice.id)
    _sync([ana, ben, cy])

    for svc in (ana, ben, cy):
        assert _texts(svc, gid) == ["from before channels"]
        assert _texts(svc, gid, channel="Chatter") == ["hello @Ana in chatter"]
        [t] = svc.posts.latest(gid, channel="Reading list").posts
        assert (t.title, t.tags, t.thread.replies, t.thread.last_replier) == (
            "Dune", ("fiction",), 2, "Ana")
        assert _texts(svc, gid, thread=topic.id) == ["Yes!", "Count me in"]
        [n] = svc.posts.latest(gid, channel="News").posts
        assert n.text == "Meeting on Friday" and n.thread.replies == 1
        assert svc.posts.get(gid, old.id).channel_id == GENERAL_ID

    # unread per channel, mention of me, the group's unread is the sum of unmuted channels
    counts = {c.name: (c.unread, c.mentions) for c in ana.channels.list(gid)}
    assert counts["Chatter"] == (1, 1) and counts["Reading list"] == (1, 0)
    assert ana.groups.get(gid).unread == sum(c.unread for c in ana.channels.list(gid))
    ana.channels.set_muted(gid, "Chatter", True)
    assert ana.groups.get(gid).unread == sum(c.unread for c in ana.channels.list(gid)
                                             if not c.muted)
    seen: list = []
    stop = ana.add_listener(seen.append)
    ana.channels.mark_read(gid, "Reading list")
    assert ana.channels.get(gid, "Reading list").unread == 0
    assert {e.kind.name for e in seen} == {"CHANNELS", "GROUPS"}   # badges to redraw
    seen.clear()
    ana.channels.mark_read(gid, "Reading list")
    assert seen == []              # already read: nothing changed, nothing to redraw
    stop()

    # following: the topic's author follows it; a reply notifies (unread in the thread)
    assert cy.threads.is_following(gid, topic.id)
    assert [p.id for p in cy.threads.followed(gid)] == [topic.id]
    assert cy.threads.root(gid, topic.id).thread.unread == 2
    seen: list = []
    stop = cy.add_listener(seen.append)
    cy.threads.mark_read(gid, topic.id)
    assert cy.threads.root(gid, topic.id).thread.unread == 0
    assert len(seen) == 1          # the root's footer changed: one event to redraw it
    cy.threads.mark_read(gid, topic.id)
    assert len(seen) == 1          # already read: nothing changed, nothing to redraw
    stop()
    cy.threads.follow(gid, topic.id, False)
    assert cy.threads.followed(gid) == []

    # pins: admins pin per channel; members cannot
    ana.channels.pin(gid, notice.id)
    with pytest.raises(NotAllowed):
        ben.channels.pin(gid, topic.id)
    _sync([ana, ben, cy])
    for svc in (ana, ben, cy):
        assert [p.id for p in svc.channels.pins(gid, "News")] == [notice.id]
        assert svc.channels.pins(gid, "Chatter") == []
        assert svc.posts.get(gid, notice.id).pinned
    ana.channels.unpin(gid, notice.id)
    _sync([ana, ben, cy])
    assert ben.channels.pins(gid) == []

    # rename, topic, reorder, archive: every member sees the newest definition
    ana.channels.rename(gid, "Chatter", "Lounge")
    ana.channels.describe(gid, "Lounge", "anything goes")
    ana.channels.move(gid, "News", 0)
    ana.channels.archive(gid, "Lounge")
    with pytest.raises(NotAllowed):
        ben.channels.rename(gid, "News", "Mine")
    with pytest.raises(InvalidInput):
        ana.channels.archive(gid, "General")
    _sync([ana, ben, cy])
    for svc in (ben, cy):
        chans = svc.channels.list(gid)
        assert [c.name for c in chans] == ["General", "News", "Reading list", "Lounge"]
        assert chans[-1].archived and chans[-1].topic == "anything goes"
        assert _texts(svc, gid, channel="Lounge") == ["hello @Ana in chatter"]
    with pytest.raises(NotAllowed):
        ben.posts.post(gid, "late", channel="Lounge")

    # search finds channels (archived too) and topic titles
    hits = ben.search.find_spaces("loun", gid)
    assert [(h.kind, h.channel_id) for h in hits] == [("channel", chat.id)]
    assert [(h.kind, h.post_id) for h in ben.search.find_spaces("dune")] == [("topic", topic.id)]
    assert [h.thread_root for h in ben.search.find("count", gid)] == [topic.id]
    assert _warnings(ben, gid) == [] and _warnings(cy, gid) == []


def test_read_state_and_mutes_survive_a_restart(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (ana, ben), gid = _club(make_profile, relay, ("Ana", "Ben"))
    ana.channels.create(gid, "Side", "chat")
    _sync([ana, ben])
    for n in range(3):
        ana.posts.post(gid, f"side {n}", channel="Side")
    _sync([ana, ben])
    ben.channels.set_muted(gid, "Side", True)
    ben.channels.mark_read(gid, "General")
    before = {c.name: (c.unread, c.muted, c.last_read) for c in ben.channels.list(gid)}
    ben.close()
    again = Services(tmp_path / "Ben", keyring_backend=ben._access.keys._backend)  # type: ignore[attr-defined]
    again.profile.unlock()
    try:
        assert {c.name: (c.unread, c.muted, c.last_read) for c in again.channels.list(gid)} == before
        assert before["Side"][:2] == (3, True)
        assert again.groups.get(gid).unread == 0
    finally:
        again.close()


def test_a_member_cannot_define_channels_pin_or_post_announcements_even_with_a_bent_client(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    (ana, ben, cy), gid = _club(make_profile, relay)
    news = ana.channels.create(gid, "News", "announcements")
    notice = ana.posts.post(gid, "Official", channel="News")
    _sync([ana, ben, cy])

    # Ben's client, altered to think he is an admin, sends what only admins may send
    _forge(ben, gid, crypto.ChannelDef(b"\x42" * 16, 0, "Ben's channel"))
    _forge(ben, gid, crypto.ChannelDef(bytes.fromhex(news.id), 2, "Hijacked"))
    _forge(ben, gid, crypto.Pin(bytes.fromhex(news.id), bytes.fromhex(notice.id), True))
    _forge(ben, gid, crypto.Post("Fake announcement", channel=bytes.fromhex(news.id)))
    _sync([ana, cy])
    for svc in (ana, cy):
        assert [c.name for c in svc.channels.list(gid)] == ["General", "News"]
        assert svc.channels.pins(gid) == []
        shown = {p.text or p.rejected: p.rejected for p in svc.posts.latest(gid, channel="News").posts}
        assert shown["Official"] == ""
        fake = [p for p in svc.posts.latest(gid, channel="News").posts if p.rejected]
        assert len(fake) == 1 and "only admins" in fake[0].rejected
        warnings = " ".join(_warnings(svc, gid))
        assert "A channel change from Ben was ignored" in warnings
        assert "A pin from Ben was ignored" in warnings
        assert "A post from Ben was rejected" in warnings
        assert svc.channels.get(gid, "News").unread == (0 if svc is ana else 1)
        # the chain went on: Ben's next honest post arrives without a gap warning
    ben.posts.post(gid, "sorry")
    _sync([ana, ben, cy])
    assert "sorry" in _texts(cy, gid)
    assert not any("missing" in w for w in _warnings(cy, gid))


def test_a_moderator_announces_and_every_client_shows_it_while_a_member_may_not(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    (ana, ben, cy), gid = _club(make_profile, relay)
    ana.channels.create(gid, "News", "announcements")
    ana.governance.set_role(gid, "Ben", "moderator")
    _sync([ana, ben, cy])
    ben.posts.post(gid, "Meeting moved to Friday", channel="News")
    with pytest.raises(NotAllowed, match="Only admins and moderators"):
        cy.posts.post(gid, "Me too", channel="News")
    _sync([ana, ben, cy])
    for svc in (ana, ben, cy):
        shown = {p.text: p.rejected for p in svc.posts.latest(gid, channel="News").posts
                 if p.kind == "post"}
        assert shown == {"Meeting moved to Friday": ""}
        assert not any("rejected" in w for w in _warnings(svc, gid))
    # once Ben is a member again, his next announcement is refused by every client
    ana.governance.set_role(gid, "Ben", "member")
    _sync([ana, ben, cy])
    with pytest.raises(NotAllowed):
        ben.posts.post(gid, "one more", channel="News")
    _forge_as(ben, gid, crypto.Post("one more", channel=bytes.fromhex(
        ana.channels.get(gid, "News").id)))
    _sync([ana, cy])
    for svc in (ana, cy):
        late = [p for p in svc.posts.latest(gid, channel="News").posts if p.text == "one more"]
        assert len(late) == 1 and "admins and moderators" in late[0].rejected


def _forge_as(svc: Services, gid: str, content: object) -> None:
    """Seal what the member's client would refuse, without changing its idea of its role."""
    rt = svc._access.runtime()
    seal_and_store(rt, bytes.fromhex(gid), rt.session(bytes.fromhex(gid)), content)
    svc.sync_once()


def test_a_thread_reply_whose_root_is_in_another_group_joins_no_thread(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben = make_profile("Ana"), make_profile("Ben")
    groups = []
    for name in ("One", "Two"):
        gid = ana.groups.create(name, relay.url).id
        link = ana.invites.create(gid).link
        ana.sync_once()
        ben.invites.join(link)
        ben.sync_once()
        ana.sync_once()
        ben.sync_once()
        groups.append(gid)
    _sync([ana, ben])
    one, two = groups
    root = ana.posts.post(one, "a thread in One")
    _sync([ana, ben])
    with pytest.raises(NotFound):
        ben.posts.post(two, "cross", thread=root.id)
    # Ben's client sends it anyway, into Two
    rt = ben._access.runtime()
    seal_and_store(rt, bytes.fromhex(two), rt.session(bytes.fromhex(two)),
                   crypto.Post("cross-group reply", thread=bytes.fromhex(root.id)))
    _sync([ben, ana])
    assert ana.threads.root(one, root.id).thread is None
    assert ana.posts.latest(one, thread=root.id).posts == ()
    assert "cross-group reply" not in _texts(ana, two)
    assert any("thread starts in another group" in w for w in _warnings(ana, two))


def test_bad_input_is_one_sentence_and_changes_nothing(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    (ana, ben), gid = _club(make_profile, relay, ("Ana", "Ben"))
    ana.channels.create(gid, "Side")
    before = [c.name for c in ana.channels.list(gid)]
    for call in (lambda: ana.channels.create(gid, "side"),
                 lambda: ana.channels.create(gid, "  "),
                 lambda: ana.channels.create(gid, "x", "voice"),
                 lambda: ana.channels.create(gid, "x" * 65),
                 lambda: ana.channels.rename(gid, "Nope", "New"),
                 lambda: ana.posts.post(gid, "hi", channel="Nope"),
                 lambda: ana.posts.post(gid, "hi", thread="abcdef12"),
                 lambda: ana.channels.pin(gid, "abcdef12"),
                 lambda: ben.channels.create(gid, "Mine")):
        with pytest.raises(AppError) as caught:
            call()
        assert str(caught.value).endswith(".") and "\n" not in str(caught.value)
    assert [c.name for c in ana.channels.list(gid)] == before


def test_the_relay_sees_only_bucket_sized_envelopes_and_no_names(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    (ana, ben), gid = _club(make_profile, relay, ("Ana", "Ben"))
    ana.channels.create(gid, "Secret garden", "forum", topic="roses and thorns",
                        tags=["Hortensia"])
    _sync([ana, ben])
    topic = ben.posts.post(gid, "body of the topic", channel="Secret garden",
                           title="Lavender plans", tags=["Hortensia"])
    _sync([ben, ana])
    ana.posts.post(gid, "a reply in the thread", thread=topic.id)
    ana.channels.pin(gid, topic.id)
    ana.channels.rename(gid, "Secret garden", "Walled orchard")
    _sync([ana, ben])
    assert [p.title for p in ana.posts.latest(gid, channel="Walled orchard").posts] == [
        "Lavender plans"]
    relay.stop()
    lengths = []
    for db in relay.data_dir.rglob("*.db"):
        conn = sqlite3.connect(db)
        try:
            lengths += [r[0] for r in conn.execute("SELECT length(body) FROM messages")]
        finally:
            conn.close()
    assert lengths and set(lengths) <= set(crypto.BUCKETS)
    needles = {w: w.encode() for w in ("Secret garden", "roses and thorns", "Hortensia",
                                        "Lavender plans", "Walled orchard", "body of the topic")}
    assert scan_for([relay.data_dir, relay.log_path], needles) == []
    relay.start()


def test_a_51st_pin_is_refused_with_a_sentence_and_by_every_receiver(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    (ana, ben), gid = _club(make_profile, relay, ("Ana", "Ben"))
    posts = [ana.posts.post(gid, f"note {i}") for i in range(crypto.spaces.MAX_PINS + 1)]
    for post in posts[:crypto.spaces.MAX_PINS]:
        ana.channels.pin(gid, post.id)
    _sync([ana, ben])
    assert len(ben.channels.pins(gid)) == crypto.spaces.MAX_PINS

    # the admin who tries a 51st gets one sentence, and nothing is sent
    store = ana._access.runtime().store
    queued = len(store.outbox.pending_outbox())
    with pytest.raises(PinsFull) as caught:
        ana.channels.pin(gid, posts[-1].id)
    assert str(caught.value) == "This channel has 50 pins already; unpin one first."
    assert caught.value.limit == crypto.spaces.MAX_PINS
    assert len(store.outbox.pending_outbox()) == queued
    # pinning one already pinned is no 51st
    ana.channels.pin(gid, posts[0].id)

    # a client that sends one anyway: every receiver shows it refused, keeps 50
    rt = ana._access.runtime()
    seal_and_store(rt, bytes.fromhex(gid), rt.session(bytes.fromhex(gid)),
                   crypto.Pin(bytes(16), bytes.fromhex(posts[-1].id), True))
    _sync([ana, ben])
    pinned = {p.id for p in ben.channels.pins(gid)}
    assert len(pinned) == crypto.spaces.MAX_PINS and posts[-1].id not in pinned
    assert not ben.posts.get(gid, posts[-1].id).pinned
    assert any(w.replace("\u2068", "").replace("\u2069", "") == "1 message from Ana was refused "
               "by the group's rules: a channel holds at most 50 pins." for w in _warnings(ben, gid))
    # unpinning one makes room again
    ana.channels.unpin(gid, posts[0].id)
    ana.channels.pin(gid, posts[-1].id)
    _sync([ana, ben])
    assert posts[-1].id in {p.id for p in ben.channels.pins(gid)}
