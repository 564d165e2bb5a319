"""Files: upload and download speed against raw HTTP, memory while moving 100 MiB, and
how fast a dropped photo previews.

- attach_upload_vs_http: a 100 MiB file attached (encrypted into the outbox and fsynced
  there, uploaded in 1 MiB chunks while it is being encrypted, each chunk durable on the
  relay before it is acknowledged, post sealed) in MB/s, ÷ the same number of bytes
  POSTed as one streamed body to a bare Starlette endpoint on the same uvicorn settings.
- attach_download_vs_http: download + verify + decrypt-check into the encrypted cache, ÷ a
  raw streamed GET of the same number of bytes from the bare endpoint.
- attach_rss_mb_100mib: extra resident memory (peak over the baseline, sampled every 5 ms)
  while sending and then receiving and saving the 100 MiB file; target ≤ 64 MB.
- image_preview_ms: a 12-megapixel JPEG dropped into the composer → its preview image
  (ui.image_preview, header checked, decoded scaled) in ms; ceiling = decoding the same
  JPEG at full size with QImage (ratio = ceiling / ours).

COTERIE_BENCH_FILE_MB changes the file size (default 100) for a quick run.
"""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.bench_sync import _World
from bench.common import Row, latency_row, rate_row
from crypto.files import blob_size_for

MB = 1 << 20
PIECE = MB


def _file_mb() -> int:
    return int(os.environ.get("COTERIE_BENCH_FILE_MB", "100"))


# -- the bare endpoint (child process) -----------------------------------------------------

def _serve() -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    from relay.server import UVICORN_OPTIONS

    async def sink(request: Request) -> Response:
        n = 0
        async for piece in request.stream():
            n += len(piece)
        return Response(str(n).encode(), media_type="application/json")

    async def source(request: Request) -> StreamingResponse:
        size = int(request.path_params["size"])
        block = os.urandom(PIECE)

        def pieces():  # noqa: ANN202
            left = size
            while left:
                take = min(left, PIECE)
                yield block[:take]
                left -= take

        return StreamingResponse(pieces(), media_type="application/octet-stream",
                                 headers={"content-length": str(size)})

    app = Starlette(routes=[Route("/raw", sink, methods=["POST"]),
                            Route("/raw/{size:int}", source, methods=["GET"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(uvicorn.Config(app, **{**UVICORN_OPTIONS, "log_level": "warning"})).run(
        sockets=[sock])


class _Bare:
    def __init__(self) -> None:
        root = Path(__file__).resolve().parent.parent
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.bench_files", "serve"],
                                     cwd=root, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


# -- measuring ------------------------------------------------------------------------------

def _rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _Peak:
    """The highest RSS seen while the block runs, sampled on a thread."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> _Peak:
        self.base = _rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss())
            self._stop.wait(0.005)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def extra_mb(self) -> float:
        return max(0, self.peak - self.base) / MB


def _write_file(path: Path, size: int) -> None:
    with open(path, "wb") as f:
        left = size
        while left:
            take = min(left, PIECE)
            f.write(os.urandom(take))
            left -= take


def _raw_upload(url: str, path: Path) -> float:
    size = path.stat().st_size

    def body():  # noqa: ANN202
        with open(path, "rb") as f:
            while piece := f.read(PIECE):
                yield piece

    with httpx.Client(timeout=120) as client:
        start = time.perf_counter()
        r = client.post(f"{url}/raw", content=body())
        elapsed = time.perf_counter() - start
    assert int(r.text) == size
    return size / elapsed / 1e6


def _raw_download(url: str, size: int) -> float:
    with httpx.Client(timeout=120) as client:
        start = time.perf_counter()
        n = 0
        with client.stream("GET", f"{url}/raw/{size}") as r:
            for piece in r.iter_raw(256 * 1024):
                n += len(piece)
        elapsed = time.perf_counter() - start
    assert n == size
    return size / elapsed / 1e6


def _transfer_rows(root: Path) -> list[Row]:
    size = _file_mb() * MB
    src = root / "big.bin"
    _write_file(src, size)
    world = _World(root)
    bare = _Bare()
    try:
        ana, ben, gid = world.pair("files")
        try:
            raw_up = max(_raw_upload(bare.url, src) for _ in range(2))
            with _Peak() as send_peak:
                start = time.perf_counter()
                result = ana.files.attach(gid, [src])
                up_elapsed = time.perf_counter() - start
            if result.post_id is None:
                raise RuntimeError(f"the attach did not complete: {result.waiting}")
            ours_up = size / up_elapsed / 1e6
            ana.sync_once()
            ben.sync_once()
            blob = blob_size_for(size)
            raw_down = max(_raw_download(bare.url, blob) for _ in range(2))
            out = root / "out"
            out.mkdir()
            with _Peak() as recv_peak:
                start = time.perf_counter()
                ben.files.fetch(gid, result.post_id, 0)
                down_elapsed = time.perf_counter() - start
                ben.files.download(gid, result.post_id, out)
            ours_down = blob / down_elapsed / 1e6
        finally:
            ana.close()
            ben.close()
    finally:
        bare.stop()
        world.close()
    extra = max(send_peak.extra_mb, recv_peak.extra_mb)
    label = f"{_file_mb()} MiB"
    return [
        rate_row("attach_upload_vs_http", ours_up, raw_up, "MB/s",
                 f"{label} attached (encrypt to the outbox while uploading 1 MiB chunks, each "
                 "durable on the relay before its answer) ÷ "
                 "the same bytes in one raw POST to bare Starlette/uvicorn; target ≥ 0.5"),
        rate_row("attach_download_vs_http", ours_down, raw_down, "MB/s",
                 f"{label} download + verify + decrypt-check into the encrypted cache ÷ a raw "
                 "streamed GET of the same bytes; target ≥ 0.5"),
        latency_row(f"attach_rss_mb_{_file_mb()}mib", extra, 64.0, "MB",
                    "extra resident memory (peak over baseline) sending, then receiving and "
                    "saving; ceiling = the 64 MB target (ratio ≥ 1 meets it)"),
    ]


def _preview_row(root: Path) -> Row:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage

    from ui.image_preview import PREVIEW_SIDE
    from ui.widgets.attachment_tray import preview_image

    _app = QGuiApplication.instance() or QGuiApplication([])
    path = root / "photo-12mp.jpg"
    # Photo-like content: smooth areas from a small random image scaled up, plus grain
    # (pure noise would be a worst case no camera produces; a flat image an easy one).
    small = QImage(os.urandom(160 * 120 * 4), 160, 120, QImage.Format.Format_RGB32).copy()
    image = small.scaled(4000, 3000, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    grain = os.urandom(4000 * 3000)
    for i in range(0, 4000 * 3000, 97):
        x, y = i % 4000, i // 4000
        image.setPixel(x, y, image.pixel(x, y) ^ (grain[i] & 0x0F0F0F))
    assert image.save(str(path), "JPEG", 92)
    ours, full = [], []
    for _ in range(7):
        start = time.perf_counter()
        shown = preview_image(path)
        ours.append((time.perf_counter() - start) * 1000)
        assert shown is not None and max(shown.width(), shown.height()) <= PREVIEW_SIDE
        start = time.perf_counter()
        decoded = QImage(str(path))
        full.append((time.perf_counter() - start) * 1000)
        assert decoded.width() == 4000
    del _app
    return latency_row("image_preview_ms", statistics.median(ours), statistics.median(full),
                       "ms", f"12 MP photo-like JPEG ({path.stat().st_size >> 20} MiB) dropped → composer preview (header check + scaled "
                       "decode, worker thread) median of 7; ceiling = full QImage decode; "
                       "target ≤ 150 ms")


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="coterie-bench-files-") as tmp:
        root = Path(tmp)
        rows = _transfer_rows(root)
        rows.append(_preview_row(root))
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        _serve()
    else:
        from bench.common import format_table
        print(format_table(run()))
