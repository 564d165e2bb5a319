"""How much the client accepts from a relay: every read from the network has a cap.

A relay is untrusted. Whatever it sends beyond these caps is refused as misbehaviour
(sync.errors.RelayOverflow) instead of being buffered, so memory stays bounded. Each cap
sits well above what an honest relay of API v1 sends (docs/protocol.md, "Relay HTTP API
v1"): envelopes are padded to at most 65,536 bytes, a page holds at most 1,000 of them and
an honest relay stops a page at 8 MiB of bodies.
"""
from __future__ import annotations

MAX_ENVELOPE = 65_536                  # the largest padding bucket
MAX_PAGE_ITEMS = 1000                  # the most messages one fetch may ask for
MAX_CURSOR = (1 << 63) - 1             # a relay position (a signed 64-bit counter)
# One fetch answer: 8 MiB of bodies is ~10.7 MiB as base64 JSON; room for a relay whose
# operator raised the page size, but no more.
MAX_PAGE_BYTES = 24 << 20
MAX_ANSWER_BYTES = 64 << 10            # any other answer (cursors, errors, health)
# One event line carries one base64 envelope (~87.4 KB) in a small JSON object.
MAX_SSE_LINE = 128 << 10
MAX_SSE_EVENT = 128 << 10              # the data lines of one event, together
