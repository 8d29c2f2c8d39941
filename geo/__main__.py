"""``python -m geo``: the qtmap command line (see geo/cli.py)."""

import sys

from geo.cli import main

__all__: list[str] = []

sys.exit(main())
