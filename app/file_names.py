"""Safe local names for files other members named (docs/protocol.md §15.4).

A file name in a post is the sender's claim, so it is never used as a path: only its last
component is kept, control, format (bidi overrides, zero-width) and path characters are
removed, Windows' reserved device names and trailing dots or spaces are defused, and the
length is capped. `unique_path` then picks a name inside the chosen folder that does not
exist yet, so nothing is overwritten and nothing lands outside the folder.
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crypto.file_payloads import Attachment

FILE_LINE = "📎 "             # how a file is named in an attachment post's stored text
CACHE_DIR = "blobs"          # the profile's folder of encrypted blobs
MAX_NAME_BYTES = 200
FALLBACK = "file"
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
             "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
_FORBIDDEN = set('<>:"/\\|?*')
EXECUTABLE_SUFFIXES = {
    ".exe", ".com", ".bat", ".cmd", ".msi", ".msix", ".scr", ".pif", ".cpl", ".vbs", ".vbe",
    ".js", ".jse", ".wsf", ".wsh", ".ps1", ".psm1", ".lnk", ".reg", ".hta", ".jar", ".app",
    ".command", ".sh", ".bash", ".zsh", ".csh", ".run", ".bin", ".desktop", ".appimage",
    ".deb", ".rpm", ".pkg", ".dmg", ".py", ".pyw", ".pl", ".rb", ".apk", ".dll", ".so",
    ".dylib", ".url", ".iso", ".img", ".xpi", ".crx",
}


def safe_name(claimed: str) -> str:
    """A harmless file name (no folder part) for a name a post claims."""
    text = unicodedata.normalize("NFC", claimed or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "CZ" and ch != " ":    # controls, format (bidi, zero-width), separators
            continue
        kept.append("_" if ch in _FORBIDDEN else ch)
    name = "".join(kept).strip().rstrip(". ")
    name = name.lstrip(".") or FALLBACK          # no hidden files, no "..", no "."
    stem, dot, ext = name.partition(".")
    if stem.upper().rstrip(" ") in _RESERVED:
        name = f"_{name}"
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        base, suffix = os.path.splitext(name)
        if len(suffix.encode()) > 16:
            suffix = ""
        name = base[:-1] + suffix if base else name[:-1]
    return name or FALLBACK


def unique_path(folder: Path, claimed: str) -> Path:
    """A path inside `folder` for `claimed` that does not exist yet ("name (2).ext")."""
    name = safe_name(claimed)
    base, ext = os.path.splitext(name)
    candidate = folder / name
    n = 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = folder / f"{base} ({n}){ext}"
    assert candidate.parent == folder
    return candidate


def looks_executable(name: str) -> bool:
    """True for names a desktop would run rather than show: never opened automatically."""
    lowered = safe_name(name).lower()
    return any(lowered.endswith(s) for s in EXECUTABLE_SUFFIXES)


def attachment_text(content: Attachment) -> str:
    """The post text stored for an attachment: its caption, then one line per file (so
    search finds file names and an older view still says what came)."""
    lines = [content.caption] if content.caption else []
    lines += [f"{FILE_LINE}{safe_name(f.name)}" for f in content.files]
    return "\n".join(lines)
