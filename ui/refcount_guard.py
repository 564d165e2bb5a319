"""Keeps PySide6 6.12's reference-count slips from crashing the app on Python < 3.12.

PySide6 6.12.0 drops a reference to True on every `Signal.emit()` (the returned bool is not
increfed) and one to None whenever an invalid QVariant becomes Python's None (for example
`index.data(role)` for a role a model does not provide). On Python 3.12+ these objects are
immortal and nothing happens; on 3.11 their counts run down until CPython aborts with
"bool_dealloc" or "none_dealloc" after a few thousand signals. PySide6 6.11 does not do
this (checked with the same calls). Until the bindings are fixed, give the three
singletons a reference count no session can exhaust, as 3.12 does: they are never freed
anyway, so a larger count changes nothing else.
"""
from __future__ import annotations

import ctypes
import sys
from importlib import metadata

RESERVE = 1 << 40  # decrements needed before a crash: more than any session performs


def _affected() -> bool:
    if sys.version_info >= (3, 12):
        return False
    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
        major, minor = (int(p) for p in version.split(".")[:2])
        return (major, minor) >= (6, 12)
    return False


def guard_singletons() -> bool:
    """Raise the reference counts of None, True and False once; True when it was needed."""
    if not _affected() or getattr(sys, "_coterie_refcount_guard", False):
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += RESERVE
    sys._coterie_refcount_guard = True  # type: ignore[attr-defined]
    return True
