"""Stored records become the values the UI and the CLI show."""
from __future__ import annotations

from app.render import PostRenderer, first_line, invite_view, merge_warnings
from app.store.records import Invite, Member, Post, Reaction, StoredWarning

GID = b"\x01" * 16
ANA, BEN, GONE = b"\xaa" * 32, b"\xbb" * 32, b"\xcc" * 32


def _post(n: int, sender: bytes = ANA, **kw) -> Post:
    base = dict(id=n, group_id=GID, msg_id=bytes([n]) * 32, sender_ik=sender,
                sender_name="Ana" if sender == ANA else "Ben", sent_time=1000 + n,
                received_time=1000 + n, seq=n, kind="post", text=f"post {n}",
                original_text=f"post {n}", reply_to=None, edited=False, edited_time=None,
                deleted=False, deleted_by=None, deleted_time=None, raw=None, mine=sender == ANA,
                sending=False, reactions=())
    base.update(kw)
    return Post(**base)


def _renderer(stored: dict[bytes, Post]) -> PostRenderer:
    members = [Member(GID, ANA, "aaaa", "Ana", "admin"), Member(GID, BEN, "bbbb", "Ben", "member")]
    return PostRenderer(GID, ANA, members, lambda ik: ik[:2].hex(),
                        lambda ids: {i: stored[i] for i in ids if i in stored})


def test_reply_quotes_its_target_and_reactions_name_people() -> None:
    target = _post(1)
    reply = _post(2, BEN, reply_to=target.msg_id,
                  reactions=(Reaction(ANA, "👍", 5), Reaction(BEN, "👍", 6), Reaction(GONE, "🎉", 7)))
    view = _renderer({target.msg_id: target}).posts([reply])[0]
    assert view.reply_to is not None and view.reply_to.excerpt == "post 1"
    assert view.reply_to.sender_name == "Ana" and not view.reply_to.missing
    assert dict(view.reactions) == {"👍": ("Ana", "Ben"), "🎉": ("a former member",)}
    assert view.my_reactions == frozenset({"👍"}) and not view.mine


def test_reply_to_an_unknown_post_is_marked_missing() -> None:
    view = _renderer({}).posts([_post(2, reply_to=b"\x09" * 32)])[0]
    assert view.reply_to is not None and view.reply_to.missing


def test_tombstone_names_who_deleted() -> None:
    view = _renderer({}).post(_post(3, BEN, deleted=True, text="", deleted_by=ANA))
    assert view.deleted and view.deleted_by == "Ana" and view.text == ""


def test_warnings_are_interleaved_by_time_within_the_page() -> None:
    r = _renderer({})
    posts = r.posts([_post(1), _post(5)])
    inside = r.warning(StoredWarning(1, GID, "gap", "1 post from Ben is missing.", 1003, BEN, False))
    later = r.warning(StoredWarning(2, GID, "fork", "forked", 2000, None, False))
    assert [v.kind for v in merge_warnings(posts, [inside, later], first=False, last=False)] == \
        ["post", "warning", "post"]
    merged = merge_warnings(posts, [inside, later], first=False, last=True)
    assert merged[-1].code == "fork" and merged[1].code == "gap"


def test_invite_status() -> None:
    inv = Invite(b"\x05" * 16, GID, "coterie://join#x", b"s", 2, 0, 10, 100)
    assert invite_view(inv, now=50).status == "used up"
    assert invite_view(Invite(b"\x05" * 16, GID, "l", b"s", 2, 1, 10, 100), now=200).status == "expired"


def test_first_line_is_trimmed() -> None:
    assert first_line("  hello\nworld") == "hello"
    assert first_line("x" * 500).endswith("…")
