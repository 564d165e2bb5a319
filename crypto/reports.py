"""Reports, rules and first-post approval (content kinds 39-42, docs/protocol.md §5.3.5).

| kind | payload | fields | needs |
|---|---|---|---|
| 39 | Report | report_id[16] ‖ key list ‖ var32(sealed) | (any member) |
| 40 | ReportResolved | report_id[16] ‖ outcome u8 | moderate |
| 41 | Rules | text(Markdown, ≤ 16,000 bytes) | manage_members |
| 42 | Approval | target[32] ‖ approve u8 | moderate |

A report is readable by the moderators and admins it names only: its body is sealed under
a fresh report key K (XChaCha20-Poly1305, ad = group_id ‖ report_id), and K travels in one
pairwise box per recipient (label coterie/v1/report-key, bound to both identities), as
sender keys do. The body carries the reported message's *evidence*: its signed header,
the hash of its encrypted body, its plaintext hash, its signature and its plaintext, so a
moderator checks who wrote it without trusting the reporter (posts are not deniable
inside the group).
"""
from __future__ import annotations

import hmac
import struct
from dataclasses import dataclass

from crypto import labels
from crypto.encoding import Reader, Writer
from crypto.envelope import HEADER, HEADER_LEN, Header, message_id, signed_input_of
from crypto.errors import AuthError, DecodeError
from crypto.identity import Identity
from crypto.pairwise import decode_box_list, encode_box_list, find_box, open_pairwise, seal_pairwise
from crypto.params import PROTOCOL_VERSION
from crypto.payloads import MESSAGE_ID_LEN, register_kind
from crypto.primitives import (
    AEAD_NONCE_LEN,
    KEY_LEN,
    SIG_LEN,
    Rng,
    aead_open,
    aead_seal,
    h,
    random_bytes,
    verify,
)

KIND_REPORT = 39
KIND_REPORT_RESOLVED = 40
KIND_RULES = 41
KIND_APPROVAL = 42
REPORT_ID_LEN = 16
MAX_REPORT_TEXT = 1000
MAX_RULES_BYTES = 16_000
MAX_REPORT_RECIPIENTS = 150
MAX_EVIDENCE_PAYLOAD = 40_000
# Reasons a member picks from (code on the wire = index + 1).
REASONS = ("spam", "harassment", "off-topic", "illegal", "other")
# What resolving a report did (code on the wire = index).
OUTCOMES = ("dismiss", "remove", "timeout", "ban")
_V1 = 1


@dataclass(frozen=True, slots=True)
class Report:
    """A sealed report: `keys` holds K boxed to each moderator and admin the reporter
    named ((ik, spk, box), sorted by ik); `sealed` = nonce[24] ‖ AEAD(K, body)."""

    report_id: bytes
    keys: tuple[tuple[bytes, bytes, bytes], ...]
    sealed: bytes


@dataclass(frozen=True, slots=True)
class ReportResolved:
    """A moderator or admin handled report `report_id`; `outcome` is one of OUTCOMES."""

    report_id: bytes
    outcome: str = "dismiss"


@dataclass(frozen=True, slots=True)
class Rules:
    """The group's rules (Markdown; empty: no rules), set by an admin."""

    text: str


@dataclass(frozen=True, slots=True)
class Approval:
    """A moderator approves (`approve`) or rejects a newcomer's post held for approval."""

    target: bytes
    approve: bool = True


@dataclass(frozen=True, slots=True)
class ReportBody:
    """What a moderator reads from a report."""

    reason: str
    text: str
    evidence: bytes


@dataclass(frozen=True, slots=True)
class Evidence:
    """The reported message, checked: its author (the signer), id, signed time, payload."""

    author_ik: bytes
    message_id: bytes
    sent_at: int
    payload: bytes


def _report_id(value: bytes) -> bytes:
    if not isinstance(value, bytes) or len(value) != REPORT_ID_LEN:
        raise DecodeError("a report id is 16 bytes")
    return value


def _enc_report(c: Report, w: Writer) -> None:
    if len(c.keys) > MAX_REPORT_RECIPIENTS or not c.keys:
        raise DecodeError("a report names 1 to 150 recipients")
    w.u8(KIND_REPORT).u8(_V1).fixed(_report_id(c.report_id), REPORT_ID_LEN)
    w.raw(encode_box_list(list(c.keys))).var32(c.sealed)


def _dec_report(r: Reader) -> Report:
    report_id = r.fixed(REPORT_ID_LEN)
    keys = decode_box_list(r)
    if not 0 < len(keys) <= MAX_REPORT_RECIPIENTS:
        raise DecodeError("a report names 1 to 150 recipients")
    sealed = r.var32()
    if len(sealed) < AEAD_NONCE_LEN + 16:
        raise DecodeError("a report's sealed body is too short")
    return Report(report_id, tuple(keys), sealed)


def _enc_resolved(c: ReportResolved, w: Writer) -> None:
    if c.outcome not in OUTCOMES:
        raise DecodeError("unknown report outcome")
    w.u8(KIND_REPORT_RESOLVED).u8(_V1).fixed(_report_id(c.report_id), REPORT_ID_LEN)
    w.u8(OUTCOMES.index(c.outcome))


def _dec_resolved(r: Reader) -> ReportResolved:
    report_id, code = r.fixed(REPORT_ID_LEN), r.u8()
    if code >= len(OUTCOMES):
        raise DecodeError("unknown report outcome")
    return ReportResolved(report_id, OUTCOMES[code])


def _check_rules(text: str) -> str:
    if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_RULES_BYTES:
        raise DecodeError(f"rules are text of at most {MAX_RULES_BYTES} bytes")
    return text


def _enc_rules(c: Rules, w: Writer) -> None:
    w.u8(KIND_RULES).u8(_V1).text(_check_rules(c.text), MAX_RULES_BYTES)


def _enc_approval(c: Approval, w: Writer) -> None:
    w.u8(KIND_APPROVAL).u8(_V1).fixed(c.target, MESSAGE_ID_LEN).u8(1 if c.approve else 0)


register_kind(KIND_REPORT, _V1, _dec_report, Report, _enc_report)
register_kind(KIND_REPORT_RESOLVED, _V1, _dec_resolved, ReportResolved, _enc_resolved)
register_kind(KIND_RULES, _V1, lambda r: Rules(_check_rules(r.text(MAX_RULES_BYTES))), Rules,
              _enc_rules)
register_kind(KIND_APPROVAL, _V1, lambda r: Approval(r.fixed(MESSAGE_ID_LEN), r.flag()),
              Approval, _enc_approval)


# ---- rules ---------------------------------------------------------------------------------
def rules_hash(text: str) -> bytes:
    """What a joiner's request carries to say it accepted these rules."""
    return h(labels.HASH_RULES, text.encode("utf-8"))


# ---- evidence ------------------------------------------------------------------------------
_U32 = struct.Struct(">I")   # var32's length prefix (crypto.encoding)

def evidence_of(header_bytes: bytes, body_hash: bytes, pt_hash: bytes, sig: bytes,
                payload: bytes) -> bytes:
    """header[134] ‖ body_hash[32] ‖ pt_hash[32] ‖ sig[64] ‖ var32(payload): everything a
    third member needs to check who signed a content message and what it said."""
    # joined directly (one per received post; the parts are slices of a parsed envelope,
    # so their lengths are already fixed)
    return b"".join((header_bytes, body_hash, pt_hash, sig, _U32.pack(len(payload)), payload))


def check_evidence(evidence: bytes, group_id: bytes) -> Evidence:
    """Verify a reported message: its author's signature over the header, body hash and
    plaintext hash, the payload against that hash, and that it is a content message of
    `group_id`. AuthError or DecodeError otherwise."""
    r = Reader(evidence)
    header_bytes = r.fixed(HEADER_LEN)
    body_hash, pt_hash, sig = r.fixed(32), r.fixed(32), r.fixed(SIG_LEN)
    payload = r.var32(MAX_EVIDENCE_PAYLOAD)
    r.done()
    hd = Header(*HEADER.unpack(header_bytes))
    if hd.version != PROTOCOL_VERSION or hd.type != 1:
        raise DecodeError("the reported message is not a content message")
    if hd.group_id != group_id:
        raise AuthError("the reported message belongs to another group")
    verify(hd.sender_ik, signed_input_of(header_bytes, body_hash, pt_hash), sig)
    if not hmac.compare_digest(h(labels.HASH_PLAINTEXT, payload), pt_hash):
        raise AuthError("the reported text is not what its author signed")
    return Evidence(hd.sender_ik, message_id(header_bytes, sig), hd.sent_at, payload)


# ---- sealing and opening a report ------------------------------------------------------------
def _key_payload(group_id: bytes, report_id: bytes, key: bytes) -> bytes:
    return Writer().fixed(group_id, 16).fixed(report_id, REPORT_ID_LEN).fixed(key, KEY_LEN).bytes()


def make_report(identity: Identity, group_id: bytes, recipients: list[tuple[bytes, bytes]],
                reason: str, text: str, evidence: bytes, rng: Rng) -> Report:
    """A report of the message `evidence` proves, readable by `recipients` ((ik, spk) of
    each moderator and admin) and no one else."""
    if reason not in REASONS:
        raise DecodeError("unknown report reason")
    if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_REPORT_TEXT:
        raise DecodeError(f"a report's text is at most {MAX_REPORT_TEXT} bytes")
    if not recipients:
        raise DecodeError("a report needs a moderator or an admin to read it")
    report_id = random_bytes(rng, REPORT_ID_LEN)
    key = random_bytes(rng, KEY_LEN)
    body = (Writer().u8(REASONS.index(reason) + 1).text(text, MAX_REPORT_TEXT)
            .var32(evidence).bytes())
    nonce = random_bytes(rng, AEAD_NONCE_LEN)
    sealed = nonce + aead_seal(key, nonce, body, group_id + report_id)
    keys = sorted((ik, spk, seal_pairwise(identity, ik, spk, labels.SIG_REPORT_KEY,
                                          _key_payload(group_id, report_id, key), rng))
                  for ik, spk in recipients)
    return Report(report_id, tuple(keys), sealed)


def open_report(identity: Identity, group_id: bytes, report: Report,
                reporter_ik: bytes) -> ReportBody | None:
    """The report's body when it names us, None when it does not (we are not among its
    readers). AuthError when the box is not from the reporter or not for this report."""
    mine = find_box(list(report.keys), identity.ik)
    if mine is None:
        return None
    boxed_by, payload = open_pairwise(identity, mine[0], labels.SIG_REPORT_KEY, mine[1])
    if boxed_by != reporter_ik:
        raise AuthError("the report key did not come from the reporter")
    kr = Reader(payload)
    gid, rid, key = kr.fixed(16), kr.fixed(REPORT_ID_LEN), kr.fixed(KEY_LEN)
    kr.done()
    if gid != group_id or rid != report.report_id:
        raise AuthError("the report key is for another report")
    body = aead_open(key, report.sealed[:AEAD_NONCE_LEN], report.sealed[AEAD_NONCE_LEN:],
                     group_id + report.report_id)
    r = Reader(body)
    code, text, evidence = r.u8(), r.text(MAX_REPORT_TEXT), r.var32(MAX_EVIDENCE_PAYLOAD + 512)
    r.done()
    if not 1 <= code <= len(REASONS):
        raise DecodeError("unknown report reason")
    return ReportBody(REASONS[code - 1], text, evidence)


ReportContent = Report | ReportResolved | Rules | Approval
