"""`python -m app` runs the headless CLI (the same as `coterie COMMAND ...`)."""
import sys

from app.cli import main
from app.hardening import no_core_dumps

no_core_dumps()
sys.exit(main())
