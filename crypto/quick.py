"""A faster __init__ for the frozen, slotted dataclasses built once per received post.

A frozen dataclass's generated __init__ stores each field with `object.__setattr__(self,
name, value)`, which looks the name up on the class every time; for Post, ContentReceived
and Opened that was ~3 µs of the ~15 µs an opened post costs beyond its signature check.
`quick_init` gives such a class an __init__ with the same signature (positional or keyword,
the same defaults and default factories) that stores each field through its slot's
descriptor directly. Nothing else changes: the class stays frozen (assignment still
raises), and equality, hashing, repr, replace() and pickling are the dataclass's own.
"""
from __future__ import annotations

import dataclasses
from typing import TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Class decorator, applied above @dataclass(frozen=True, slots=True)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__ \
            or hasattr(cls, "__post_init__"):
        raise TypeError("quick_init is for frozen, slotted dataclasses without __post_init__")
    ns: dict[str, object] = {"_NONE": dataclasses.MISSING}
    args: list[str] = []
    body: list[str] = []
    for f in dataclasses.fields(cls):
        if not f.init or f.kw_only:
            raise TypeError(f"quick_init: field {f.name} is not a plain positional field")
        if f.default is not dataclasses.MISSING:
            ns[f"_d_{f.name}"] = f.default
            args.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            ns[f"_f_{f.name}"] = f.default_factory
            args.append(f"{f.name}=_NONE")
            body.append(f"    if {f.name} is _NONE:\n        {f.name} = _f_{f.name}()")
        else:
            args.append(f.name)
        ns[f"_s_{f.name}"] = cls.__dict__[f.name].__set__   # the slot's member descriptor
        body.append(f"    _s_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(args)}):\n" + "\n".join(body or ["    pass"]), ns)
    init = ns["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[misc]
    return cls
