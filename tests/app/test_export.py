"""Readable export of a group (docs/export.md): two members over a real relay, replies,
reactions, edits, deletes, non-ASCII and hostile names and text."""
from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest

from app.api import Services
from app.errors import InvalidInput
from app.export import CSP, clean_text
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(120)
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json")
                    .read_text("utf-8"))
HOSTILE_NAME = "Zoë <b>李</b> \u202egnp.exe"
HOSTILE_TEXT = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> \u202eevil\u2066 ok\x07"


class Page(HTMLParser):
    """What a browser would build: elements with attributes, and each post's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.notes: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        cls = dict(attrs).get("class") or ""
        self._in.append(cls if tag in ("div", "p") else "")
        if cls == "text":
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "text":
            self.texts[-1] += data
        if self._in and self._in[-1] == "note":
            self.notes.append(data)


def _group(make: Callable[[str], Services], relay: RelayProcess) -> tuple[Services, Services, str]:
    ana, zoe = make("Ana"), make(HOSTILE_NAME)
    gid = ana.groups.create("Club ✨ ünïcode", relay.url).id
    link = ana.invites.create(gid).link
    ana.sync_once()
    zoe.invites.join(link)
    zoe.sync_once()
    ana.sync_once()
    zoe.sync_once()
    return ana, zoe, gid


def test_export_shows_every_post_escaped_and_the_json_validates(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, zoe, gid = _group(make_profile, relay)
    first = ana.posts.post(gid, "Welcome, everyone\nsecond line").id
    ana.sync_once()
    zoe.sync_once()
    reply = zoe.posts.reply(gid, first, HOSTILE_TEXT).id
    zoe.posts.react(gid, first, "👍")
    doomed = zoe.posts.post(gid, "to be deleted").id
    edited = zoe.posts.post(gid, "typo").id
    zoe.sync_once()
    zoe.posts.edit(gid, edited, "fixed ✓")
    zoe.posts.delete(gid, doomed)
    zoe.sync_once()
    ana.sync_once()
    ana.posts.react(gid, reply, "❤️")
    ana.sync_once()
    attachment = tmp_path / "notes <1>.txt"
    attachment.write_bytes("chapter notes ✓\n".encode() * 100)
    attached = zoe.files.attach(gid, [attachment], "our notes").post_id
    zoe.sync_once()
    ana.sync_once()

    info = ana.export.write(gid, tmp_path / "out")
    assert info.posts == 5 and info.html and info.json
    out = tmp_path / "out"
    stem = Path(info.json).stem
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [Path(info.html).name, Path(info.json).name, f"{stem}-files"])   # nothing half-written

    doc = json.loads(Path(info.json).read_text("utf-8"))
    jsonschema.validate(doc, SCHEMA)
    posts = {p["id"]: p for p in doc["posts"]}
    assert posts[reply]["text"] == HOSTILE_TEXT and posts[reply]["reply_to"] == first
    assert posts[reply]["sender"]["name"] == zoe.profile.me().name
    assert [(r["emoji"], r["by"]["name"]) for r in posts[first]["reactions"]] == [
        ("👍", zoe.profile.me().name)]
    assert posts[edited]["text"] == "fixed ✓" and posts[edited]["edited"]["at"]
    assert posts[doomed]["text"] is None and posts[doomed]["deleted"]["by"]["fingerprint"] == \
        zoe.profile.me().fingerprint
    assert {m["fingerprint"] for m in doc["members"]} == {ana.profile.me().fingerprint,
                                                         zoe.profile.me().fingerprint}
    copied = posts[attached]["files"]
    assert [(f["name"], f["error"]) for f in copied] == [("notes <1>.txt", None)]
    assert (out / copied[0]["path"]).read_bytes() == attachment.read_bytes()
    assert doc["files"] == copied

    raw = Path(info.html).read_text("utf-8")
    page = Page()
    page.feed(raw)
    page.close()
    # every readable post, in the order of the JSON document (the timeline's order)
    assert page.texts == [clean_text(p["text"]) for p in doc["posts"] if p["text"]]
    assert sorted(page.texts) == sorted(["Welcome, everyone\nsecond line",
                                         clean_text(HOSTILE_TEXT), "fixed ✓",
                                         clean_text(posts[attached]["text"])])
    assert posts[attached]["text"].startswith("our notes")
    assert any("deleted by" in n for n in page.notes)
    tags = {t for t, _ in page.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "form", "base"}
    assert ("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}) in page.tags
    for _tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs)
        assert "src" not in attrs
        href = attrs.get("href")
        assert href is None or href.startswith("#p-") or href.startswith(f"{stem}-files/")
    assert f'href="{quote(copied[0]["path"])}"' in raw
    for bad in ("\u202e", "\u2066", "\x07", "<script", "<b>"):
        assert bad not in raw
    assert "Zoë" in raw and "李" in raw


def test_export_never_holds_a_key(make_profile: Callable[[str], Services],
                                  relay: RelayProcess, tmp_path: Path) -> None:
    ana, _zoe, gid = _group(make_profile, relay)
    ana.posts.post(gid, "hello")
    info = ana.export.write(gid, tmp_path, ("json",))
    assert info.html is None
    data = Path(info.json).read_bytes()
    rt = ana._access.runtime()
    state = rt.session(bytes.fromhex(gid)).state
    secrets = [ana._access.key(), rt.identity.to_bytes()[:32]]
    for ep in state.epochs.values():
        secrets += [ep.header_key, ep.write_seed, ep.read_seed, ep.my_ck, ep.mailbox]
    for secret in secrets:
        assert secret.hex().encode() not in data and secret not in data
    with pytest.raises(InvalidInput):
        ana.export.write(gid, tmp_path, ("pdf",))


def test_a_german_export_reads_german_and_says_so(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app import i18n

    ana, zoe, gid = _group(make_profile, relay)
    first = ana.posts.post(gid, "Willkommen").id
    ana.sync_once()
    zoe.sync_once()
    zoe.posts.reply(gid, first, "Danke")
    zoe.sync_once()
    ana.sync_once()
    monkeypatch.setenv("COTERIE_LANG", "de")
    i18n.language_changed()
    try:
        info = ana.export.write(gid, tmp_path / "out")
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        i18n.language_changed()
    raw = Path(info.html).read_text("utf-8")
    assert '<html lang="de">' in raw
    for german in ("Aus Coterie exportiert von", "<h2>Mitglieder</h2>", "<th>Rolle</th>",
                   "<h2>Beiträge</h2>", "Antwort auf", "2 Beiträge.", "(du)"):
        assert german in raw, german
    jsonschema.validate(json.loads(Path(info.json).read_text("utf-8")), SCHEMA)
