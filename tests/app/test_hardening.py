"""The app process writes no core file: checked in a fresh interpreter started like the
app (the test process itself stays debuggable)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(sys.platform == "win32", reason="no core files on Windows")
def test_no_core_dumps_sets_the_core_limit_to_zero_and_the_process_non_dumpable() -> None:
    seen = _run("""
        import json, resource
        from app.hardening import dumpable, no_core_dumps
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        before = (resource.getrlimit(resource.RLIMIT_CORE), dumpable())
        ok = no_core_dumps()
        print(json.dumps({"before": before, "after": (resource.getrlimit(resource.RLIMIT_CORE),
                                                      dumpable()), "ok": ok}))
    """)
    assert seen["ok"]
    assert seen["before"][0][0] != 0
    assert seen["after"][0] == [0, 0]
    if sys.platform.startswith("linux"):
        assert seen["before"][1] is True and seen["after"][1] is False


@pytest.mark.skipif(sys.platform == "win32", reason="no core files on Windows")
@pytest.mark.parametrize("entry", ["ui.launcher", "app"])
def test_both_entry_points_disable_core_dumps_before_anything_else(entry: str) -> None:
    """`coterie` (GUI and CLI) and `python -m app` harden the process at start."""
    seen = _run(f"""
        import json, resource, sys
        import {'ui.launcher as m' if entry == 'ui.launcher' else 'app.cli as m'}
        from app.hardening import dumpable
        sys.argv = ["coterie", "--help"]
        try:
            {'m.main(["--help"])' if entry == 'ui.launcher' else 'import runpy; runpy.run_module("app", run_name="__main__")'}
        except SystemExit:
            pass
        print(json.dumps({{"core": resource.getrlimit(resource.RLIMIT_CORE), "dumpable": dumpable()}}))
    """)
    assert seen["core"] == [0, 0]
    if sys.platform.startswith("linux"):
        assert seen["dumpable"] is False
