"""Consent re-confirmation: ad consents two years old are listed (the law asks the shop to tell them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from engine.customers.consents import reconfirmation_due
from engine.shopdata import ConsentIn, CustomerIn, ShopWriter
from main import main
from storage.db import Database

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def seed(db: Database) -> None:
    with db.write_session() as session, ShopWriter(session, NOW) as writer:
        for member, name in (("a", "김오래"), ("b", "이최근"), ("c", "박거절"), ("d", "최곧")):
            writer.customer(CustomerIn("cafe24", member, name=name, phone=None))
        writer.consent(ConsentIn("cafe24", "a", "sms", True, datetime(2023, 12, 1, tzinfo=UTC)))
        writer.consent(ConsentIn("cafe24", "a", "email", True, datetime(2025, 6, 1, tzinfo=UTC)))
        writer.consent(ConsentIn("cafe24", "b", "sms", True, datetime(2025, 1, 5, tzinfo=UTC)))
        writer.consent(ConsentIn("cafe24", "c", "sms", False, datetime(2022, 1, 5, tzinfo=UTC)))  # refused: nothing to tell
        writer.consent(ConsentIn("cafe24", "d", "kakao", True, datetime(2024, 3, 20, tzinfo=UTC)))
        writer.consent(ConsentIn("cafe24", "d", "night", True, datetime(2020, 3, 20, tzinfo=UTC)))  # not an ad channel


def test_two_year_old_ad_consents_are_due(db: Database) -> None:
    seed(db)
    with db.session() as session:
        due = reconfirmation_due(session, NOW)
        soon = reconfirmation_due(session, NOW, within_days=30)
    assert [(d.name, d.channel, d.due_on.isoformat()) for d in due] == [("김오래", "sms", "2025-12-01")]
    assert [(d.name, d.channel) for d in soon] == [("김오래", "sms"), ("최곧", "kakao")]


def test_the_cli_lists_them(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db)
    assert main(["--db", str(db.url), "--now", "2026-03-02T10:00", "consent", "due", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(row["name"], row["channel"]) for row in listed] == [("김오래", "sms")]
    assert main(["--db", str(db.url), "--now", "2026-03-02T10:00", "consent", "due", "--within", "30"]) == 0
    out, err = capsys.readouterr()
    assert "최곧" in out and "2 ad consent(s) due for re-confirmation within 30 days" in err
    assert main(["--db", str(db.url), "consent", "due", "--within", "-1"]) == 2
