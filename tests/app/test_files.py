"""Files through the real services, two profiles and a real relay process: resumable
uploads (an interruption at half way completes once), resumable downloads across a relay
restart, a relay that alters stored chunks ("this file was altered", nothing saved), the
sender's signed delete (the relay's copy and the receivers' cached copies go), the LRU
cache limit, and the library rules."""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from app.errors import NotAllowed, NotFound
from app.files import Cancelled, FileAltered
from crypto.files import blob_size_for
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)


def _pair(make: Callable[[str], Services], relay: RelayProcess) -> tuple[Services, Services, str]:
    ana, ben = make("Ana"), make("Ben")
    gid = ana.groups.create("Book club", relay.url).id
    link = ana.invites.create(gid).link
    ana.sync_once()
    ben.invites.join(link)
    ben.sync_once()
    ana.sync_once()
    ben.sync_once()
    return ana, ben, gid


def _file(tmp_path: Path, name: str, size: int) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = tmp_path / name
    path.write_bytes(data)
    return path, data


def test_an_interrupted_upload_resumes_and_its_post_goes_once(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    path, data = _file(tmp_path, "talk.mp4", 16 << 20)
    stop = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= total // 2:
            stop.set()            # the member quits half way

    result = ana.files.attach(gid, [path], "the talk", progress=progress, cancel=stop)
    assert result.post_id is None and [u.id for u in ana.files.pending()] == [result.upload_id]
    assert ana.files.resume_uploads() != []
    assert ana.files.resume_uploads() == []       # nothing left, nothing twice
    ana.sync_once()
    ben.sync_once()
    [view] = ben.files.list(gid)
    out = tmp_path / "out"
    out.mkdir()
    [saved] = ben.files.download(gid, view.post_id, out)
    assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(data).digest()
    posts = [p for p in ben.posts.latest(gid).posts if "the talk" in (getattr(p, "text", "") or "")]
    assert len(posts) == 1


def test_an_upload_cut_short_while_encrypting_is_encrypted_again_from_its_file(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    # What a crash leaves when it strikes after the outbox row was written and while the
    # file was still being encrypted (and uploaded): the row names the file, the
    # encrypted copy is a torn .tmp. The resume encrypts the file again under a new blob
    # id and key, uploads it and sends the post once.
    from app.files_cache import blob_path

    ana, ben, gid = _pair(make_profile, relay)
    path, data = _file(tmp_path, "minutes.pdf", (3 << 20) + 5)
    uploads = ana.files.uploads
    rt = uploads._access.runtime()
    planned = uploads._plan(rt, 0, path, len(data))
    upload_id = rt.store.files.add_upload(rt.resolve_group(gid).id, rt.now(), "the minutes",
                                          bytes(16), None, [planned])
    blob_path(rt, planned.blob_id).with_suffix(".tmp").write_bytes(os.urandom(1 << 20))
    [waiting] = ana.files.pending()
    assert waiting.files[0].source == str(path.resolve())
    sent = ana.files.resume_uploads()
    assert len(sent) == 1 and ana.files.resume_uploads() == []
    after = rt.store.files.get_upload(upload_id)
    assert after is not None and after.state == "sent"
    assert after.files[0].source is None and after.files[0].blob_id != planned.blob_id
    assert not blob_path(rt, planned.blob_id).with_suffix(".tmp").exists()
    ana.sync_once()
    ben.sync_once()
    out = tmp_path / "out"
    out.mkdir()
    [saved] = ben.files.download(gid, sent[0], out)
    assert saved.read_bytes() == data


def test_a_file_that_changes_while_it_is_encrypted_is_refused_and_nothing_goes(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    from app.errors import InvalidInput

    ana, _ben, gid = _pair(make_profile, relay)
    path, _data = _file(tmp_path, "growing.log", 3 << 20)
    uploads = ana.files.uploads
    plan = uploads._plan

    def planned_then_grown(rt, idx, p, size):  # type: ignore[no-untyped-def]
        row = plan(rt, idx, p, size)
        with open(p, "ab") as f:
            f.write(b"more")            # written to after it was measured
        return row

    uploads._plan = planned_then_grown    # type: ignore[method-assign]
    with pytest.raises(InvalidInput):
        ana.files.attach(gid, [path], "log")
    assert ana.files.pending() == []
    ana.sync_once()
    assert not any("log" in (getattr(p, "text", "") or "") for p in ana.posts.latest(gid).posts)


def test_a_download_resumes_after_the_relay_restarts(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    path, data = _file(tmp_path, "big.bin", 4 << 20)
    post = ana.files.attach(gid, [path]).post_id
    assert post
    ana.sync_once()
    ben.sync_once()
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= total // 2:
            stop.set()

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        ben.files.download(gid, post, out, progress=progress, cancel=stop)
    assert list(out.iterdir()) == []
    relay.stop()
    relay.start()
    resumed: list[int] = []
    [saved] = ben.files.download(gid, post, out, progress=lambda d, t: resumed.append(d))
    assert saved.read_bytes() == data
    assert resumed[0] > blob_size_for(len(data)) // 2 - (1 << 20)   # it did not start over


def test_a_relay_that_alters_a_chunk_saves_nothing(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    path, _ = _file(tmp_path, "report.pdf", 1_500_000)
    post = ana.files.attach(gid, [path]).post_id
    ana.sync_once()
    ben.sync_once()
    stored = sorted((relay.data_dir / "blobs").rglob("*.blob"))[0]
    raw = bytearray(stored.read_bytes())
    raw[(1 << 20) + 100] ^= 1          # a byte of the second chunk
    stored.write_bytes(bytes(raw))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(FileAltered, match="altered"):
        ben.files.download(gid, post, out)
    assert list(out.iterdir()) == []
    assert not list((ben.profile_dir / "blobs").glob("*.blob"))


def test_the_sender_deletes_and_every_copy_goes(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    path, _ = _file(tmp_path, "photo.jpg", 40_000)
    post = ana.files.attach(gid, [path]).post_id
    assert post
    ana.sync_once()
    ben.sync_once()
    ben.files.fetch(gid, post, 0)
    assert list((ben.profile_dir / "blobs").glob("*.blob"))
    with pytest.raises(NotAllowed):
        ben.files.delete(gid, post)
    ana.files.delete(gid, post)
    assert not list((relay.data_dir / "blobs").rglob("*.blob"))
    ana.sync_once()
    ben.sync_once()
    assert ben.files.list(gid, "images") == []
    assert not list((ben.profile_dir / "blobs").glob("*.blob"))
    with pytest.raises(NotFound):
        ben.files.fetch(gid, post, 0)


def test_the_cache_keeps_to_its_limit_least_recently_used_first(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    posts = []
    for i in range(3):
        path, _ = _file(tmp_path, f"f{i}.bin", 700_000)
        posts.append(ana.files.attach(gid, [path]).post_id)
    ana.sync_once()
    ben.sync_once()
    for post in posts:
        ben.files.fetch(gid, post, 0)
    ben.files.fetch(gid, posts[0], 0)          # used again: now the newest
    ben.files.set_cache_limit_mb(2)
    cached = {v.post_id for v in ben.files.list(gid) if v.cached}
    assert cached == {posts[0], posts[2]} and ben.files.cache_bytes() <= 2 << 20
    out = tmp_path / "out"
    out.mkdir()
    assert ben.files.download(gid, posts[1], out)   # evicted: fetched again from the relay


def test_library_entries_follow_the_rules(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    post = ana.posts.post(gid, "Read https://example.org/guide today").id
    ana.sync_once()
    ben.sync_once()
    item = ben.library.add(gid, post, "Guide", ["howto"], "A good one")
    ben.sync_once()
    ana.sync_once()
    assert [i.title for i in ana.library.items(gid)] == ["Guide"]
    with pytest.raises(NotAllowed):
        ben.library.pin(gid, item)
    ana.library.pin(gid, item)
    ana.sync_once()
    ben.sync_once()
    assert ben.library.items(gid)[0].pinned
    links = ben.files.list(gid, "links")
    assert [link.url for link in links] == ["https://example.org/guide"]
    ana.library.remove(gid, item)              # an admin curates
    ana.sync_once()
    ben.sync_once()
    assert ben.library.items(gid) == []
    assert ben.posts.get(gid, post).text.startswith("Read")   # the post itself stays


def test_small_images_download_by_themselves_and_nothing_else(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    small, _ = _file(tmp_path, "small.png", 30_000)
    doc, _ = _file(tmp_path, "doc.pdf", 30_000)
    ana.files.attach(gid, [small, doc])
    ana.sync_once()
    ben.sync_once()
    assert ben.files.auto_fetch(gid) == 1
    cached = {v.name: v.cached for v in ben.files.list(gid)}
    assert cached == {"small.png": True, "doc.pdf": False}
    ben.files.set_auto_download_mb(0)
    big, _ = _file(tmp_path, "big.png", 40_000)
    ana.files.attach(gid, [big])
    ana.sync_once()
    ben.sync_once()
    assert ben.files.auto_fetch(gid) == 0
