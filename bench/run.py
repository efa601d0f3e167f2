#!/usr/bin/env python3
"""Run the benchmarks and print one JSON object of figures.

`python bench/run.py [NAME …]`: NAME is a module `bench/bench_NAME.py` (all when none are named).
Each module has `run() -> dict[str, float]`; names end in their unit (_s, _ms, _mb).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def available() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"error: no benchmark {', '.join(unknown)}; known: {', '.join(available())}", file=sys.stderr)
        return 2
    figures: dict[str, float] = {}
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        figures.update(module.run())
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
