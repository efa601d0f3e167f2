"""Issue #15: `main.py journey enrol --segment` takes every segment key the app does (built-in ones,
rfm:<group>, custom:<id>), run as a real process; an unknown key is one line on stderr, exit 2, nobody enrolled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from engine import journey_store as store
from engine.customers.custom_segments import save_segment
from engine.customers.segments import rfm_group, rfm_scores
from engine.journey import Journey
from engine.runtime.publish import publish
from storage.db import open_database
from storage.models import Enrollment
from tests.conftest import ROOT
from tests.runtime.shop import Shop, at


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_enrol_by_every_kind_of_segment_key(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    shop = Shop(open_database(path), tmp_path)
    buyers = [shop.signup("2026-01-05 10:00") for _ in range(8)]
    for index, buyer in enumerate(buyers):
        for visit in range(1 + index % 3):
            shop.order(buyer, f"2026-02-{10 + index:02d} {10 + visit:02d}:00", amount=40_000 * (1 + index % 4))
    shop.signup("2026-03-01 10:00")  # never bought
    journey = Journey(name="직접 고른 고객")
    trigger = journey.add_node("trigger.manual", node_id="trigger").id
    journey.connect(trigger, "out", journey.add_node("exit", node_id="end").id)
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock)
        segment = save_segment(session, "큰손", {"match": "all", "rules": [
            {"field": "total_spent", "op": "gte", "value": 200_000}]}, at("2026-03-02 10:00"))
        big = {cid for cid, total in ((b, s) for b, s in _spent(session, buyers)) if total >= 200_000}
        groups: dict[str, set[int]] = {}
        for cid, (r, f, _) in rfm_scores(session, at("2026-03-02 10:00")).items():
            groups.setdefault(rfm_group(r, f), set()).add(cid)
        key = f"custom:{segment.id}"
    shop.db.close()
    assert big and groups
    db = ["--db", str(path)]

    done = _main(*db, "--now", "2026-03-02T10:00", "journey", "enrol", journey.id, "--segment", key)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["asked"] == len(big)
    group, members = max(groups.items(), key=lambda item: len(item[1]))
    done = _main(*db, "--now", "2026-03-02T10:01", "journey", "enrol", journey.id, "--segment", f"rfm:{group}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["asked"] == len(members)
    done = _main(*db, "--now", "2026-03-02T10:02", "journey", "enrol", journey.id, "--segment", "active")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["asked"] == len(buyers)

    entered = _enrollments(path)
    for wrong, says in (("rfm:nobody", "error: no RFM group 'nobody'; the groups: champions, "),
                        ("custom:999", "error: no saved custom segment 'custom:999'"),
                        ("custom:abc", "error: no saved custom segment 'custom:abc'"),
                        ("gold", "error: unknown segment 'gold'; use new, active, at_risk, lapsed, vip, rfm:<group>")):
        done = _main(*db, "--now", "2026-03-02T10:03", "journey", "enrol", journey.id, "--segment", wrong)
        assert done.returncode == 2, (wrong, done.stderr)
        assert done.stderr.startswith(says) and done.stderr.count("\n") == 1, done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
    assert _enrollments(path) == entered  # nobody added by a refused command


def _spent(session, buyers):  # type: ignore[no-untyped-def]
    from storage.models import CustomerStats

    rows = dict(session.execute(select(CustomerStats.customer_id, CustomerStats.total_spent)
                                .where(CustomerStats.customer_id.in_(buyers))).all())
    return [(buyer, rows.get(buyer, 0)) for buyer in buyers]


def _enrollments(path: Path) -> int:
    db = open_database(path)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Enrollment)) or 0)
    finally:
        db.close()
