"""The CLI's promises that need no relay: exit codes and one-sentence errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli
from app import cli_format as fmt
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


# -- every argument is input: refused with exit 2 and one sentence, before anything opens ----

@pytest.mark.parametrize("argv", [
    ("invite", "create", "g", "--expires", "9" * 5000),     # int() of 5,000 digits raised
    ("invite", "create", "g", "--expires", "１２h"),          # full-width digits were a duration
    ("invite", "create", "g", "--expires", "٣d"),            # so were Arabic-Indic ones
    ("invite", "create", "g", "--uses", "１"),
    ("invite", "create", "g", "--uses", "9" * 5000),
    ("invite", "create", "g", "--uses", "0"),
    ("invite", "create", "g", "--uses", "1_000"),
    ("read", "g", "--limit", "５"),
    ("read", "g", "--limit", "0"),
    ("search", "word", "--limit", "-3"),
    ("reply", "g", "", "text"),                              # was a plain post, silently
    ("invite", "revoke", "g", " "),
    ("approve", "g", ""),
    ("join", ""),
    ("--profile", "", "group", "list"),
    ("--profile", "   ", "group", "list"),
])
def test_bad_numbers_durations_and_paths_are_usage_errors(
        argv: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COTERIE_HOME", str(tmp_path / "profile"))
    code, out, err = _run(capsys, *argv)
    assert code == 2, err
    assert out == "" and err.count("\n") == 1 and err.startswith("coterie: ")
    assert err.rstrip().endswith("see `coterie --help`.") and len(err) < 300
    assert not (tmp_path / "profile").exists()


def test_arguments_that_are_not_utf8_are_usage_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Python hands undecodable argv bytes on as lone surrogates (b"Caf\xe9" -> "Caf\udce9").
    code, _out, err = _run(capsys, "--profile", str(tmp_path), "group", "create", "Caf\udce9")
    assert code == 2 and "argument 5 is not valid UTF-8" in err and err.count("\n") == 1


def test_limits_are_ascii_digits_that_services_then_bound(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["read", "g", "--limit", " 25 "]).limit == 25
    args = parser.parse_args(["invite", "create", "g", "--uses", "3", "--expires", "90m"])
    assert (args.uses, args.expires) == (3, 5400)
    assert parser.parse_args(["invite", "create", "g"]).expires == 72 * 3600


# -- other people's text is inert on the terminal ------------------------------------------

def test_plain_text_replaces_controls_and_isolates_names() -> None:
    hostile = "a\x1b]0;title\x07b\x9b31mc\u202ed\rE\u2028F\x00"
    assert fmt.safe(hostile) == "a\ufffd]0;title\ufffdb\ufffd31mc\ufffdd\ufffdE\ufffdF\ufffd"
    assert fmt.safe_lines("one\r\ntwo\n\tthree\x1b[2J") == ["one", "two", "    three\ufffd[2J"]
    assert fmt.person("Cleo \u202enimda\u202c") == "\u2068Cleo nimda\u2069"
    assert fmt.person("\u200b\u202e") == "\u2068Unnamed\u2069"
    # Our own layout keeps its newlines and isolates; nothing else that steers survives.
    assert fmt.terminal("x\n\u2068y\u2069\x1b[0m\x85") == "x\n\u2068y\u2069\ufffd[0m\ufffd"


def test_json_escapes_c1_and_bidi_but_keeps_the_document() -> None:
    doc = {"name": "Cleo \u202enimda\u202c", "text": "\x9b2J\x1b[2J\u2028", "emoji": "👍"}
    text = fmt.dumps(doc)
    assert json.loads(text) == doc
    assert "👍" in text and not any(c in text for c in "\x1b\x9b\u202e\u202c\u2028")


def test_columns_line_up_for_wide_and_isolated_names() -> None:
    rows = [(fmt.person("山田"), "admin"), (fmt.person("Ana"), "member")]
    first, second = fmt.table(rows).splitlines()
    assert fmt.width(first.split("admin")[0]) == fmt.width(second.split("member")[0])


def test_a_profile_path_that_cannot_be_a_directory_is_named_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COTERIE_PASSPHRASE", "a passphrase")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    (tmp_path / "file").write_text("not a directory")
    code, _out, err = _run(capsys, "--profile", str(tmp_path / "file" / "profile"),
                           "init", "--name", "Ana")
    assert code == 3 and "cannot be used" in err and str(tmp_path / "file") in err
    assert err.count("\n") == 1 and "COTERIE_DEBUG" not in err
