"""A timeout's end is stored as the signed time and written when shown: every member's log
holds the same `until`, and each reads it in their own time zone (the terminal as
"YYYY-MM-DD HH:MM" local time, the window in its locale), never as UTC. Real profiles, a
real relay."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest

from app import i18n
from app.api import Services
from tests.app.test_services import _pair
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def kathmandu() -> Iterator[None]:
    """A zone 5:45 ahead of UTC, so local and UTC minutes differ."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kathmandu"
    time.tzset()
    i18n.use_time_format(None)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def _sync(*members: Services) -> None:
    for svc in members:
        svc.sync_once()


def test_a_timeouts_end_reads_in_local_time_and_the_log_stays_identical(
        make_profile: Callable[[str], Services], relay: RelayProcess, kathmandu: None) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.moderation.timeout(gid, "Ben", 2 * 3600, reason="cool down")
    _sync(ana, ben)
    logs = [[(v.id, v.action, v.actor_fingerprint, v.target_fingerprint, v.until, v.reason,
              v.time) for v in svc.moderation.log(gid)] for svc in (ana, ben)]
    assert logs[0] == logs[1]
    (until,) = [row[4] for row in logs[0] if row[1] == "timeout"]
    local = time.strftime("%Y-%m-%d %H:%M", time.localtime(until))
    utc = time.strftime("%Y-%m-%d %H:%M", time.gmtime(until))
    assert local != utc
    for svc in (ana, ben):
        (line,) = [v.text for v in svc.moderation.log(gid) if v.action == "timeout"]
        assert local in line and "UTC" not in line and utc not in line, line
        shown = [p.text for p in svc.posts.latest(gid, 50).posts if p.code == "mod:timeout"]
        assert shown == [line]
    # the window writes moments its own way (its locale): the same signed end, its format
    i18n.use_time_format(lambda ts: f"<{ts}>")
    try:
        (line,) = [v.text for v in ana.moderation.log(gid) if v.action == "timeout"]
        assert f"until <{until}>" in line
    finally:
        i18n.use_time_format(None)
