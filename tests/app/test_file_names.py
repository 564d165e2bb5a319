"""Hostile file names from other members are saved under safe names inside the chosen folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.file_names import looks_executable, safe_name, unique_path


@pytest.mark.parametrize("claimed, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\system32\\evil.dll", "evil.dll"),
    ("/etc/shadow", "shadow"),
    ("C:\\Users\\x\\doc.txt", "doc.txt"),
    ("..", "file"),
    (".", "file"),
    ("", "file"),
    (".bashrc", "bashrc"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT1.log", "_LPT1.log"),
    ("nul", "_nul"),
    ("report. ", "report"),
    ("a\x00b\x1bc\x7f.txt", "abc.txt"),
    ("invoice\u202egpj.exe", "invoicegpj.exe"),          # right-to-left override gone
    ("zero\u200bwidth.txt", "zerowidth.txt"),
    ("what?<is>|this*.txt", "what__is__this_.txt"),
    ("line\nbreak.txt", "linebreak.txt"),
])
def test_hostile_names_become_safe(claimed: str, expected: str) -> None:
    assert safe_name(claimed) == expected


def test_a_long_name_is_capped_and_keeps_its_extension() -> None:
    name = safe_name("é" * 400 + ".pdf")
    assert len(name.encode()) <= 200 and name.endswith(".pdf")


def test_unique_paths_stay_inside_the_folder_and_never_overwrite(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a (2).txt").write_text("x")
    assert unique_path(tmp_path, "../a.txt") == tmp_path / "a (3).txt"
    for claimed in ("../../x", "/abs/path", "sub/dir/file", "\\\\server\\share\\f"):
        assert unique_path(tmp_path, claimed).parent == tmp_path


def test_executables_are_recognised_whatever_the_tricks() -> None:
    assert looks_executable("setup.EXE")
    assert looks_executable("photo\u202egpj.exe")
    assert looks_executable("run.sh ")
    assert not looks_executable("photo.jpg")
