"""Where the test PostgreSQL server does not answer, a throwaway one is started from the
installed binaries; without binaries the PostgreSQL tests skip with one loud summary line,
and in CI they fail instead."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.relay import pg

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ONE_PG_TEST = ("tests/relay/test_pg_storage.py::"
               "test_migrations_apply_once_and_a_newer_database_is_refused")


def run_pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if k not in ("CI", "COTERIE_REQUIRE_POSTGRES", "COTERIE_TEST_PG_BIN")}
    # A database URL on a port nobody listens on: the configured server is unreachable.
    base["COTERIE_TEST_DATABASE"] = _dead_url()
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-o", "addopts=", ONE_PG_TEST],
                          cwd=ROOT, env={**base, **env}, capture_output=True, text=True,
                          timeout=240)


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/test"


@pytest.mark.skipif(pg.binaries() is None, reason="no PostgreSQL binaries installed")
def test_an_unreachable_server_is_replaced_by_a_throwaway_one(tmp_path: Path) -> None:
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("coterie-test-pg-*"))
    proc = run_pytest(tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "1 passed" in proc.stdout and "skipped" not in proc.stdout
    assert "ran on a throwaway server postgresql://" in proc.stdout
    # The server was stopped and its directory removed when the session ended.
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("coterie-test-pg-*")) <= before


def test_without_binaries_the_tests_skip_loudly_and_ci_fails(tmp_path: Path) -> None:
    nothing = tmp_path / "no-binaries"
    nothing.mkdir()
    skipped = run_pytest(tmp_path, COTERIE_TEST_PG_BIN=str(nothing))
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout
    loud = [line for line in skipped.stdout.splitlines()
            if line.startswith("POSTGRESQL TESTS SKIPPED")]
    assert len(loud) == 1 and "no initdb/pg_ctl" in loud[0]
    for ci in ({"CI": "true"}, {"COTERIE_REQUIRE_POSTGRES": "1"}):
        failed = run_pytest(tmp_path, COTERIE_TEST_PG_BIN=str(nothing), **ci)
        assert failed.returncode != 0 and "CI must run these tests" in failed.stdout
