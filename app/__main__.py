"""`python -m app` runs the headless CLI (the same as `coterie COMMAND ...`)."""
import sys

from app.cli import main

sys.exit(main())
