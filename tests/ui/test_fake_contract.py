"""The facade fake used by the screenshot tests offers exactly what app.api.Services
offers; the fault injector of the window tests fails only the call it replaces."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from app.api import Services
from app.store.errors import StoreError
from tests.ui.fakes import SHAPE, FakeServices
from tests.ui.real_services import LiveWorld, inject_fault


def _public(obj: object) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(fn) for name, fn in inspect.getmembers(obj, inspect.ismethod)
            if not name.startswith("_")}


def _capabilities(services: object) -> dict[str, object]:
    return {name: value for name, value in vars(services).items()
            if not name.startswith("_") and type(value).__module__.startswith("app.")}


def test_the_fake_has_every_facade_method_with_the_same_parameters(tmp_path: Path) -> None:
    real, fake = Services(tmp_path), FakeServices()
    real_caps = _capabilities(real)
    assert set(real_caps) == set(SHAPE)
    for cap, real_obj in real_caps.items():
        ours, theirs = _public(getattr(fake, cap)), _public(real_obj)
        assert set(ours) == set(theirs), (cap, sorted(set(ours) ^ set(theirs)))
        for name, signature in theirs.items():
            assert list(ours[name].parameters) == list(signature.parameters), f"{cap}.{name}"
    lifecycle = _public(real)
    fake_own = _public(fake)
    for name, signature in lifecycle.items():
        assert list(fake_own[name].parameters) == list(signature.parameters), name


# -- the fault injector the window tests use (tests/ui/real_services.py) ----------------------

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
