"""How an attachment post reads in the timeline: its caption as the text (the stored text
also lists the file names, for search and for older views) and one AttachmentView per file."""
from __future__ import annotations

from typing import Any

from app.file_names import FILE_LINE, looks_executable, safe_name
from app.store.files import FileRow
from app.views import AttachmentView, PostView


def with_files(view: PostView, rows: list[FileRow]) -> dict[str, Any]:
    """The fields to replace in `view` for a post with these files."""
    files = tuple(AttachmentView(r.idx, safe_name(r.name), r.size, r.media_type, r.width,
                                 r.height, r.thumbnail, looks_executable(r.name))
                  for r in rows)
    caption = "\n".join(line for line in view.text.split("\n")
                        if not line.startswith(FILE_LINE)).strip()
    return {"attachments": files, "text": caption}
