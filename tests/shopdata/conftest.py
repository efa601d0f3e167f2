from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import Database, open_database
from tests.runtime.shop import Shop, demo_shop


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shopdata-demo") / "demo.db"
    db = open_database(path)
    demo_shop(db, customers=60)
    db.close()
    return path


@pytest.fixture
def live_shop(small_demo: Path, tmp_path: Path) -> Shop:
    copy = tmp_path / "shop.db"
    copy.write_bytes(small_demo.read_bytes())
    db: Database = open_database(copy)
    return Shop(db, tmp_path)
