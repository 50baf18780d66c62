"""Entry point for ``python -m course.net``."""

import sys

from .cli import main

sys.exit(main())
