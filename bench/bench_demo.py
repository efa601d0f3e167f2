"""The demo shop: how long `python main.py demo` takes, and opening the customers table at scale."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _make(folder: Path, customers: int) -> tuple[float, Path]:
    from engine.clock import FixedClock
    from engine.demo import create_demo_shop
    from storage.db import open_database

    path = folder / f"demo{customers}.db"
    db = open_database(path)
    start = time.perf_counter()
    create_demo_shop(db, seed=7, customers=customers, clock=FixedClock(NOW))
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed, path


def run() -> dict[str, float]:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DANGOL_HOME"] = tmp
        small, _ = _make(Path(tmp), 2_000)
        large, _ = _make(Path(tmp), 20_000)
    return {"demo_shop_2000_s": round(small, 2), "demo_shop_20000_s": round(large, 2)}
