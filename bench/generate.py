"""Synthetic case histories at county or England scale, for benchmarks (see demo/synthetic.py).

    .venv/bin/python bench/generate.py --scale county [--seed 1]

Writes into the configured store (KEYWORK_DATABASE_URL, or the embedded PostgreSQL in
KEYWORK_DATA_DIR); an interrupted run resumes after its last whole chunk. The same as
`keywork demo seed`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.cli import main

if __name__ == "__main__":
    main(["demo", "seed", *sys.argv[1:]])
