"""A customer's journey story (issue 14): steps named as the canvas names them, in the app's language, and
`main.py timeline` finds a customer by name too."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.journey.registry import node_type, summarize
from tests.conftest import ROOT
from tests.ui.conftest import _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)

NOW = "2026-03-02T10:00"
SEOUL = ZoneInfo("Asia/Seoul")
HEX = re.compile(r"\[[0-9a-f]{12}\]")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("timeline") / "shop.db"
    db = str(path)
    assert cli("--db", db, "--now", NOW, "demo", "--customers", "300").returncode == 0
    made = cli("--db", db, "--now", NOW, "journey", "create", "--template", "winback_90d")
    assert made.returncode == 0, made.stderr
    # those already at risk enter too (50 a day): with only the few who cross into "at risk" by 03-06, the
    # A/B split (a hash of the random journey id) put them all in the holdout or without consent one run in
    # several, and nobody had a message queued
    assert cli("--db", db, "--now", NOW, "journey", "publish", made.stdout.split()[-1],
               "--backfill-daily", "50").returncode == 0
    assert cli("--db", db, "--now", "2026-03-06T10:00", "run-once").returncode == 0
    return path


def _someone(path: Path) -> tuple[int, str, str]:
    with sqlite3.connect(path) as con:
        return con.execute(
            "select c.id, c.name, c.phone from step_log s join customers c on c.id = s.customer_id "
            "where s.event = 'queued' limit 1").fetchone()


def test_timeline_names_steps_as_the_canvas_does_in_korean(shop: Path) -> None:
    customer_id, _name, _phone = _someone(shop)
    done = cli("--db", str(shop), "timeline", str(customer_id))
    assert done.returncode == 0, done.stderr
    assert not HEX.search(done.stdout), done.stdout
    assert node_type("message.sms").label("ko") in done.stdout and "(문자)" in done.stdout and "(sms)" not in done.stdout
    assert "여정에 들어옴" in done.stdout and "그룹에 배정" in done.stdout
    with sqlite3.connect(shop) as con:
        graph = json.loads(con.execute("select graph from journey_versions limit 1").fetchone()[0])
    sms = next(node for node in graph["nodes"] if node["kind"] == "message.sms")
    assert summarize("message.sms", sms["params"], "ko") in done.stdout


def test_timeline_speaks_the_apps_language(shop: Path, tmp_path: Path) -> None:
    copy = tmp_path / "en.db"
    with sqlite3.connect(shop) as con, sqlite3.connect(copy) as out:
        con.backup(out)
    assert cli("--db", str(copy), "config", "set", "ui.language", "en").returncode == 0
    customer_id, _name, _phone = _someone(copy)
    done = cli("--db", str(copy), "timeline", str(customer_id))
    assert done.returncode == 0, done.stderr
    assert "entered the journey" in done.stdout and node_type("message.sms").label("en") in done.stdout and "(SMS)" in done.stdout
    assert not HEX.search(done.stdout)


def test_timeline_finds_a_customer_by_name_and_lists_namesakes(shop: Path, tmp_path: Path) -> None:
    customer_id, name, phone = _someone(shop)
    with sqlite3.connect(shop) as con:
        namesakes = con.execute("select count(*) from customers where name = ?", (name,)).fetchone()[0]
    copy = tmp_path / "names.db"
    with sqlite3.connect(shop) as con, sqlite3.connect(copy) as out:
        con.backup(out)
        out.execute("update customers set name = name || '_' || id where name = ? and id != ?", (name, customer_id))
    done = cli("--db", str(copy), "timeline", name)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{name} (#{customer_id})")
    # two customers of that name: one line naming both by id, exit 2, no traceback
    with sqlite3.connect(copy) as con:
        other = con.execute("select id from customers where id != ? limit 1", (customer_id,)).fetchone()[0]
        con.execute("update customers set name = ? where id = ?", (name, other))
    done = cli("--db", str(copy), "timeline", name)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    assert f"#{customer_id}" in lines[0] and f"#{other}" in lines[0] and phone not in lines[0]
    assert namesakes >= 1
    done = cli("--db", str(copy), "timeline", "없는사람")
    assert done.returncode == 2 and done.stderr.startswith("error: no customer")


def test_a_condition_branch_is_told_with_the_port_in_words() -> None:
    from engine.timeline import NodeRef, TimelineEntry

    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    node = NodeRef("condition", "", {})
    entry = TimelineEntry(at, "윈백", "53dd3f56dc17", "branch", "yes", {}, node)
    assert "'예' 쪽으로" in entry.text(SEOUL, "ko") and "53dd3f56dc17" not in entry.text(SEOUL, "ko")
    assert "'yes'" in entry.text(SEOUL, "en")
    queued = TimelineEntry(at, "윈백", "x", "queued", None, {"channel": "kakao"}, NodeRef("message.kakao", "", {}))
    assert "(카카오톡)" in queued.text(SEOUL, "ko")


def test_the_customer_journey_tab_shows_labels_and_korean_words(qtbot, tmp_path: Path, shop: Path) -> None:
    """The customer window's journey tab (a real CustomerDialog, Korean) names the steps, never hex ids."""
    from engine.clock import FixedClock
    from storage.db import open_database
    from ui.context import AppContext, Bus
    from ui.pages.customer_detail import CustomerDialog

    copy = tmp_path / "gui.db"
    with sqlite3.connect(shop) as con, sqlite3.connect(copy) as out:
        con.backup(out)
    customer_id, _name, _phone = _someone(copy)
    db = open_database(copy)
    try:
        dialog = CustomerDialog(AppContext(db, FixedClock(datetime(2026, 3, 6, 2, tzinfo=UTC)), "ko", Bus()),
                                customer_id)
        qtbot.addWidget(dialog)
        lines = [dialog.timeline.item(row).text() for row in range(dialog.timeline.count())]
        joined = "\n".join(lines)
        assert len(lines) >= 3 and not HEX.search(joined), joined
        assert node_type("message.sms").label("ko") in joined and "(문자)" in joined and "그룹에 배정" in joined
        assert dialog.timeline.wordWrap()  # a long step wraps instead of running off the window
    finally:
        db.close()
