"""Every content kind this client knows, registered: import the codec from here.

Each module below registers its kinds with crypto.payloads.register_kind when imported;
a new capability adds one import line (or, for a module written before the registry, a
registration below). Reserved kind ranges: 1-5 base (payloads), 6-15 channels, threads
and pins (spaces), 16-23 polls and events, 24-31 files, 32-47 governance, 48-55 devices
and backup.
"""
from __future__ import annotations

from functools import partial

from crypto import (
    devices,  # noqa: F401  (registers kinds 48-51)
    file_payloads,
    moderation,  # noqa: F401  (registers kinds 32-38)
    polls,  # noqa: F401  (registers kinds 16-23)
    profiles,  # noqa: F401  (registers kinds 43-44)
    reports,  # noqa: F401  (registers kinds 39-42)
    spaces,  # noqa: F401  (registers kinds 6-7)
)
from crypto.payloads import (
    admin_only,
    decode_content,
    decode_post_fast,
    encode_content,
    register_encoder,
    register_kind,
    registered_kinds,
)

# files and library (24-29): one decoder per kind, one encoder per class
for _kind in sorted(file_payloads.FILE_KINDS):
    register_kind(_kind, 1, partial(file_payloads.decode_file_content, _kind))
for _cls in (file_payloads.Attachment, file_payloads.FileDelete, file_payloads.LibraryAdd,
             file_payloads.LibraryRemove, file_payloads.LibraryPin, file_payloads.LibraryTags):
    register_encoder(_cls, lambda c, w: w.raw(file_payloads.encode_file_content(c)),
                     admin_only=_cls in (file_payloads.LibraryPin, file_payloads.LibraryTags))

__all__ = ["admin_only", "decode_content", "decode_post_fast", "encode_content",
           "registered_kinds"]
