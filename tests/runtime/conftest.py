from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import Database, open_database
from tests.runtime.shop import Shop, demo_shop


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runtime-demo") / "demo.db"
    db = open_database(path)
    demo_shop(db)
    db.close()
    return path


@pytest.fixture
def shop(demo_template: Path, tmp_path: Path) -> Shop:
    copy = tmp_path / "shop.db"
    copy.write_bytes(demo_template.read_bytes())
    db: Database = open_database(copy)
    return Shop(db, tmp_path)
