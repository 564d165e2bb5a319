"""Joining with a link whose relay never finishes: the join ends within its bounds with one
clear sentence, or at once when cancelled, and stores nothing (real services, real stores)."""
from __future__ import annotations

import asyncio
import base64
import os
import threading
import time
from collections.abc import Callable

import pytest
from starlette.requests import Request
from starlette.responses import Response

from app.api import Services
from app.errors import InviteError
from app.invites import MSG_JOIN_CANCELLED
from tests.sync.hostile import MESSAGES, HostileRelay, numbered, page

pytestmark = pytest.mark.timeout(120)
JUNK = base64.urlsafe_b64encode(os.urandom(1024)).rstrip(b"=").decode()


def link_on(relay: HostileRelay, people: Callable[[str], Services]) -> str:
    ana = people("Ana")
    gid = ana.groups.create("Garden", relay.url).id
    return ana.invites.create(gid).link


def test_a_join_against_endless_pages_ends_with_a_clear_error(
        people: Callable[[str], Services]) -> None:
    endless = page(lambda after, limit: numbered(after, 1, JUNK), more=True)
    with HostileRelay({MESSAGES: endless}) as relay:
        link = link_on(relay, people)
        ben = people("Ben")
        started = time.monotonic()
        with pytest.raises(InviteError, match="misbehaved: The relay kept sending pages"):
            ben.invites.join(link)
        assert time.monotonic() - started < 30
        assert ben.invites.joins() == []


def test_a_hung_join_is_cancelled_from_another_thread(
        people: Callable[[str], Services]) -> None:
    async def silent(request: Request) -> Response:
        while not await request.is_disconnected():
            await asyncio.sleep(0.05)
        return Response(status_code=204)

    with HostileRelay({MESSAGES: silent}) as relay:
        link = link_on(relay, people)
        ben = people("Ben")
        cancel = threading.Event()
        threading.Timer(0.5, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(InviteError) as refused:
            ben.invites.join(link, cancel=cancel)
        assert str(refused.value) == MSG_JOIN_CANCELLED
        assert time.monotonic() - started < 2
        assert ben.invites.joins() == []
