"""Turning untrusted JSON, paths, query strings and headers into typed values, and the
declarations /openapi.json is generated from (relay/openapi.py), so the document and the
checks cannot drift apart.

Each field is declared once (`Base64`, `Integer`, `Choice`, `Digits`) with the bounds the
parser enforces; `schema()` turns a declaration into its JSON Schema. A value the schema
admits is accepted by the parser and a value it refuses is refused (400, or 413 for a
list or body over a documented limit). Every function raises BadRequest with one short
sentence naming the field; nothing here echoes the bad value back.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crypto.relay_wire import (
    BLOB_ID_LEN,
    KEY_LEN,
    MAILBOX_ID_LEN,
    NONCE_LEN,
    SIG_LEN,
    WireError,
    b64d,
    buckets,
)
from relay.config import Limits
from relay.core import MAX_TIME, ReadProof
from relay.errors import BadRequest, TooLarge
from relay.storage import KIND_GROUP, KIND_INVITE

KINDS = {"group": KIND_GROUP, "invite": KIND_INVITE}
MAX_INT = (1 << 63) - 1
MAX_DIGITS = 18  # query parameters and the X-Coterie-Time header: at most this many digits

_B64 = "[A-Za-z0-9_-]"
# The last character of canonical unpadded base64url when the byte count leaves 1 or 2
# bytes over: its unused low bits are zero (crypto.relay_wire.b64d refuses anything else).
_TAIL_1 = _B64 + "[AQgw]"
_TAIL_2 = _B64 + "{2}[AEIMQUYcgkosw048]"


def b64_length(size: int) -> int:
    """Characters of unpadded base64url for `size` bytes."""
    return (size * 4 + 2) // 3


@dataclass(frozen=True)
class Base64:
    """Canonical base64url without padding: exactly `size` bytes, or 1..`max_size` bytes."""

    what: str
    size: int | None = None
    max_size: int | None = None

    def schema(self) -> dict[str, Any]:
        if self.size is not None:
            full, rest = divmod(self.size, 3)
            tail = {0: "", 1: _TAIL_1, 2: _TAIL_2}[rest]
            n = b64_length(self.size)
            return {"type": "string", "pattern": f"^{_B64}{{{4 * full}}}{tail}$",
                    "minLength": n, "maxLength": n,
                    "description": f"{self.what}: {self.size} bytes, base64url without padding"}
        out: dict[str, Any] = {"type": "string",
                               "pattern": f"^(?:{_B64}{{4}})*(?:{_TAIL_2}|{_TAIL_1})?$",
                               "minLength": 2,
                               "description": f"{self.what}: base64url without padding"}
        if self.max_size is not None:
            out["maxLength"] = b64_length(self.max_size)
            out["description"] += (f", 1 to {self.max_size} bytes (more answers 413)")
        return out

    def parse(self, value: Any, name: str) -> bytes:
        if not isinstance(value, str):
            raise BadRequest(f"The field '{name}' must be a base64url string.")
        try:
            if "=" in value:
                raise WireError("padding")
            data = b64d(value, self.size)
        except WireError:
            what = f"{self.size} bytes of base64url" if self.size else "base64url"
            raise BadRequest(f"The field '{name}' must be {what} without padding.") from None
        if not data:
            raise BadRequest(f"The field '{name}' is empty.")
        if self.max_size is not None and len(data) > self.max_size:
            raise TooLarge(f"A message is larger than {self.max_size} bytes.")
        return data


@dataclass(frozen=True)
class Integer:
    """A JSON integer (not a boolean, not 1.0) within [minimum, maximum]."""

    minimum: int = 0
    maximum: int = MAX_INT
    description: str = ""

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer", "minimum": self.minimum,
                               "maximum": self.maximum}
        return {**out, "description": self.description} if self.description else out

    def parse(self, value: Any, name: str) -> int:
        # JSON Schema's integer is a number without a fraction, so 5.0 is one too.
        if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_INT:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequest(f"The field '{name}' must be an integer.")
        if not self.minimum <= value <= self.maximum:
            raise BadRequest(f"The field '{name}' is out of range.")
        return value


@dataclass(frozen=True)
class Choice:
    """One of a few strings, each standing for a number."""

    values: tuple[tuple[str, int], ...]

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": [name for name, _ in self.values]}

    def parse(self, value: Any, name: str) -> int:
        for text, number in self.values:
            if value == text and isinstance(value, str):
                return number
        quoted = " or ".join(f'"{text}"' for text, _ in self.values)
        raise BadRequest(f"The field '{name}' must be {quoted}.")


@dataclass(frozen=True)
class Digits:
    """A non-negative integer written in ASCII digits (query strings and headers)."""

    minimum: int = 0
    maximum: int = 10 ** MAX_DIGITS - 1

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def parse(self, text: str, what: str) -> int:
        text = text.strip()
        if not text.isascii() or not text.isdigit() or len(text) > MAX_DIGITS:
            raise BadRequest(f"{what} must be a non-negative integer.")
        value = int(text)
        if not self.minimum <= value <= self.maximum:
            raise BadRequest(f"{what} must be between {self.minimum} and {self.maximum}.")
        return value


@dataclass(frozen=True)
class Sizes:
    """An integer from a fixed set (the padded blob sizes); above `maximum` answers 413."""

    values: tuple[int, ...]
    maximum: int
    description: str = ""

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "enum": [v for v in self.values if v <= self.maximum],
                "description": self.description}

    def parse(self, value: Any, name: str) -> int:
        number = Integer(1, MAX_INT).parse(value, name)
        if number > self.maximum:
            raise TooLarge(f"A file may be at most {self.maximum} bytes once padded on "
                           "this relay.")
        if number not in self.values:
            raise BadRequest("The blob size is not one of the padded sizes.")
        return number


Field = Base64 | Integer | Choice | Sizes
MAILBOX = Base64("mailbox id", MAILBOX_ID_LEN)
NONCE = Base64("nonce", NONCE_LEN)
CREATE_FIELDS: dict[str, Field] = {
    "mailbox": MAILBOX,
    "write_pk": Base64("Ed25519 write public key", KEY_LEN),
    "read_pk": Base64("Ed25519 read public key", KEY_LEN),
    "kind": Choice(tuple(KINDS.items())),
    "expires_at": Integer(0, MAX_TIME - 1, "Unix seconds or 0; required for invites "
                          "(capped)."),
    "sig": Base64("write-key signature over create_message", SIG_LEN),
}
PROOF_FIELDS: dict[str, Field] = {
    "time": Integer(0, MAX_INT, "Unix seconds of the proof."),
    "nonce": NONCE,
    "proof": Base64("read-key signature", SIG_LEN),
}
SUBSCRIBE_ENTRY: dict[str, Field] = {"mailbox": MAILBOX, "after": Integer(0, MAX_INT),
                                     **PROOF_FIELDS}
QUERY_AFTER = Digits(0)
TIME_HEADER = Digits(0)
BLOB = Base64("blob id", BLOB_ID_LEN)
CHUNK_INDEX = Digits(0, (1 << 32) - 1)   # a u32 in the chunk signature
CHUNK_SIG = Base64("mailbox write-key signature over blob-put ‖ blob ‖ index u32 ‖ "
                   "BLAKE2b-256(chunk)", SIG_LEN)
BLOB_SIZES = tuple(buckets())


@lru_cache(maxsize=8)
def blob_create_fields(limits: Limits) -> dict[str, Field]:
    return {"mailbox": Base64("epoch mailbox id", MAILBOX_ID_LEN), "blob": BLOB,
            "size": Sizes(BLOB_SIZES, limits.max_blob_bytes,
                          "the padded size: one of the bucket sizes (docs/protocol.md §15.1)"),
            "read_pk": Base64("blob read key", KEY_LEN),
            "delete_pk": Base64("blob delete key", KEY_LEN),
            "sig": Base64("mailbox write-key signature over blob-create", SIG_LEN)}


@lru_cache(maxsize=8)   # per Limits (frozen): built once, not per request
def message_fields(limits: Limits) -> dict[str, Field]:
    return {"body": Base64("envelope", max_size=limits.max_envelope_bytes),
            "sig": Base64("write-key signature over append_message", SIG_LEN)}


@lru_cache(maxsize=8)
def query_limit(limits: Limits) -> Digits:
    return Digits(1, limits.fetch_max_limit)


def object_schema(fields: Mapping[str, Field]) -> dict[str, Any]:
    return {"type": "object", "required": list(fields), "additionalProperties": False,
            "properties": {name: spec.schema() for name, spec in fields.items()}}


def array_schema(item: dict[str, Any], max_items: int) -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "maxItems": max_items, "items": item,
            "description": f"1 to {max_items} entries (more answers 413)"}


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


def field(data: Mapping[str, Any], name: str, spec: Field) -> Any:
    value = data.get(name)
    if value is None:
        raise BadRequest(f"The field '{name}' is missing.")
    return spec.parse(value, name)


def fields(data: Mapping[str, Any], specs: Mapping[str, Field]) -> list[Any]:
    only(data, specs)
    return [field(data, name, spec) for name, spec in specs.items()]


def only(data: Mapping[str, Any], names: Mapping[str, Any] | tuple[str, ...]) -> None:
    """Refuse fields the request does not take (the schema says additionalProperties:
    false), without naming them: a key is client text too."""
    if any(key not in names for key in data):
        raise BadRequest("The request has a field this route does not take.")


def mailbox_path(text: str) -> bytes:
    try:
        return MAILBOX.parse(text, "mailbox")
    except BadRequest:
        raise BadRequest("The mailbox id in the path must be 32 bytes of base64url.") from None


def path_value(text: str, spec: Base64 | Digits, message: str) -> Any:
    """A path parameter; `message` is the whole refusal (the path is never echoed)."""
    try:
        return spec.parse(text, "path")
    except BadRequest:
        raise BadRequest(message) from None


def create_request(data: Mapping[str, Any]) -> tuple[bytes, bytes, bytes, int, int, bytes]:
    mailbox, write_pk, read_pk, kind, expires_at, sig = fields(data, CREATE_FIELDS)
    return mailbox, write_pk, read_pk, kind, expires_at, sig


def _list(data: Mapping[str, Any], name: str, max_items: int, what: str) -> list[Any]:
    only(data, (name,))
    items = data.get(name)
    if not isinstance(items, list) or not items:
        raise BadRequest(f"The field '{name}' must be a non-empty list.")
    if len(items) > max_items:
        raise TooLarge(f"At most {max_items} {what} fit in one request.")
    return items


def append_request(data: Mapping[str, Any], limits: Limits) -> tuple[list[bytes], list[bytes]]:
    specs = message_fields(limits)
    body_spec, sig_spec = specs["body"], specs["sig"]
    bodies, sigs = [], []
    for item in _list(data, "messages", limits.max_batch_items, "messages"):
        if not isinstance(item, dict):
            raise BadRequest("Each message must be an object with 'body' and 'sig'.")
        if len(item) != 2 or "body" not in item or "sig" not in item:
            fields(item, specs)   # raises, naming what is wrong
        # the common case without the generic walk: appends carry up to 256 of these
        bodies.append(body_spec.parse(item["body"], "body"))
        sigs.append(sig_spec.parse(item["sig"], "sig"))
    return bodies, sigs


def proof_fields(data: Mapping[str, Any]) -> ReadProof:
    """The proof's three fields of `data` (which may hold others: a subscribe entry)."""
    return ReadProof(*(field(data, name, spec) for name, spec in PROOF_FIELDS.items()))


def proof_headers(headers: Mapping[str, str]) -> ReadProof:
    values: dict[str, Any] = {}
    for name, key in (("x-coterie-time", "time"), ("x-coterie-nonce", "nonce"),
                      ("x-coterie-proof", "proof")):
        value = headers.get(name)
        if value is None:
            raise BadRequest(f"The header {name.title()} is missing.")
        values[key] = value
    try:
        values["time"] = TIME_HEADER.parse(values["time"], "The header X-Coterie-Time")
    except BadRequest:
        raise BadRequest("The header X-Coterie-Time must be unix seconds.") from None
    try:
        return proof_fields(values)
    except BadRequest as err:
        raise BadRequest(str(err).replace("The field 'nonce'", "The header X-Coterie-Nonce")
                         .replace("The field 'proof'", "The header X-Coterie-Proof")) from None


def query_int(params: Mapping[str, str], name: str, default: int | None,
              spec: Digits = QUERY_AFTER) -> int | None:
    text = params.get(name)
    if text is None or text == "":
        return default
    return spec.parse(text, f"The query parameter '{name}'")


def subscribe_request(data: Mapping[str, Any],
                      max_mailboxes: int) -> list[tuple[bytes, int, ReadProof]]:
    out = []
    for entry in _list(data, "mailboxes", max_mailboxes, "mailboxes"):
        if not isinstance(entry, dict):
            raise BadRequest("Each subscription entry must be an object.")
        mailbox, after, time, nonce, proof = fields(entry, SUBSCRIBE_ENTRY)
        out.append((mailbox, after, ReadProof(time, nonce, proof)))
    return out


def unique_mailboxes(entries: list[tuple[bytes, int, ReadProof]]) -> None:
    """A mailbox named twice in one subscription is refused (400). Checked after the read
    proofs: uniqueness across list entries is a rule JSON Schema cannot state, so a request
    the schema admits is first refused for what it can say (a bad proof: 403)."""
    if len({mailbox for mailbox, _, _ in entries}) != len(entries):
        raise BadRequest("A mailbox appears twice in the subscription.")
