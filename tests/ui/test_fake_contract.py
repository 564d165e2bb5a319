"""The facade fake used by widget tests offers exactly what app.api.Services offers."""
from __future__ import annotations

import inspect
from pathlib import Path

from app.api import Services
from tests.ui.fakes import SHAPE, FakeServices


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
