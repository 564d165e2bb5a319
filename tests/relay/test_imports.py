"""relay/ uses nothing of crypto/ but the relay wire format (which carries the file blobs' size buckets)
(the layering tests/test_layers.py checks)."""
from __future__ import annotations

import ast
from pathlib import Path

RELAY = Path(__file__).resolve().parents[2] / "relay"


def test_relay_imports_only_the_wire_format_from_crypto() -> None:
    found = set()
    for path in RELAY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found |= {n for n in names if n.split(".")[0] == "crypto"}
    assert found == {"crypto.relay_wire"}
