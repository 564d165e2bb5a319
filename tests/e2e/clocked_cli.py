"""`python -m tests.e2e.clocked_cli ARGS...`: the CLI with its protocol clock moved forward.

Tests need an invite to expire without waiting for it. The product reads no clock variable:
`app.cli.main` takes the clock as a parameter, and only this test entry point turns
COTERIE_TEST_CLOCK_OFFSET (seconds) into one. It lives in tests/, which is not installed,
so no environment can move the clock of a real `coterie`.
"""
from __future__ import annotations

import os
import sys
import time

from app.cli import main

ENV_OFFSET = "COTERIE_TEST_CLOCK_OFFSET"


def run() -> int:
    offset = float(os.environ[ENV_OFFSET])
    return main(sys.argv[1:], clock=lambda: time.time() + offset)


if __name__ == "__main__":
    sys.exit(run())
