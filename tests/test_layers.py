"""The dependency direction of architecture.md, checked on every import in the tree."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level modules it must never import
FORBIDDEN: dict[str, set[str]] = {
    "crypto": {"app", "sync", "ui", "relay", "PySide6", "httpx", "sqlcipher3", "keyring",
               "logging", "socket", "requests", "starlette", "uvicorn", "platformdirs",
               "time", "random", "secrets", "os"},
    "sync": {"ui", "app", "relay", "PySide6", "sqlcipher3"},
    "app": {"ui", "relay", "PySide6"},
    "ui": {"sqlcipher3", "httpx", "nacl", "relay", "sync"},
    "relay": {"app", "sync", "ui", "PySide6", "sqlcipher3", "keyring"},
}
# Only the store module of app/ may open the encrypted database.
SQLCIPHER_OWNERS = {"app/store"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append((node.lineno, path.relative_to(ROOT).parts[0]))
            elif node.module:
                found.append((node.lineno, node.module.split(".")[0]))
    return found


def wrong_way_imports(root: Path = ROOT) -> list[str]:
    bad = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            for lineno, top in _imports(path):
                if top in forbidden:
                    bad.append(f"{rel}:{lineno}: {package}/ imports {top}")
                if top == "sqlcipher3" and not any(rel.startswith(o) for o in SQLCIPHER_OWNERS):
                    bad.append(f"{rel}:{lineno}: only app/store may import sqlcipher3")
    return bad


def test_every_import_points_the_right_way() -> None:
    assert wrong_way_imports() == []


def test_the_checker_catches_a_wrong_import(tmp_path: Path) -> None:
    for package in FORBIDDEN:
        (tmp_path / package).mkdir()
    (tmp_path / "crypto" / "leaky.py").write_text("import logging\nfrom ui import window\n")
    (tmp_path / "ui" / "bad.py").write_text("import sqlcipher3\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = wrong_way_imports(tmp_path)
    finally:
        ROOT = saved
    assert "crypto/leaky.py:1: crypto/ imports logging" in found
    assert "crypto/leaky.py:2: crypto/ imports ui" in found
    assert any(line.startswith("ui/bad.py:1: ui/ imports sqlcipher3") for line in found)


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
