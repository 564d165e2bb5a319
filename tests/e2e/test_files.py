"""Files end to end: two CLI profiles (separate processes) and a real relay process.

Files of 0 B, 1 B and 5 MiB go up and come back with the same SHA-256; the relay's data
directory holds none of their bytes or names and only bucket-sized blobs; an upload made
while the relay is down waits in the outbox and goes once, with its post, at the next sync;
a hostile name lands safely inside the chosen folder; the sender deletes; the library."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from crypto.files import is_bucket
from tests.e2e.harness import Cli, RelayProcess, scan_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pair(relay: RelayProcess, make_cli: Callable[..., Cli]) -> tuple[Cli, Cli, str]:
    ana, ben = make_cli("Ana"), make_cli("Ben")
    gid = ana.out("group", "create", "Book club", "--relay", relay.url)
    ben.run("join", ana.out("invite", "create", gid))
    ana.run("sync")
    ben.run("sync")
    return ana, ben, gid


def _stored_blob_sizes(data: Path) -> list[int]:
    with sqlite3.connect(data / "relay.db") as db:
        return [r[0] for r in db.execute("SELECT size FROM blobs")]


def test_files_of_every_size_arrive_intact_and_the_relay_learns_only_buckets(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, gid = _pair(relay, make_cli)
    src = tmp_path / "src"
    src.mkdir()
    marker = os.urandom(64)
    files = {"empty-secret-name.txt": b"", "one-byte-secret.bin": b"x",
             "holiday-secret-photos.jpg": marker + os.urandom(5 << 20) + marker}
    for name, data in files.items():
        (src / name).write_bytes(data)
    post = ana.out("attach", gid, *(str(src / n) for n in files), "--text", "Pictures!")
    assert len(post) == 64

    ben.run("sync")
    listed = ben.json("files", gid)["files"]
    assert sorted(f["name"] for f in listed) == sorted(files)
    out = tmp_path / "ben-downloads"
    out.mkdir()
    saved = [Path(p) for p in ben.json("download", gid, post, "--out", str(out))["saved"]]
    assert sorted(p.name for p in saved) == sorted(files)
    for p in saved:
        assert p.parent == out
        assert _sha(p) == hashlib.sha256(files[p.name]).hexdigest()
    read = ben.json("read", gid)["posts"]
    assert any("Pictures!" in p["text"] for p in read)

    # what the relay holds: bucket sizes only, none of the bytes or the names
    data_dir = relay.data_dir
    sizes = _stored_blob_sizes(data_dir)
    assert len(sizes) == 3 and all(is_bucket(s) for s in sizes)
    on_disk = [p.stat().st_size for p in (data_dir / "blobs").rglob("*.blob")]
    assert sorted(on_disk) == sorted(sizes)
    needles = {"marker": marker, "photo bytes": files["holiday-secret-photos.jpg"][64:1064]}
    needles.update({f"name {n}": n.encode() for n in files})
    needles["caption"] = b"Pictures!"
    assert scan_for([data_dir], needles) == []


def test_an_upload_while_the_relay_is_down_waits_and_goes_once(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, gid = _pair(relay, make_cli)
    doc = tmp_path / "minutes.pdf"
    doc.write_bytes(os.urandom(300_000))
    relay.stop()
    run = ana.run("attach", gid, str(doc), "--text", "Minutes")
    assert run.returncode == 0 and run.stdout.strip() == ""
    assert "outbox" in run.stderr and "sync" in run.stderr
    doc.unlink()                    # the outbox holds its own encrypted copy
    relay.start()
    ana.run("sync")
    ana.run("sync")                 # a second sync sends nothing twice
    ben.run("sync")
    posts = [p for p in ben.json("read", gid)["posts"] if "Minutes" in p["text"]]
    assert len(posts) == 1
    out = tmp_path / "out"
    out.mkdir()
    [saved] = ben.json("download", gid, posts[0]["id"], "--out", str(out))["saved"]
    assert Path(saved).stat().st_size == 300_000


def test_hostile_names_land_inside_the_folder_and_the_sender_can_delete(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, gid = _pair(relay, make_cli)
    src = tmp_path / "src"
    src.mkdir()
    bad = src / "CON.txt"          # a reserved Windows device name
    bad.write_bytes(b"hello")
    post = ana.out("attach", gid, str(bad))
    ben.run("sync")
    out = tmp_path / "out"
    out.mkdir()
    [saved] = ben.json("download", gid, post, "--out", str(out))["saved"]
    assert Path(saved).parent == out and Path(saved).name == "_CON.txt"

    item = ben.out("library", "add", gid, post, "--title", "Greeting", "--tags", "a,b")
    ana.run("sync")
    lib = ana.json("files", gid)["library"]
    assert [(i["title"], i["tags"]) for i in lib] == [("Greeting", ["a", "b"])]
    ana.run("library", "tags", gid, item, "kept, new")      # the founder curates
    assert ana.json("files", gid)["library"][0]["tags"] == ["kept", "new"]
    [hit] = ana.json("search", "greet", "--group", gid)["hits"]   # the library's title
    assert (hit["kind"], hit["post"], hit["sender"]) == ("library", post, "Ben")
    assert "\x02" not in hit["snippet"] and "Greeting" in hit["snippet"]
    shown = ana.out("search", "kept")                             # a curated tag
    assert "library" in shown and "Greeting" in shown and post[:8] in shown
    refused = ben.run("library", "tags", gid, item, "mine", check=False)
    assert refused.returncode != 0 and refused.stderr.count("\n") == 1
    refused = ana.run("library", "remove", gid, item, check=False)
    assert refused.returncode == 0       # the founder is an admin: curating is allowed
    ben.run("sync")
    assert ben.json("files", gid)["library"] == []
    assert ben.json("search", "greeting")["hits"] == []

    ana.run("delete", gid, post)  # the post's own delete also withdraws its files
    ana.run("sync")
    ben.run("sync")
    assert ben.json("files", gid)["files"] == [] or all(
        f["post"] != post for f in ben.json("files", gid)["files"])


def test_a_missing_file_is_one_sentence(relay: RelayProcess,
                                        make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana = make_cli("Ana")
    gid = ana.out("group", "create", "Solo", "--relay", relay.url)
    run = ana.run("attach", gid, str(tmp_path / "nope.txt"), check=False)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "does not exist" in run.stderr
    german = replace(ana, env={**ana.env, "COTERIE_LANG": "de"})
    run = german.run("attach", gid, str(tmp_path / "nope.txt"), check=False)
    assert run.returncode == 2 and run.stderr.strip() == (
        f"coterie: Die Datei {tmp_path / 'nope.txt'} existiert nicht.")
    run = german.run("files", gid, "--member", "Niemand", check=False)
    assert run.returncode != 0 and "Niemand" in run.stderr and "No member" not in run.stderr
    run = german.run("library", "remove", gid, "abcdef", check=False)
    assert run.stderr.strip() == ("coterie: In dieser Gruppe gibt es keinen Bibliothekseintrag "
                                  "„abcdef“.")


def test_a_client_killed_half_way_through_an_upload_finishes_after_restart(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    from tests.e2e.harness import PY, ROOT

    ana, ben, gid = _pair(relay, make_cli)
    data = os.urandom(24 << 20)
    big = tmp_path / "recording.wav"
    big.write_bytes(data)
    proc = subprocess.Popen([PY, "-m", "app.cli", "--profile", str(ana.profile), "attach", gid,
                             str(big), "--text", "Rehearsal"], cwd=ROOT, env=ana.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = relay.data_dir / "relay.db"
    deadline = time.monotonic() + 120
    chunks = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(db) as conn:
                chunks = conn.execute("SELECT count(*) FROM blob_chunks").fetchone()[0]
        except sqlite3.OperationalError:
            chunks = 0
        if chunks >= 12:             # about half of the 25 chunks
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the upload finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert 12 <= chunks < 25
    ana.run("sync")
    ana.run("sync")
    ben.run("sync")
    posts = [p for p in ben.json("read", gid)["posts"] if "Rehearsal" in p["text"]]
    assert len(posts) == 1
    out = tmp_path / "out"
    out.mkdir()
    [saved] = ben.json("download", gid, posts[0]["id"], "--out", str(out))["saved"]
    assert _sha(Path(saved)) == hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(not os.environ.get("COTERIE_BIG_FILES"),
                    reason="the 100 MiB round trip runs with COTERIE_BIG_FILES=1")
def test_a_100_mib_file_round_trips(relay: RelayProcess, make_cli: Callable[..., Cli],
                                    tmp_path: Path) -> None:
    ana, ben, gid = _pair(relay, make_cli)
    big = tmp_path / "disk.img"
    with open(big, "wb") as f:
        for _ in range(100):
            f.write(os.urandom(1 << 20))
    post = ana.out("attach", gid, str(big))
    ben.run("sync")
    out = tmp_path / "out"
    out.mkdir()
    [saved] = ben.json("download", gid, post, "--out", str(out))["saved"]
    assert _sha(Path(saved)) == _sha(big)
    assert all(is_bucket(s) for s in _stored_blob_sizes(relay.data_dir))


def test_files_filter_by_channel_and_member_and_sort_from_the_cli(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, gid = _pair(relay, make_cli)
    ana.run("channel", "create", gid, "Reading")
    ana.run("sync")
    ben.run("sync")
    small, big = tmp_path / "b-small.txt", tmp_path / "a-big.txt"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"y" * 5000)
    in_general = ana.out("attach", gid, str(small))
    in_reading = ben.out("attach", gid, str(big), "--channel", "Reading")
    ana.run("sync")
    ben.run("sync")
    ana.run("sync")
    doc = ana.json("files", gid, "--channel", "Reading")
    assert [f["post"] for f in doc["files"]] == [in_reading]
    doc = ana.json("files", gid, "--member", "Ana")
    assert [f["post"] for f in doc["files"]] == [in_general]
    by_name = ana.json("files", gid, "--sort", "name")["files"]
    assert [f["name"] for f in by_name] == ["a-big.txt", "b-small.txt"]
    by_size = ana.json("files", gid, "--sort", "size")["files"]
    assert [f["size"] for f in by_size] == [5000, 10]
    text = ana.out("files", gid, "--member", "Ben", "--kind", "documents")
    assert "a-big.txt" in text and "b-small.txt" not in text
    bad = ana.run("files", gid, "--member", "Nobody", check=False)
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1


def test_file_limits_are_settings_kept_in_the_profile(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, gid = _pair(relay, make_cli)
    shown = ben.json("settings")
    assert (shown["cache_limit_mb"], shown["auto_download_mb"]) == (1024, 10)
    ben.run("settings", "--auto-download-mb", "0", "--cache-mb", "5")
    shown = ben.json("settings")
    assert (shown["cache_limit_mb"], shown["auto_download_mb"]) == (5, 0)
    assert "5 MB" in ben.out("settings")
    image = tmp_path / "small.png"
    image.write_bytes(os.urandom(2000))
    post = ana.out("attach", gid, str(image))
    ben.run("sync")                          # with the limit at 0 nothing comes by itself
    assert [f["cached"] for f in ben.json("files", gid)["files"] if f["post"] == post] == [False]
    bad = ben.run("settings", "--cache-mb", "0", check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert ben.json("settings")["cache_limit_mb"] == 5
