"""Allow ``python -m course.iam``."""

import sys

from .cli import main

sys.exit(main())
