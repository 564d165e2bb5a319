"""Process hardening at start-up: no core dumps of a process that holds the store key.

While unlocked, the raw 32-byte store key (and decrypted posts) live in this process's
memory; a crash that writes a core file would put them on disk in the clear, where the
encrypted store was meant to be the only copy. `no_core_dumps` sets RLIMIT_CORE to 0 (no
core file, on every POSIX system) and, on Linux, PR_SET_DUMPABLE to 0, which also keeps
systemd-coredump and apport away (they ignore RLIMIT_CORE) and stops other processes of
the same user from attaching with ptrace or reading /proc/<pid>/mem.
"""
from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

PR_SET_DUMPABLE = 4   # <linux/prctl.h>
PR_GET_DUMPABLE = 3


def no_core_dumps() -> bool:
    """Disable core dumps for this process; True when every applicable step took effect."""
    done = True
    try:
        import resource
    except ImportError:  # Windows: no core files to stop
        resource = None  # type: ignore[assignment]
    if resource is not None:
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except (OSError, ValueError):
            log.warning("could not disable core dumps (RLIMIT_CORE)")
            done = False
    if sys.platform.startswith("linux"):
        libc = _libc()
        if libc is None or libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            log.warning("could not mark the process non-dumpable (PR_SET_DUMPABLE)")
            done = False
    return done


def dumpable() -> bool | None:
    """Linux: whether the process is dumpable (None elsewhere or when it cannot be asked)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = _libc()
    if libc is None:
        return None
    return bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))


def _libc() -> ctypes.CDLL | None:
    """The C library. On Linux the one already in the process (dlopen(NULL)): looking it
    up by name runs `ldconfig -p` in a subprocess, a cost every command would pay."""
    try:
        if sys.platform.startswith("linux"):
            return ctypes.CDLL(None, use_errno=True)
        from ctypes.util import find_library  # not on Linux: it loads subprocess and shutil

        return ctypes.CDLL(find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
