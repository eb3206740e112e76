"""Runs every bench case and prints one JSON object per line.

Each case builds its own data in a throw-away SQLite file and a throw-away Redis, so
figures are comparable between runs and machines of the same kind.
"""

from __future__ import annotations

import json
import sys

from bench import cases


def main(argv: list[str]) -> int:
    selected = set(argv)
    for case in cases.ALL:
        if selected and case.__name__ not in selected:
            continue
        for line in case():
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
