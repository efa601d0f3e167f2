"""Messages skipped because the PC was off past their lateness limit: listed, sent after all under every other
rule (consent, quiet hours), never twice, or dismissed (issue 14, finding 3); the engine and the CLI verb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from engine.delivery.late import dismiss_late, late_messages, send_late, unseen_count
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import AD, build

ROOT = Path(__file__).resolve().parents[2]
SKIP = {**AD, "lateness": "skip_if_late", "lateness_hours": 24}


def a_day_off(shop: Shop) -> tuple[int, int, str]:
    """Two customers enter a one-hour wait before an ad; the PC is off for two days; both are skipped late."""
    journey = build(shop, [("wait.duration", {"duration": 60}), ("message.sms", SKIP)], name="재구매 안내")
    yes = shop.signup("2026-03-02 10:00", name="김동의")
    no = shop.signup("2026-03-02 10:00", sms=False, name="이거절")
    shop.run("2026-03-02 10:01")
    shop.run("2026-03-04 15:00")
    return yes, no, journey


def test_late_skips_are_listed_sent_under_the_other_rules_once_and_dismissed(shop: Shop) -> None:
    yes, no, _journey = a_day_off(shop)
    assert shop.sent_files() == [] and {m.reason for m in shop.messages()} == {"late"}
    with shop.db.session() as session:
        assert unseen_count(session) == 2
        items = late_messages(session)
    assert [(i.customer, i.journey, i.due_at) for i in items] == [
        ("김동의", "재구매 안내", at("2026-03-02 11:00")), ("이거절", "재구매 안내", at("2026-03-02 11:00"))]
    assert "혜택" in items[0].preview()

    # sent at 22:30: the quiet hours still hold the ad until the morning; no consent still means no
    with shop.db.session() as session:
        assert send_late(session, [i.id for i in items], at("2026-03-04 22:30")) == 2
        assert send_late(session, [i.id for i in items], at("2026-03-04 22:30")) == 0  # already queued again
        assert unseen_count(session) == 0
    shop.run("2026-03-04 22:31")
    [held] = shop.messages(yes)
    assert (held.status, held.reason) == ("queued", "quiet_hours") and shop.sent_files() == []
    [refused] = shop.messages(no)
    assert (refused.status, refused.reason) == ("skipped", "no_consent")
    shop.run("2026-03-05 08:05")
    [sent] = shop.messages(yes)
    assert sent.status == "sent" and len(shop.sent_files()) == 1
    with shop.db.session() as session:  # a sent one is never sent again
        assert send_late(session, [sent.id], at("2026-03-05 09:00")) == 0
    shop.run("2026-03-05 09:01")
    assert len(shop.sent_files()) == 1


def test_dismissed_ones_leave_the_notice_but_can_still_be_sent(shop: Shop) -> None:
    yes, _no, _journey = a_day_off(shop)
    with shop.db.session() as session:
        first = late_messages(session)[0]
        assert dismiss_late(session, [first.id]) == 1
        assert unseen_count(session) == 1
        assert dismiss_late(session) == 1 and unseen_count(session) == 0
        seen = late_messages(session, include_seen=True)
        assert len(seen) == 2 and all(item.seen for item in seen) and late_messages(session) == []
        assert send_late(session, [first.id], at("2026-03-04 15:10")) == 1
    shop.run("2026-03-04 15:11")
    assert [m.status for m in shop.messages(yes)] == ["sent"]


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "--now", "2026-03-04T15:05", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_the_cli_verb_shares_the_engine(shop: Shop, tmp_path: Path) -> None:
    yes, _no, _journey = a_day_off(shop)
    path = tmp_path / "shop.db"  # the runtime fixture's copy of the demo shop
    done = cli(path, "late", "list", "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert [item["customer"] for item in items] == ["김동의", "이거절"]
    done = cli(path, "late", "list")
    assert done.returncode == 0 and "김동의" in done.stdout and "2026-03-02 11:00" in done.stdout
    assert "2 message(s) skipped as too late" in done.stderr
    first = str(items[0]["id"])
    done = cli(path, "late", "send", first)
    assert done.returncode == 0 and done.stdout.startswith("1 late message(s) queued again"), done.stdout
    done = cli(path, "late", "send", first)
    assert done.returncode == 0 and done.stdout.startswith("0 late message(s)") and "left as they are" in done.stdout
    done = cli(path, "late", "dismiss")
    assert done.returncode == 0 and done.stdout.startswith("1 late message(s) marked as seen")
    assert json.loads(cli(path, "late", "list", "--json").stdout) == []
    assert len(json.loads(cli(path, "late", "list", "--all", "--json").stdout)) == 1
    done = cli(path, "late", "send", "abc")
    assert done.returncode == 2 and done.stderr.startswith("error:") and "Traceback" not in done.stderr
    shop.run("2026-03-04 15:10")
    assert [m.status for m in shop.messages(yes)] == ["sent"] and len(shop.sent_files()) == 1
