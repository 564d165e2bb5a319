"""A linked desktop rotates its prekey like a first device (protocol §16.9), through real
parts: two members on a real relay, Ana on two desktops, the laptop's protocol clock moved
a week on."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from crypto.params import PREKEY_ROTATE_SECONDS
from tests.app.test_devices import Linking, _pair, texts
from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring

pytestmark = pytest.mark.timeout(180)


def test_a_linked_desktop_rotates_its_prekey_and_new_keys_reach_it(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
        memory_keyring: MemoryKeyring) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    offset = [0.0]
    linking = Linking(ana)
    code = linking.start()
    lap = Services(tmp_path / "laptop", keyring_backend=memory_keyring,
                   clock=lambda: time.time() + offset[0])
    try:
        lap.devices.join(code, "laptop", None,
                         lambda w, _n: linking.words.setdefault("new", w) == w)
        assert not isinstance(linking.wait(), Exception)
        device = lap._access.runtime().identity
        first = device.spk
        offset[0] = PREKEY_ROTATE_SECONDS + 60
        lap.sync_once()          # housekeeping: a new prekey, announced in every group
        assert device.spk != first
        ana.sync_once()
        ben.sync_once()
        member = ana._access.runtime().me
        for svc in (ana, ben):
            session = svc._access.runtime().session(bytes.fromhex(gid))
            [rec] = session.device_records(member)
            assert session.state.devices.prekey_of(rec.cert) == device.spk
        # the next key period (a member joins) is boxed to the new prekey and read
        cai = make_profile("Cai")
        link = ana.invites.create(gid).link
        ana.sync_once()
        cai.invites.join(link)
        cai.sync_once()
        assert ana.sync_once().admitted == 1
        cai.sync_once()
        for svc in (ben, lap):
            svc.sync_once()
        cai.posts.post(gid, "hello from Cai")
        cai.sync_once()
        lap.sync_once()
        assert ("Cai", "hello from Cai") in texts(lap, gid)
    finally:
        lap.close()
