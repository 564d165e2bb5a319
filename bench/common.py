"""Shared pieces for benchmarks: the result row, timing helpers and the results file.

A benchmark module is `bench/bench_<topic>.py` with a `run() -> list[Row]` function.
Throughput rows are rates (higher is better, ratio = ours / ceiling). Latency rows give
`ours` in ms or µs and, where a plain baseline exists, that baseline as `ceiling`
(ratio = ceiling / ours, so higher is still better).
"""
from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Row:
    name: str
    ours: float
    ceiling: float | None
    ratio: float | None
    unit: str
    note: str = ""


def rate_row(name: str, ours: float, ceiling: float | None, unit: str, note: str = "") -> Row:
    """A throughput row: both figures are rates, ratio = ours / ceiling."""
    ratio = ours / ceiling if ceiling else None
    return Row(name, round(ours, 3), None if ceiling is None else round(ceiling, 3),
               None if ratio is None else round(ratio, 3), unit, note)


def latency_row(name: str, ours: float, ceiling: float | None, unit: str, note: str = "") -> Row:
    """A latency row: lower is better; ratio = ceiling / ours when a baseline exists."""
    ratio = ceiling / ours if ceiling and ours else None
    return Row(name, round(ours, 3), None if ceiling is None else round(ceiling, 3),
               None if ratio is None else round(ratio, 3), unit, note)


def best_rate(work: Callable[[], int], repeats: int = 5) -> float:
    """Items per second of `work` (which returns how many items it did), best of `repeats`.

    The best run is the least disturbed one on a shared, noisy machine.
    """
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        n = work()
        rates.append(n / (time.perf_counter() - start))
    return max(rates)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def write_results(rows: list[Row], path: Path = RESULTS) -> None:
    path.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")


def format_table(rows: list[Row]) -> str:
    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:,.3f}".rstrip("0").rstrip(".")

    header = ("name", "ours", "ceiling", "ratio", "unit", "note")
    lines = [header] + [(r.name, fmt(r.ours), fmt(r.ceiling), fmt(r.ratio), r.unit, r.note)
                        for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(5)]
    out = []
    for line in lines:
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:5]))
                   + "  " + line[5])
    return "\n".join(out)
