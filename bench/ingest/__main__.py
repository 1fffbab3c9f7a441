"""``python -m bench.ingest``: run the ingest benchmark."""

import sys

from bench.ingest.cli import main

sys.exit(main())
