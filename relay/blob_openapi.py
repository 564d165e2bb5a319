"""The blob routes' part of /openapi.json (relay/blobs.py, docs/protocol.md §15.3).

Fields, path parameters and headers come from relay/parse.py's declarations, which the
handlers check requests with, so the document stays exact (relay/openapi.py).
"""
from __future__ import annotations

from typing import Any

from relay import parse
from relay.config import Limits


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _proof(signer: str) -> list[dict[str, Any]]:
    return [
        {"name": "X-Coterie-Time", "in": "header", "required": True,
         "schema": parse.TIME_HEADER.schema(),
         "description": "Unix seconds, within the proof window."},
        {"name": "X-Coterie-Nonce", "in": "header", "required": True,
         "schema": parse.NONCE.schema(), "description": "16 random bytes, used once."},
        {"name": "X-Coterie-Proof", "in": "header", "required": True,
         "schema": parse.PROOF_FIELDS["proof"].schema(),
         "description": f"Ed25519 signature by the blob's {signer} key over "
                        f"\"coterie/relay/v1/blob-{'read' if signer == 'read' else 'delete'}"
                        "\\0\" ‖ blob ‖ time u64 ‖ nonce."},
    ]


BLOB = {"name": "blob", "in": "path", "required": True, "schema": parse.BLOB.schema()}
COMMON = {"400": _error("Malformed request."), "404": _error("No such blob."),
          "429": _error("Rate limit reached; see Retry-After."),
          "503": _error("The shared database is unreachable.")}


def blob_paths(limits: Limits) -> dict[str, Any]:
    created = {"type": "object", "properties": {
        "created": {"type": "boolean"}, "chunk_size": {"type": "integer"},
        "chunks": {"type": "integer"}}}
    return {
        "/v1/blobs": {"post": {
            "summary": "Declare a blob of a padded size (idempotent for the same fields)",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": parse.object_schema(parse.blob_create_fields(limits))}}},
            "responses": {"201": _json(created, "Created."),
                          "200": _json(created, "Existed with the same fields."),
                          **COMMON, "403": _error("Bad signature."),
                          "404": _error("No such mailbox."),
                          "409": _error("Exists with other fields."),
                          "410": _error("The mailbox is closed or expired."),
                          "413": _error("Larger than the relay's file limit."),
                          "429": _error("The mailbox's blob quota is used up, or rate limit.")}}},
        "/v1/blobs/{blob}/chunks/{index}": {"put": {
            "summary": "Store one chunk (1 MiB; the last may be shorter); idempotent",
            "parameters": [BLOB, {"name": "index", "in": "path", "required": True,
                                  "schema": parse.CHUNK_INDEX.schema()},
                           {"name": "X-Coterie-Sig", "in": "header", "required": True,
                            "schema": parse.CHUNK_SIG.schema()}],
            "requestBody": {"required": True, "content": {
                "application/octet-stream": {"schema": {"type": "string",
                                                        "format": "binary"}}}},
            "responses": {"200": _json({"type": "object", "properties": {
                "stored": {"type": "boolean"}, "complete": {"type": "boolean"}}},
                "Durable (fsynced) before this answer."),
                **COMMON, "403": _error("Bad signature."),
                "409": _error("Stored before with other bytes."),
                "413": _error("Longer than the chunk.")}}},
        "/v1/blobs/{blob}/chunks": {"get": {
            "summary": "Which chunks are stored (to resume an upload)",
            "parameters": [BLOB, *_proof("read")],
            "responses": {"200": _json({"type": "object", "properties": {
                "size": {"type": "integer"}, "chunk_size": {"type": "integer"},
                "chunks": {"type": "integer"}, "complete": {"type": "boolean"},
                "stored": {"type": "array", "items": {"type": "integer"}}}}, "Stored chunks."),
                **COMMON, "403": _error("Bad or replayed proof.")}}},
        "/v1/blobs/{blob}": {
            "get": {"summary": "Download the blob; one HTTP Range allowed",
                    "parameters": [BLOB, *_proof("read"),
                                   {"name": "Range", "in": "header", "required": False,
                                    "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "The blob.", "content": {
                        "application/octet-stream": {"schema": {"type": "string",
                                                                "format": "binary"}}}},
                        "206": {"description": "The range asked for."},
                        **COMMON, "403": _error("Bad or replayed proof."),
                        "409": _error("Still being uploaded."),
                        "410": _error("Its epoch mailbox is closed or expired."),
                        "416": _error("Range not satisfiable.")}},
            "delete": {"summary": "Delete the blob (its uploader's delete key)",
                       "parameters": [BLOB, *_proof("delete")],
                       "responses": {"200": _json({"type": "object"}, "Deleted."),
                                     **COMMON, "403": _error("Bad or replayed proof.")}}},
    }
