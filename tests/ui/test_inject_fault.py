"""The fault injector of the window tests fails only the call it replaces, as the real
call would fail, and leaves every other call real."""
from __future__ import annotations

import pytest

from app.store.errors import StoreError
from tests.ui.real_services import LiveWorld, inject_fault


def test_an_injected_fault_fails_only_its_call_and_leaves_the_rest_real(world: LiveWorld) -> None:
    ana = world.services("Ana")
    club = world.groups["Book club"]
    real = ana.posts
    error = StoreError("The store could not complete that operation.")
    with pytest.raises(AttributeError):  # a call the real services do not have
        inject_fault(ana, "posts", "publish", error)
    assert ana.posts is real
    fault = inject_fault(ana, "posts", "post", error)
    assert ana.posts is fault and fault.real is real
    with pytest.raises(StoreError) as raised:
        ana.posts.post(club, "never stored")
    assert raised.value is error
    with pytest.raises(TypeError):  # called wrongly: it fails as the real call would
        ana.posts.post(club)  # type: ignore[call-arg]
    assert fault.calls == 1
    # every other call is the real one, over the real store
    latest = ana.posts.latest(club).posts
    assert latest == real.latest(club).posts
    assert "never stored" not in [p.text for p in latest]
    reply = ana.posts.reply(club, world.posts["question"], "a real reply")
    assert real.get(club, reply.id).text == "a real reply"
