"""`python -m lintgate`: the same entry point as the `lintgate` console script."""

import sys

from lintgate.cli import main

sys.exit(main())
