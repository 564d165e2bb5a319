"""Display names cannot lie: invisible and reordering characters are stripped, empty names
refused, names isolated beside other text, and look-alike names tagged with a fingerprint
prefix; in the app and through the real window, services, relay and stores."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.errors import InvalidInput
from app.names import (
    FSI,
    PDI,
    check_name,
    clean_name,
    isolate,
    lookalike_keys,
    short_tag,
    skeleton,
)
from tests.ui.timeline_world import WAIT, People, open_group, rows, settle
from ui.delegates.search_delegate import SearchDelegate
from ui.dialogs.members import MembersDialog
from ui.models.request_model import JoinRequestListModel

SPOOF = "Cleo \u202enimda\u202c"


@pytest.mark.parametrize(("raw", "clean"), [
    (SPOOF, "Cleo nimda"),
    ("Ana\u2066\u2067\u2068\u2069\u200e\u200f\u061c Lee", "Ana Lee"),
    ("\u200b\u200c\u200d\u2060\ufeff", ""),
    ("\u3164", ""),                                  # Hangul filler: a letter that shows nothing
    ("  Ana \n\t Lee  ", "Ana Lee"),
    ("Ana\u2028Lee", "AnaLee"),
    ("محمد", "محمد"),                                # right-to-left script stays
    ("می\u200cخواهم", "می\u200cخواهم"),              # ZWNJ inside a Persian word stays
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),          # ZWJ emoji sequence stays
    ("\u200dAna\u200d", "Ana"),                      # ZWJ at the edges goes
    ("José", "José"),
    ("e\u0301", "é"),                                # NFC
    ("\u0301", ""),                                  # a lone combining mark shows nothing
    ("Bob\U000e0041", "Bob"),                        # tag characters
])
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_names_empty_after_cleaning_are_refused() -> None:
    with pytest.raises(InvalidInput):
        check_name("\u200b\u202e\u202c")
    with pytest.raises(InvalidInput):
        check_name("x" * 101)
    assert check_name(" \u202eAna ") == "Ana"


def test_lookalikes_share_a_skeleton_and_get_tags() -> None:
    assert skeleton("Bea") == skeleton("Bеa") == skeleton("BEA")  # Cyrillic е
    assert skeleton("admin") == skeleton("ADMlN") == skeleton("аdmin")
    assert skeleton("Ana") != skeleton("Anna")
    assert lookalike_keys({"f1": "Bea", "f2": "Bеa", "f3": "Ana"}) == {"f1", "f2"}
    assert short_tag("3FA9 0C12 …") == "3fa9"
    assert isolate("x") == f"{FSI}x{PDI}"


def test_empty_names_are_refused_where_names_are_set(people: People) -> None:
    ana = people.person("Ana")
    svc = ana.services
    with pytest.raises(InvalidInput):
        svc.settings.update(display_name="\u200b\u200b")
    with pytest.raises(InvalidInput):
        svc.groups.create("\u2066\u2069\u200d", people.relay_url)
    gid = svc.groups.create("Club", people.relay_url).id
    with pytest.raises(InvalidInput):
        svc.groups.rename(gid, "\u202e")
    assert svc.settings.update(display_name="Ana \u202eB").display_name == "Ana B"
    from app.api import Services
    fresh = Services(people.tmp / "blank", keyring_backend=people.keyring)
    with pytest.raises(InvalidInput):
        fresh.profile.create("\u200b")


@pytest.mark.slow
def test_a_spoofing_name_from_another_member_is_cleaned_and_isolated(qtbot, qapp,
                                                                     people: People) -> None:
    ana, cleo = people.person("Ana"), people.person("Cleo")
    gid = people.group(ana, "Club")
    # Cleo's client is hostile: it sends a name with a right-to-left override
    cleo.services._access.runtime().display_name = SPOOF
    link = ana.services.invites.create(gid, uses=5).link
    ana.services.sync_once()
    cleo.services.invites.join(link)
    cleo.services.sync_once()
    window = people.open_window(qtbot, qapp, ana)
    ana.services.sync_once()
    open_group(qtbot, ana, gid)

    # join request: cleaned, isolated beside the fingerprint
    requests = ana.services.invites.requests(gid)
    assert [r.name for r in requests] == ["Cleo nimda"]
    model = JoinRequestListModel()
    model.set_requests(requests)
    shown = model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole)
    assert shown.startswith(f"{FSI}Cleo nimda{PDI} · ")

    ana.services.invites.approve(gid, requests[0].id)
    ana.services.sync_once()
    cleo.services.sync_once()
    cleo.services.posts.post(gid, "hi all")
    cleo.services.sync_once()
    ana.services.sync_once()

    # timeline, members, sidebar and search
    qtbot.waitUntil(lambda: any(p.kind == "post" for p in rows(ana)), timeout=WAIT)
    post = next(p for p in rows(ana) if p.kind == "post")
    assert post.sender_name == "Cleo nimda"
    assert any("Cleo nimda" in p.text and "\u202e" not in p.text
               for p in rows(ana) if p.kind == "event")
    members = {m.name for m in ana.services.groups.members(gid)}
    assert members == {"Ana", "Cleo nimda"}
    qtbot.waitUntil(lambda: any(g.last_sender == "Cleo nimda" for g in window.groups),
                    timeout=WAIT)
    dialog = MembersDialog(window._ctx, window.pane.group, window)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT)
    texts = [dialog.model.data(dialog.model.index(r, 0), Qt.ItemDataRole.DisplayRole)
             for r in range(2)]
    assert f"{FSI}Cleo nimda{PDI}" in texts
    hits = ana.services.search.find("hi")
    assert hits and hits[0].sender_name == "Cleo nimda"
    assert f"{FSI}Club{PDI} · {FSI}Cleo nimda{PDI}" in SearchDelegate.where(hits[0])
    dialog.close()
    settle(qtbot, ana)


@pytest.mark.slow
def test_members_whose_names_look_alike_are_tagged(qtbot, qapp, people: People) -> None:
    ana, bea, fake = people.person("Ana"), people.person("Bea"), people.person("Bеa", "bea2")
    gid = people.group(ana, "Club", bea, fake)
    fake.services.posts.post(gid, "it is me, Bea")
    fake.services.sync_once()
    people.open_window(qtbot, qapp, ana)
    ana.services.sync_once()
    open_group(qtbot, ana, gid)
    tags = {short_tag(bea.fingerprint), short_tag(fake.fingerprint)}
    names = {m.name for m in ana.services.groups.members(gid)}
    assert names == {"Ana"} | {f"Bea ({short_tag(bea.fingerprint)})",
                               f"Bеa ({short_tag(fake.fingerprint)})"}
    qtbot.waitUntil(lambda: any(p.kind == "post" for p in rows(ana)), timeout=WAIT)
    post = next(p for p in rows(ana) if p.kind == "post")
    assert post.sender_name == f"Bеa ({short_tag(fake.fingerprint)})"
    assert len(tags) == 2
    # once removed, the look-alike keeps her tag in the timeline's notes
    ana.services.groups.remove_member(gid, fake.fingerprint)
    fake_tag = f"Bеa ({short_tag(fake.fingerprint)})"
    qtbot.waitUntil(lambda: any("removed" in p.text for p in rows(ana) if p.kind == "event"),
                    timeout=WAIT)
    notes = [p.text.replace(FSI, "").replace(PDI, "") for p in rows(ana) if p.kind == "event"]
    assert f"You added {fake_tag}" in notes and f"You removed {fake_tag}" in notes
    assert f"You added Bea ({short_tag(bea.fingerprint)})" in notes
    # and so do her posts, compared with the members' names
    page = ana.services.posts.latest(gid)
    assert [p.sender_name for p in page.posts if p.kind == "post"] == [fake_tag]
