"""The OpenAPI 3.1 description of the relay API v1, served at /openapi.json.

Every request field, path and query parameter and proof header is generated from the
declarations relay/parse.py checks requests with (`parse.CREATE_FIELDS`, ...), with this
relay's limits: what the document admits is what the relay accepts. The schemathesis run
in tests/relay/test_schema_conformance.py holds the two to that.
"""
from __future__ import annotations

from typing import Any

from relay import parse
from relay.blob_openapi import blob_paths
from relay.config import Limits


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _proof_headers(signer: str) -> list[dict[str, Any]]:
    return [
        {"name": "X-Coterie-Time", "in": "header", "required": True,
         "schema": parse.TIME_HEADER.schema(),
         "description": "Unix seconds; must be within the proof window of the relay clock."},
        {"name": "X-Coterie-Nonce", "in": "header", "required": True,
         "schema": parse.NONCE.schema(),
         "description": "16 random bytes, never reused for this mailbox."},
        {"name": "X-Coterie-Proof", "in": "header", "required": True,
         "schema": parse.PROOF_FIELDS["proof"].schema(),
         "description": f"Ed25519 signature by the {signer} key (crypto.relay_wire)."},
    ]


MAILBOX_PARAM = {"name": "mailbox", "in": "path", "required": True,
                 "schema": parse.MAILBOX.schema()}
LIMITED = {"429": _error("Rate limit or quota reached; see Retry-After."),
           "413": _error("Body too large."),
           "408": _error("The body arrived too slowly."),
           "503": _error("The shared database is unreachable; retry after Retry-After.")}
INFO_LIMITED = {"429": _error("Rate limit reached; see Retry-After.")}


def openapi_document(limits: Limits) -> dict[str, Any]:
    ref = "#/components/schemas/"
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Coterie relay", "version": "1",
                 "description": "A blind mailbox relay: it stores and pushes ciphertext. "
                                "All binary fields are base64url without padding."},
        "paths": {
            "/v1/mailboxes": {"post": {
                "summary": "Create a mailbox (idempotent for the same keys)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": ref + "CreateMailbox"}}}},
                "responses": {
                    "201": {"description": "Created.", "content": {"application/json": {
                        "schema": {"$ref": ref + "Created"}}}},
                    "200": {"description": "Already existed with the same keys.",
                            "content": {"application/json": {
                                "schema": {"$ref": ref + "Created"}}}},
                    "400": _error("Malformed request."), "403": _error("Bad signature."),
                    "409": _error("Exists with other keys."), **LIMITED}}},
            "/v1/mailboxes/{mailbox}/messages": {
                "parameters": [MAILBOX_PARAM],
                "post": {
                    "summary": "Append messages; durable before the answer; idempotent",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": ref + "Append"}}}},
                    "responses": {
                        "200": {"description": "Cursors in request order.",
                                "content": {"application/json": {
                                    "schema": {"$ref": ref + "Cursors"}}}},
                        "400": _error("Malformed request."), "403": _error("Bad signature."),
                        "404": _error("Unknown mailbox."),
                        "410": _error("Closed or expired mailbox."), **LIMITED}},
                "get": {
                    "summary": "Fetch messages after a cursor",
                    "parameters": _proof_headers("read") + [
                        {"name": "after", "in": "query", "schema": {
                            **parse.QUERY_AFTER.schema(), "default": 0}},
                        {"name": "limit", "in": "query", "schema": {
                            **parse.query_limit(limits).schema(),
                            "default": min(limits.fetch_default_limit,
                                           limits.fetch_max_limit)}}],
                    "responses": {
                        "200": {"description": "One page.", "content": {"application/json": {
                            "schema": {"$ref": ref + "Page"}}}},
                        "400": _error("Malformed request."),
                        "403": _error("Bad, stale or replayed read proof."),
                        "404": _error("Unknown mailbox."), **LIMITED}}},
            "/v1/mailboxes/{mailbox}": {
                "parameters": [MAILBOX_PARAM],
                "delete": {
                    "summary": "Close a mailbox for good (write key proof)",
                    "parameters": _proof_headers("write"),
                    "responses": {
                        "200": {"description": "Closed.", "content": {"application/json": {
                            "schema": {"type": "object",
                                       "properties": {"closed": {"type": "boolean"}}}}}},
                        "400": _error("Malformed request."),
                        "403": _error("Bad, stale or replayed proof."),
                        "404": _error("Unknown mailbox."), **LIMITED}}},
            "/v1/subscribe": {"post": {
                "summary": "Push stream (server-sent events) for many mailboxes",
                "description": "Events: `message` {mailbox, cursor, body}; `synced` {} once "
                               "every backlog is sent; `closed` {mailbox}; `: ping` comments "
                               f"every {limits.ping_seconds:g} s.",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": ref + "Subscribe"}}}},
                "responses": {
                    "200": {"description": "The event stream.",
                            "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                    "400": _error("Malformed request."),
                    "403": _error("A read proof is bad, stale or replayed."),
                    "404": _error("A mailbox is unknown."), **LIMITED}}},
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {
                "description": "Ready.", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"status": {"const": "ok"}}}}}},
                "503": _error("The shared database is unreachable."), **INFO_LIMITED}}},
            "/metrics": {"get": {"summary": "Prometheus aggregates (the relay's own machine "
                                            "only)", "responses": {"200": {
                "description": "Prometheus text format.",
                "content": {"text/plain": {"schema": {"type": "string"}}}},
                "404": _error("Asked from another machine."), **INFO_LIMITED}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {
                "description": "OpenAPI 3.1.", "content": {"application/json": {
                    "schema": {"type": "object"}}}}, **INFO_LIMITED}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"],
                      "properties": {"error": {"type": "string"}}},
            "CreateMailbox": parse.object_schema(parse.CREATE_FIELDS),
            "Created": {"type": "object", "properties": {"created": {"type": "boolean"}}},
            "Append": {"type": "object", "required": ["messages"],
                       "additionalProperties": False, "properties": {
                "messages": parse.array_schema(parse.object_schema(parse.message_fields(limits)),
                                               limits.max_batch_items)}},
            "Cursors": {"type": "object", "properties": {
                "cursors": {"type": "array", "items": {"type": "integer", "minimum": 1}}}},
            "Page": {"type": "object", "required": ["messages", "next", "more", "closed"],
                     "properties": {
                         "messages": {"type": "array", "items": {
                             "type": "object", "properties": {
                                 "cursor": {"type": "integer"},
                                 "body": parse.Base64("envelope").schema()}}},
                         "next": {"type": "integer"}, "more": {"type": "boolean"},
                         "closed": {"type": "boolean"}}},
            "Subscribe": {"type": "object", "required": ["mailboxes"],
                          "additionalProperties": False, "properties": {
                "mailboxes": {**parse.array_schema(parse.object_schema(parse.SUBSCRIBE_ENTRY),
                                                   limits.max_subscribe_mailboxes),
                              "description": f"1 to {limits.max_subscribe_mailboxes} entries "
                                             "(more answers 413), each mailbox at most once "
                                             "(checked after the read proofs: 400)"}}},
        }},
    }
    doc["paths"].update(blob_paths(limits))
    return doc
