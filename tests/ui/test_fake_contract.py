"""The facade fake used by widget tests offers exactly what app.api.Services offers."""
from __future__ import annotations

import inspect

from app.api import Services
from tests.ui.fakes import FakeServices


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(fn) for name, fn in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_")}


def test_the_fake_has_every_facade_method_with_the_same_parameters() -> None:
    real = _public(Services)
    fake = _public(FakeServices)
    helpers = {"add_group", "add_post", "add_request", "set_connection"}
    assert set(real) <= set(fake), sorted(set(real) - set(fake))
    for name, signature in real.items():
        ours = [p.name for p in fake[name].parameters.values()]
        theirs = [p.name for p in signature.parameters.values()]
        assert ours == theirs, f"{name}: fake {ours} != facade {theirs}"
    assert set(fake) - set(real) <= helpers
