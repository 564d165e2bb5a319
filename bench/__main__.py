"""`python -m bench [NAME ...]`: run every bench/bench_*.py (or those named), write
bench/results.json and print the rows as a table."""
from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path

from bench.common import Row, format_table, write_results


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    rows: list[Row] = []
    failed = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows += importlib.import_module(f"bench.{name}").run()
        except Exception:  # a broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    write_results(rows)
    print(format_table(rows))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
