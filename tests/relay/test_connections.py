"""Connection-level abuse against a real relay process: half-open sockets, the fd limit."""
from __future__ import annotations

import json
import re
import resource
import socket
import time
from pathlib import Path

import httpx
import pytest

from crypto.relay_wire import b64e
from relay.config import Limits
from relay.connections import MAX_PIPELINED, ConnectionGuard, TrustedProxies
from relay.ratelimit import ClientKeys, client_id
from relay.testing import RelayThread
from tests.relay.process import start_relay, stop_relay
from tests.relay.wire import append_body, cap, create_body, subscribe_entry

ATTACKER, OTHER = "127.0.0.3", "127.0.0.2"   # all of 127/8 reaches a relay on 127.0.0.1


def connect(port: int, source: str, timeout: float) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def healthz(port: int, source: str) -> bytes:
    with connect(port, source, 5.0) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    return answer


def closed_by_peer(s: socket.socket) -> bool:
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


@pytest.mark.slow
def test_half_open_connections_of_one_client_leave_the_relay_answering_others(
        tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2048:   # this test holds 1200 sockets itself
        if hard != resource.RLIM_INFINITY and hard < 2048:
            pytest.skip("needs 2048 file descriptors for the test process")
        resource.setrlimit(resource.RLIMIT_NOFILE, (2048, hard))
    config = tmp_path / "relay.toml"
    config.write_text("[limits]\nheader_timeout_seconds = 2\nmax_connections_per_client = 32\n")
    # 1024 descriptors: without the caps, 1200 held sockets would exhaust them.
    proc, url, _ = start_relay(tmp_path / "data", "--config", str(config), max_files=1024)
    port = int(url.rsplit(":", 1)[1])
    held: list[socket.socket] = []
    try:
        for _ in range(1200):
            s = connect(port, ATTACKER, 10.0)
            s.sendall(b"POST /v1/mailboxes HTTP/1.1\r\nhost: relay\r\n")   # never finished
            held.append(s)
        for _ in range(3):     # another client is answered while those are held
            assert healthz(port, OTHER).startswith(b"HTTP/1.1 200 ")
        # Every held socket is closed by the relay: those over the cap at once, the
        # others when their headers are late.
        assert all(closed_by_peer(s) for s in held)
        assert healthz(port, ATTACKER).startswith(b"HTTP/1.1 200 ")   # and it may come back
    finally:
        for s in held:
            s.close()
        stop_relay(proc)


def test_a_trickle_of_header_bytes_does_not_extend_the_deadline(tmp_path: Path) -> None:
    config = tmp_path / "relay.toml"
    config.write_text("[limits]\nheader_timeout_seconds = 1\n")
    proc, url, _ = start_relay(tmp_path / "data", "--config", str(config))
    port = int(url.rsplit(":", 1)[1])
    try:
        with connect(port, ATTACKER, 10.0) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            for _ in range(40):             # a byte every 0.25 s, for up to 10 s
                try:
                    s.sendall(b"x")
                    s.settimeout(0.25)
                    if closed_by_peer(s):
                        break
                except (BrokenPipeError, ConnectionResetError):
                    break
            else:
                raise AssertionError("the relay kept a connection whose headers never ended")
    finally:
        stop_relay(proc)


def test_the_guard_counts_ipv6_clients_by_their_64_and_exempts_the_proxy() -> None:
    guard = ConnectionGuard(2, 100, TrustedProxies("127.0.0.1,::1"))
    assert guard.admit("2001:db8:1:2::1") and guard.admit("2001:db8:1:2:ffff::9")
    assert guard.admit("2001:db8:1:2::3") is None           # the same /64
    assert guard.admit("2001:db8:1:3::1") is not None       # another /64
    assert all(guard.admit("127.0.0.1") is not None for _ in range(10))   # the proxy
    assert client_id("::ffff:10.0.0.1") == "10.0.0.1"
    guard.release(client_id("2001:db8:1:2::1"))
    assert guard.admit("2001:db8:1:2::3") is not None
    assert guard.refused == 1


def test_rate_limits_count_an_ipv6_client_by_its_64() -> None:
    keys = ClientKeys()
    assert keys.key("2001:db8:1:2::1") == keys.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd")
    assert keys.key("2001:db8:1:2::1") != keys.key("2001:db8:1:3::1")
    assert keys.key("10.0.0.1") != keys.key("10.0.0.2")


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nhost: relay\r\nx-big: " + b"a" * 20_000,   # unfinished
    b"POST /v1/mailboxes HTTP/1.1\r\nhost: relay\r\ncontent-length: " + b"9" * 5000
    + b"\r\n\r\n",
], ids=["garbage", "headers over 16 KiB", "content-length of 5000 digits"])
def test_malformed_http_gets_a_json_400(tmp_path: Path, request_bytes: bytes) -> None:
    with RelayThread(tmp_path) as relay, connect(relay.port, OTHER, 5.0) as s:
        s.sendall(request_bytes)
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"application/json" in head
    assert json.loads(body) == {"error": "The request is not valid HTTP/1.1."}


def test_a_push_stream_outlives_the_header_deadline(tmp_path: Path) -> None:
    """The header deadline is for a request's head: a push stream whose request is in,
    waiting for frames longer than the deadline, stays open and gets them."""
    box = cap("outlives")
    with RelayThread(tmp_path, limits=Limits(header_timeout_seconds=0.5)) as relay:
        http = httpx.Client(base_url=relay.url)
        assert http.post("/v1/mailboxes", json=create_body(box)).status_code == 201
        body = json.dumps({"mailboxes": [subscribe_entry(box, 0, int(time.time()))]}).encode()
        with connect(relay.port, OTHER, 10.0) as s:
            s.sendall(b"POST /v1/subscribe HTTP/1.1\r\nhost: relay\r\n"
                      b"content-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                      % (len(body), body))
            answer = s.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200 "), answer
            time.sleep(1.5)                        # three deadlines
            r = http.post(f"/v1/mailboxes/{b64e(box.mailbox)}/messages",
                          json=append_body(box, [b"after the deadline"]))
            assert r.status_code == 200
            deadline = time.monotonic() + 5
            while b64e(b"after the deadline").encode() not in answer:
                assert time.monotonic() < deadline, answer
                answer += s.recv(65536)
        http.close()


def test_pipelined_requests_are_answered_in_order(tmp_path: Path) -> None:
    with RelayThread(tmp_path) as relay, connect(relay.port, OTHER, 5.0) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nhost: relay\r\n\r\n" * 2
                  + b"GET /nowhere HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    assert re.findall(rb"HTTP/1\.1 (\d+) ", answer) == [b"200", b"200", b"404"]


def test_requests_pipelined_far_ahead_end_the_connection(tmp_path: Path) -> None:
    """Each request sent ahead of its answer waits in memory: past MAX_PIPELINED of them
    the connection is closed (no client Coterie knows pipelines), and others are served."""
    with RelayThread(tmp_path) as relay:
        with connect(relay.port, OTHER, 5.0) as s:
            s.sendall(b"GET /openapi.json HTTP/1.1\r\nhost: relay\r\n\r\n" * 64)
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        assert MAX_PIPELINED < 64 and answer.count(b"HTTP/1.1 ") <= MAX_PIPELINED
        assert healthz(relay.port, ATTACKER).startswith(b"HTTP/1.1 200 ")


def test_headers_over_16_kib_in_small_pieces_get_a_json_400(tmp_path: Path) -> None:
    with RelayThread(tmp_path) as relay, connect(relay.port, OTHER, 5.0) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nhost: relay\r\n")
        answer = b""
        try:
            for i in range(40):          # 40 headers of 1 KiB, each its own packet
                s.sendall(b"x-%d: %s\r\n" % (i, b"a" * 1024))
                time.sleep(0.01)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while chunk := s.recv(4096):
                answer += chunk
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2]) == {
        "error": "The request is not valid HTTP/1.1."}


def test_a_large_request_in_one_piece_is_not_mistaken_for_large_headers(
        tmp_path: Path) -> None:
    body = b'{"padding":"' + b"a" * 40_000 + b'"}'
    request = (b"POST /v1/mailboxes HTTP/1.1\r\nhost: relay\r\ncontent-type: application/json"
               b"\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
    with RelayThread(tmp_path) as relay, connect(relay.port, OTHER, 5.0) as s:
        s.sendall(request + b"GET /healthz HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert re.findall(rb"HTTP/1\.1 (\d+) ", answer) == [b"400", b"200"]
    assert b"not valid HTTP" not in answer
