"""Turning untrusted JSON, paths, query strings and headers into typed values.

Every function raises BadRequest with one short sentence naming the field; nothing here
echoes the bad value back.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from crypto.relay_wire import KEY_LEN, MAILBOX_ID_LEN, NONCE_LEN, SIG_LEN, WireError, b64d
from relay.core import ReadProof
from relay.errors import BadRequest, TooLarge
from relay.storage import KIND_GROUP, KIND_INVITE

KINDS = {"group": KIND_GROUP, "invite": KIND_INVITE}
MAX_INT = (1 << 63) - 1


VALUES_PER_ITEM = 16     # separators per list entry, generously: a subscribe entry has 9


def json_object(raw: bytes, max_items: int = 1000) -> dict[str, Any]:
    """The body as a JSON object. `max_items` is the longest list the API takes; the body's
    lists, objects and values are counted first (bytes.count, cheap) because the parser
    works in one call that no other thread can interrupt, and its cost grows with the
    number of values, not with the bytes: a body of two million tiny values would stall
    the relay for a quarter of a second."""
    # A body shorter than a bound cannot exceed it: most bodies skip a count or both.
    most_structures, most_separators = max_items + 8, VALUES_PER_ITEM * max_items + 64
    if len(raw) > most_structures and raw.count(b"[") + raw.count(b"{") > most_structures:
        raise BadRequest("The request body holds too many lists or objects.")
    if len(raw) > most_separators and raw.count(b",") + raw.count(b":") > most_separators:
        raise TooLarge("The request body holds too many values.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The request body is not valid JSON.") from None
    except RecursionError:
        # The parser's nesting bound is the interpreter's recursion limit; no request of
        # this API nests more than three levels.
        raise BadRequest("The request body is nested too deeply.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def b64_field(data: Mapping[str, Any], name: str, length: int | None = None) -> bytes:
    value = data.get(name)
    if value is None:
        raise BadRequest(f"The field '{name}' is missing.")
    if not isinstance(value, str):
        raise BadRequest(f"The field '{name}' must be a base64url string.")
    try:
        return b64d(value, length)
    except WireError:
        what = f"{length} bytes of base64url" if length else "base64url"
        raise BadRequest(f"The field '{name}' must be {what}.") from None


def int_field(data: Mapping[str, Any], name: str, minimum: int = 0) -> int:
    value = data.get(name)
    if value is None:
        raise BadRequest(f"The field '{name}' is missing.")
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"The field '{name}' must be an integer.")
    if not minimum <= value <= MAX_INT:
        raise BadRequest(f"The field '{name}' is out of range.")
    return value


def kind_field(data: Mapping[str, Any]) -> int:
    value = data.get("kind")
    if not isinstance(value, str) or value not in KINDS:
        raise BadRequest("The field 'kind' must be \"group\" or \"invite\".")
    return KINDS[value]


def mailbox_path(text: str) -> bytes:
    try:
        return b64d(text, MAILBOX_ID_LEN)
    except WireError:
        raise BadRequest("The mailbox id in the path must be 32 bytes of base64url.") from None


def create_request(data: Mapping[str, Any]) -> tuple[bytes, bytes, bytes, int, int, bytes]:
    return (b64_field(data, "mailbox", MAILBOX_ID_LEN), b64_field(data, "write_pk", KEY_LEN),
            b64_field(data, "read_pk", KEY_LEN), kind_field(data),
            int_field(data, "expires_at"), b64_field(data, "sig", SIG_LEN))


def append_request(data: Mapping[str, Any], max_items: int) -> tuple[list[bytes], list[bytes]]:
    items = data.get("messages")
    if not isinstance(items, list):
        raise BadRequest("The field 'messages' must be a list.")
    if len(items) > max_items:
        raise TooLarge(f"At most {max_items} messages fit in one request.")
    bodies, sigs = [], []
    for item in items:
        if not isinstance(item, dict):
            raise BadRequest("Each message must be an object with 'body' and 'sig'.")
        bodies.append(b64_field(item, "body"))
        sigs.append(b64_field(item, "sig", SIG_LEN))
    return bodies, sigs


def proof_fields(data: Mapping[str, Any]) -> ReadProof:
    return ReadProof(int_field(data, "time"), b64_field(data, "nonce", NONCE_LEN),
                     b64_field(data, "proof", SIG_LEN))


def proof_headers(headers: Mapping[str, str]) -> ReadProof:
    values: dict[str, Any] = {}
    for name, key in (("x-coterie-time", "time"), ("x-coterie-nonce", "nonce"),
                      ("x-coterie-proof", "proof")):
        value = headers.get(name)
        if value is None:
            raise BadRequest(f"The header {name.title()} is missing.")
        values[key] = value
    text = values["time"].strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise BadRequest("The header X-Coterie-Time must be unix seconds.")
    values["time"] = int(text)
    try:
        return proof_fields(values)
    except BadRequest as err:
        raise BadRequest(str(err).replace("The field 'nonce'", "The header X-Coterie-Nonce")
                         .replace("The field 'proof'", "The header X-Coterie-Proof")) from None


def query_int(params: Mapping[str, str], name: str, default: int | None) -> int | None:
    text = params.get(name)
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise BadRequest(f"The query parameter '{name}' must be a non-negative integer.")
    return int(text)


def subscribe_request(data: Mapping[str, Any],
                      max_mailboxes: int) -> list[tuple[bytes, int, ReadProof]]:
    entries = data.get("mailboxes")
    if not isinstance(entries, list) or not entries:
        raise BadRequest("The field 'mailboxes' must be a non-empty list.")
    if len(entries) > max_mailboxes:
        raise TooLarge(f"At most {max_mailboxes} mailboxes fit in one subscription.")
    out = []
    seen = set()
    for entry in entries:
        if not isinstance(entry, dict):
            raise BadRequest("Each subscription entry must be an object.")
        mailbox = b64_field(entry, "mailbox", MAILBOX_ID_LEN)
        if mailbox in seen:
            raise BadRequest("A mailbox appears twice in the subscription.")
        seen.add(mailbox)
        out.append((mailbox, int_field(entry, "after"), proof_fields(entry)))
    return out
