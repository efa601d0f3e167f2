"""At 2× (a high-DPI screen) every main screen opens and is drawn at twice the pixels, in Korean and English;
the pictures go to tests/artifacts/2x-*.png to be looked at."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import ARTIFACTS
from ui.main_window import PAGE_IDS

demo_file = ui_fixtures.demo_file
SCRIPT = Path(__file__).with_name("shots_2x.py")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_screen_at_2x(qapp, demo_file: Path, tmp_path: Path, lang: str) -> None:  # qapp: the clipboard fixture
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    done = subprocess.run([sys.executable, str(SCRIPT), str(copy), lang, str(ARTIFACTS)], env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    sizes = {line.split()[0]: tuple(line.split()[1:]) for line in done.stdout.splitlines() if line.strip()}
    assert list(sizes) == list(PAGE_IDS)
    for page_id, (width, height, ratio) in sizes.items():
        assert (int(width), int(height), float(ratio)) == (2732, 1536, 2.0), page_id
        assert (ARTIFACTS / f"2x-{lang}-{page_id}.png").stat().st_size > 20_000
