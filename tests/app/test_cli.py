"""The CLI's promises that need no relay: exit codes and one-sentence errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from app import cli
from app.account import ProfileService


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_usage_errors_are_one_line_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "post", "only-a-group")
    assert code == 2 and err.count("\n") == 1 and err.startswith("coterie: ")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "--help")
    assert code == 0 and "init" in out and "approve" in out


def test_a_missing_profile_says_what_to_do(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "--profile", str(tmp_path / "none"), "group", "list")
    assert code == 3 and "coterie init --name NAME" in err and err.count("\n") == 1


def test_an_unexpected_failure_is_one_sentence_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def broken(self: ProfileService) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(ProfileService, "state", broken)
    monkeypatch.delenv("COTERIE_DEBUG", raising=False)
    code, _out, err = _run(capsys, "--profile", str(tmp_path), "group", "list")
    assert code == 70 and "COTERIE_DEBUG" in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_bad_input_is_refused_before_anything_opens(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "--profile", str(tmp_path), "read", "g", "--limit", "x")
    assert code == 2 and "--limit" in err
