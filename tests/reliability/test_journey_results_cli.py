"""`python main.py journey results ID [--days N] [--json]`: the figures of the hand-computed shop, the
attribution sentence and verdicts in the app's language, and one line for a mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.reliability.test_journey_results import hand_shop


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_results_cli(tmp_path: Path) -> None:
    db, _ = hand_shop(tmp_path / "hand.db")
    db.close()
    base = ("--db", str(tmp_path / "hand.db"), "--now", "2026-03-20T12:00")
    text = _main(*base, "journey", "results", "jjjjjjjj")
    assert text.returncode == 0, text.stderr
    assert "전환은 이 여정의 메시지를 받고 7일 안에 한 주문이며" in text.stdout  # Korean: the app's language
    assert "매출 38,000원" in text.stdout and "ROI 1,718%" in text.stdout
    assert "보냄 3" in text.stdout and "수신 동의 없음 1" in text.stdout

    as_json = _main(*base, "journey", "results", "환영", "--json")
    assert as_json.returncode == 0, as_json.stderr
    figures = json.loads(as_json.stdout)
    assert figures["attribution"] | {"roi": None} == {
        "model": "last_touch", "days": 7, "conversions": 1, "orders": 2, "revenue_won": 38_000,
        "coupon_redemptions": 1, "discount_won": 2_000, "message_cost_won": 90, "net_won": 35_910, "roi": None}
    assert figures["messages"]["skipped"] == {"no_consent": 1}

    english = _main(*base, "config", "set", "ui.language", "en")
    assert english.returncode == 0, english.stderr
    recent = _main(*base, "journey", "results", "jjjjjjjj", "--days", "5")
    assert recent.returncode == 0, recent.stderr
    assert "A conversion is an order within 7 days" in recent.stdout and "revenue ₩8,000" in recent.stdout

    for wrong, words in ((("journey", "results", "nothing-like-it"), "no journey"),
                         (("journey", "results", "jjjjjjjj", "--days", "0"), "--days")):
        failed = _main(*base, *wrong)
        assert failed.returncode == 2
        assert failed.stderr.startswith("error: ") and words in failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1 and "Traceback" not in failed.stderr
