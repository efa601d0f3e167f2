"""The KPI report (`python main.py report`) on a small shop whose every figure is worked out by hand below.

Settings for the shop (so the windows stay short): at risk after 30 days, lapsed after 60, VIP = ≥ 100,000원
or ≥ 3 orders in the 30 days before a period's end. Times are shop time (Asia/Seoul), 12:00 unless given.

Report for 2026-03-01‥2026-03-31 (P, 31 days); the period before is 2026-01-29‥2026-02-28 (Q, 31 days).

Counted orders (paid/shipped/delivered/confirmed) — 20, plus 3 that count nowhere:
  A 골드      2025-05-10 50,000 · 2026-02-10 30,000 · 2026-03-05 40,000 · 2026-03-20 60,000
  B 일반      2026-03-03 20,000            (+ 2026-03-15 99,000 cancelled: not counted)
  C (none)    2025-12-15 70,000 · 2026-03-01 00:00 10,000   (the first instant of P, 2026-02-28 15:00 UTC)
  D 골드      2025-11-20 23:59 30,000 · 2026-02-28 23:59 25,000 (the last minute of Q)
                                          (+ 2026-03-25 50,000 refunded: not counted)
  E 일반      2025-06-01 100,000 · 2025-12-20 40,000
  F "=1+2"    2026-02-05, 02-20, 03-10, 03-12, 03-28, 15,000 each
  G           no counted order (+ 2026-03-11 30,000 pending: not counted)
  H "-실버"   2025-04-15 200,000 · 2026-01-10 120,000 · 2026-03-08 80,000
  guest       2026-03-18 33,000 (no customer)

P: orders A 03-05, A 03-20, B 03-03, C 03-01, F 03-10, F 03-12, F 03-28, H 03-08, guest 03-18 = 9
   revenue 40+60+20+10+15+15+15+80+33 = 288,000; AOV 288,000 / 9 = 32,000; buyers A B C F H = 5
Q: orders A 02-10, D 02-28 23:59, F 02-05, F 02-20 = 4; revenue 30+25+15+15 = 85,000; AOV 21,250; buyers 3
Change: revenue (288 − 85) / 85 = +238.8 % ▲; orders +125.0 % ▲; AOV +50.6 % ▲

Repeat rate (buyers with ≥ 2 counted orders by the period's end):
  P: A 4, B 1, C 2, F 5, H 3 → A C F H = 4 / 5 = 0.8;  Q (by 2026-03-01 00:00): A 2, D 2, F 2 → 3 / 3 = 1.0
Purchases a year (orders in the 365 days before the end ÷ customers with one):
  P [2025-04-01, 2026-04-01): A 4, B 1, C 2, D 2, E 2, F 5, H 3 = 19 / 7 = 2.7143
  Q [2025-03-01, 2026-03-01): A 2, C 1 (03-01 00:00 is P), D 2, E 2, F 2, H 2 = 11 / 6 = 1.8333
Churn (lapsed = 60 days): bought in [end − 120 d, end − 60 d), and not in [end − 60 d, end):
  P [2025-12-02, 2026-01-31): C 12-15, E 12-20, H 01-10 = 3; not in [01-31, 04-01): E → 1/3 = 0.3333, 3 years
  Q [2025-11-01, 2025-12-31): C 12-15, D 11-20, E 12-20 = 3; not in [12-31, 03-01): C (03-01 00:00 is
    not before the end), E → 2/3 = 0.6667, 1.5 years
CLV = AOV × purchases a year × years: P 32,000 × 19/7 × 3 = 260,571.4 → 260,571;
      Q 21,250 × 11/6 × 1.5 = 58,437.5 → 58,438
Days between purchases (each order of the period back to the customer's previous counted one):
  P: A 02-10→03-05 23, 03-05→03-20 15; C 12-15 12:00→03-01 00:00 75.5; F 02-20→03-10 18, →03-12 2, →03-28 16;
     H 01-10→03-08 57; B has none → 206.5 / 7 = 29.5
  Q: A 2025-05-10→02-10 276; D 11-20 23:59→02-28 23:59 100; F 02-05→02-20 15 → 391 / 3 = 130.33
Lifecycle at the period's start (last counted order before it; active < 30 days, at risk < 60, else lapsed):
  P (start 03-01; active after 01-30, at risk after 2025-12-31): A active 100,000, B new 20,000,
    C lapsed 10,000, F active 45,000, H at risk 80,000 → new 20,000 (1), active 145,000 (2),
    at_risk 80,000 (1), lapsed 10,000 (1); new-customer revenue 20,000, returning 235,000, guest 33,000
  Q (start 01-29; active after 2025-12-30, at risk after 2025-11-30): A lapsed 30,000, D lapsed 25,000,
    F new 30,000 → new 30,000 (1), lapsed 55,000 (2); returning 55,000
VIP at the period's end (window 30 days):
  P [03-02, 04-01): A 40+60 = 100,000 ✓; F 3 orders ✓; H 80,000, B 20,000, C none → 145,000 / 288,000 = 0.5035
  Q [01-30, 03-01): A 30,000, D 25,000, F 2 orders → none: 0
RFM today (7 buyers; score = 1 + floor(5 × below / 7), below = buyers with a lower figure, so ties share the
lowest score of their run):
  last order  E 12-20 (0 below) 1, D 02-28 (1) 1, C 03-01 (2) 2, B 03-03 (3) 3, H 03-08 (4) 3, A 03-20 (5) 4,
              F 03-28 (6) 5
  orders      B 1 (0 below) → 1; C D E 2 (1 below) → 1 + floor(5/7) = 1; H 3 (4) → 3; A 4 (5) → 4; F 5 (6) → 5
  A (4,4) loyal, B (3,1) need attention, C (2,1) hibernating, D (1,1) lost, E (1,1) lost, F (5,5) champions,
  H (3,3) need attention
  P: champions F 45,000 (1), loyal A 100,000 (1), need attention B+H 100,000 (2), hibernating C 10,000 (1)
  Q: champions F 30,000 (1), loyal A 30,000 (1), lost D 25,000 (1)
Tier (member grade): P 골드 100,000 (A), 일반 20,000 (B), "=1+2" 45,000 (F), "-실버" 80,000 (H), none 10,000 (C)
  Q: 골드 55,000 (A, D), "=1+2" 30,000 (F)
Cohorts (first counted order's shop month; months 2025-04‥2026-03, index 0‥11):
  H 2025-04: active 2025-04, 2026-01 (+9), 2026-03 (+11); A 2025-05: +0, 2026-02 (+9), 2026-03 (+10)
  E 2025-06: +0, 2025-12 (+6); D 2025-11: +0, 2026-02 (+3); C 2025-12: +0, 2026-03 (+3, its 00:00 order)
  F 2026-02: +0, +1; B 2026-03: +0; every other month: no customer
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine import config
from engine.customers.segments import RFM_GROUPS, rfm_cuts, rfm_group, rfm_scores
from engine.customers.stats import refresh_stats
from engine.results.kpis import Period, PeriodError, build_report, default_period, parse_day
from engine.results.render import neutralise
from storage.db import open_database
from storage.models import Customer, Order

ROOT = Path(__file__).resolve().parents[2]
SEOUL = ZoneInfo("Asia/Seoul")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def at(text: str) -> datetime:
    day, _, clock = text.partition(" ")
    return datetime.fromisoformat(f"{day}T{clock or '12:00'}").replace(tzinfo=SEOUL)


SHOP: dict[str, tuple[str | None, list[tuple[str, int, str]]]] = {
    "A": ("골드", [("2025-05-10", 50_000, "confirmed"), ("2026-02-10", 30_000, "delivered"),
                  ("2026-03-05", 40_000, "paid"), ("2026-03-20", 60_000, "shipped")]),
    "B": ("일반", [("2026-03-03", 20_000, "paid"), ("2026-03-15", 99_000, "cancelled")]),
    "C": (None, [("2025-12-15", 70_000, "confirmed"), ("2026-03-01 00:00", 10_000, "paid")]),
    "D": ("골드", [("2025-11-20 23:59", 30_000, "confirmed"), ("2026-02-28 23:59", 25_000, "paid"),
                  ("2026-03-25", 50_000, "refunded")]),
    "E": ("일반", [("2025-06-01", 100_000, "confirmed"), ("2025-12-20", 40_000, "confirmed")]),
    "F": ("=1+2", [(day, 15_000, "paid") for day in ("2026-02-05", "2026-02-20", "2026-03-10", "2026-03-12",
                                                      "2026-03-28")]),
    "G": (None, [("2026-03-11", 30_000, "pending")]),
    "H": ("-실버", [("2025-04-15", 200_000, "confirmed"), ("2026-01-10", 120_000, "confirmed"),
                   ("2026-03-08", 80_000, "paid")]),
}


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    db = open_database(path)
    with db.write_session() as session:
        for key, value in (("segments.at_risk_days", "30"), ("segments.lapsed_days", "60"),
                           ("segments.vip_window_days", "30"), ("segments.vip_min_spent", "100000"),
                           ("segments.vip_min_orders", "3")):
            config.set_value(session, key, value)
        number = 0
        for name, (grade, orders) in SHOP.items():
            customer = Customer(source="test", external_id=name, name=f"고객{name}", grade=grade)
            session.add(customer)
            session.flush()
            for when, amount, status in orders:
                number += 1
                session.add(Order(source="test", external_id=f"O{number}", customer_id=customer.id, status=status,
                                  amount=amount, ordered_at=at(when)))
        session.add(Order(source="test", external_id="guest", customer_id=None, status="paid", amount=33_000,
                          ordered_at=at("2026-03-18"), buyer_name="비회원"))
        refresh_stats(session)
    db.close()
    return path


def _report(path: Path):  # type: ignore[no-untyped-def]
    db = open_database(path)
    try:
        return build_report(db, MARCH)
    finally:
        db.close()


def test_every_figure_matches_the_hand_computation(shop: Path) -> None:
    report = _report(shop)
    p, q = report.current, report.previous
    assert q.period == Period(date(2026, 1, 29), date(2026, 2, 28))
    assert (p.orders, p.revenue, p.aov, p.buyers) == (9, 288_000, 32_000, 5)
    assert (q.orders, q.revenue, q.aov, q.buyers) == (4, 85_000, 21_250, 3)
    assert (p.repeat_buyers, p.repeat_rate, q.repeat_buyers, q.repeat_rate) == (4, 0.8, 3, 1.0)
    assert (p.orders_last_year, p.buyers_last_year, p.purchases_per_year) == (19, 7, 2.7143)
    assert (q.orders_last_year, q.buyers_last_year, q.purchases_per_year) == (11, 6, 1.8333)
    assert (p.churn_base, p.churned, p.churn_rate, p.years_retained) == (3, 1, 0.3333, 3.0)
    assert (q.churn_base, q.churned, q.churn_rate, q.years_retained) == (3, 2, 0.6667, 1.5)
    assert (p.clv, q.clv) == (260_571, 58_438)
    assert (p.days_between, p.gaps, q.days_between, q.gaps) == (29.5, 7, 130.33, 3)
    assert p.by_lifecycle == {"new": {"buyers": 1, "revenue": 20_000}, "active": {"buyers": 2, "revenue": 145_000},
                              "at_risk": {"buyers": 1, "revenue": 80_000}, "lapsed": {"buyers": 1, "revenue": 10_000}}
    assert q.by_lifecycle == {"new": {"buyers": 1, "revenue": 30_000}, "active": {"buyers": 0, "revenue": 0},
                              "at_risk": {"buyers": 0, "revenue": 0}, "lapsed": {"buyers": 2, "revenue": 55_000}}
    assert (p.new_revenue, p.returning_revenue, p.guest_revenue) == (20_000, 235_000, 33_000)
    assert (q.new_revenue, q.returning_revenue, q.guest_revenue) == (30_000, 55_000, 0)
    assert (p.vip_revenue, p.vip_share, q.vip_revenue, q.vip_share) == (145_000, 0.5035, 0, 0.0)
    rfm_p = {key: value for key, value in p.by_rfm.items() if value["buyers"]}
    assert rfm_p == {"champions": {"buyers": 1, "revenue": 45_000}, "loyal": {"buyers": 1, "revenue": 100_000},
                     "need_attention": {"buyers": 2, "revenue": 100_000},
                     "hibernating": {"buyers": 1, "revenue": 10_000}}
    rfm_q = {key: value for key, value in q.by_rfm.items() if value["buyers"]}
    assert rfm_q == {"champions": {"buyers": 1, "revenue": 30_000}, "loyal": {"buyers": 1, "revenue": 30_000},
                     "lost": {"buyers": 1, "revenue": 25_000}}
    assert p.by_tier == {"-실버": {"buyers": 1, "revenue": 80_000}, "=1+2": {"buyers": 1, "revenue": 45_000},
                         "골드": {"buyers": 1, "revenue": 100_000}, "일반": {"buyers": 1, "revenue": 20_000},
                         "none": {"buyers": 1, "revenue": 10_000}}
    assert q.by_tier is not None
    assert {key: value for key, value in q.by_tier.items() if value["buyers"]} == {
        "골드": {"buyers": 2, "revenue": 55_000}, "=1+2": {"buyers": 1, "revenue": 30_000}}
    table = report.cohorts
    assert table.months[0] == "2025-04" and table.months[-1] == "2026-03" and len(table.months) == 12
    assert table.sizes == [1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1]

    def active(row: int) -> list[int]:
        return [after for after, count in enumerate(table.cells[row]) if count]

    assert [active(row) for row in range(12)] == [[0, 9, 11], [0, 9, 10], [0, 6], [], [], [], [], [0, 3], [0, 3], [],
                                                  [0, 1], [0]]
    assert table.rate(0, 9) == 1.0 and table.rate(3, 0) is None


def test_comparison_with_the_period_before(shop: Path) -> None:
    report = _report(shop)
    revenue = report.change("revenue")
    assert (revenue.current, revenue.previous, revenue.arrow, revenue.percent) == (288_000, 85_000, "▲", 238.8)
    assert (report.change("orders").percent, report.change("aov").percent) == (125.0, 50.6)
    repeat = report.change("repeat_rate")
    assert (repeat.arrow, repeat.percent) == ("▼", -20.0)
    vip = report.change("vip_share")
    assert (vip.arrow, vip.percent) == ("▲", None)  # from nothing: no percent
    # a period with no order at all, compared with one that has orders: everything ▼ to zero, nothing raises
    quiet = build_report(open_database(shop), Period(date(2026, 4, 1), date(2026, 4, 30)))
    assert (quiet.current.orders, quiet.current.aov, quiet.current.days_between) == (0, 0, None)
    assert quiet.previous.orders == 8 and quiet.change("revenue").percent == -100.0


def test_rfm_groups_cover_every_score_pair_once() -> None:
    for recency in range(1, 6):
        for frequency in range(1, 6):
            owners = [key for key, _, _, r, f in RFM_GROUPS if recency in r and frequency in f]
            assert len(owners) == 1, (recency, frequency, owners)
    assert len(RFM_GROUPS) == 9
    assert [rfm_group(*pair) for pair in ((5, 5), (4, 5), (5, 2), (5, 1), (3, 3), (2, 4), (1, 5), (2, 1), (1, 1))] == [
        "champions", "loyal", "potential_loyal", "new", "need_attention", "at_risk", "cant_lose", "hibernating", "lost"]
    with pytest.raises(ValueError):
        rfm_group(0, 3)


def test_rfm_cut_points_score_like_rfm_scores(shop: Path) -> None:
    db = open_database(shop)
    with db.session() as session:
        cuts = rfm_cuts(session)
        scores = rfm_scores(session, at("2026-04-01"))
        stats = {customer.id: customer.stats for customer in session.query(Customer)}
        for customer_id, (r, f, _) in scores.items():
            row = stats[customer_id]
            assert row is not None
            assert cuts.scores(row.last_order_at, row.order_count, row.total_spent)[:2] == (r, f)
    db.close()


def test_period_rules() -> None:
    assert MARCH.before() == Period(date(2026, 1, 29), date(2026, 2, 28))
    start, end = MARCH.bounds(SEOUL)
    assert start.astimezone(ZoneInfo("UTC")).isoformat() == "2026-02-28T15:00:00+00:00"
    assert end.astimezone(ZoneInfo("UTC")).isoformat() == "2026-03-31T15:00:00+00:00"
    assert default_period(date(2026, 3, 31)) == Period(date(2026, 3, 2), date(2026, 3, 31))
    with pytest.raises(PeriodError):
        Period(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(PeriodError):
        parse_day("2026-02-30", "--from")


def test_neutralise_formula_cells() -> None:
    assert [neutralise(cell) for cell in ("=1+2", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "골드", "", 5, -3.5, None)] == [
        "'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)", "'\t=x", "골드", "", 5, -3.5, None]


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DANGOL_HOME": str(path.parent), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path), "--now", "2026-04-01T09:00",
                           *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_json_has_every_kpi(shop: Path) -> None:
    done = _cli(shop, "report", "--from", "2026-03-01", "--to", "2026-03-31", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["period"] == {"from": "2026-03-01", "to": "2026-03-31", "days": 31}
    assert data["previous_period"]["from"] == "2026-01-29"
    assert data["kpis"]["revenue"] == {"current": 288_000, "previous": 85_000, "arrow": "▲", "percent": 238.8}
    assert data["kpis"]["clv"]["current"] == 260_571 and data["current"]["by_tier"]["=1+2"]["revenue"] == 45_000
    for key in ("revenue", "orders", "buyers", "aov", "repeat_rate", "purchases_per_year", "churn_rate",
                "years_retained", "clv", "days_between", "new_revenue", "returning_revenue", "vip_share"):
        assert key in data["kpis"]
    for key in ("by_lifecycle", "by_rfm", "by_tier", "vip_revenue", "guest_revenue"):
        assert key in data["current"]
    assert data["cohorts"]["sizes"] == [1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1]


def test_cli_csv_neutralises_formulas(shop: Path) -> None:
    done = _cli(shop, "report", "--from", "2026-03-01", "--to", "2026-03-31", "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["section", "key", "label", "current", "previous", "change_percent", "arrow"]
    revenue = next(row for row in rows if row[:2] == ["kpi", "revenue"])
    assert revenue[3:] == ["288000", "85000", "238.8", "▲"]
    tiers = {row[1]: row for row in rows if row and row[0] == "tier_revenue"}
    assert tiers["'=1+2"][2:5] == ["'=1+2", "45000", "30000"]  # a grade named like a formula stays text
    assert tiers["'-실버"][3] == "80000"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), row
            assert not cell.startswith("-") or _number(cell), row  # only our own negative numbers


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_cli_text_follows_the_app_language(shop: Path) -> None:
    done = _cli(shop, "report", "--from", "2026-03-01", "--to", "2026-03-31")
    assert done.returncode == 0, done.stderr
    assert "매출" in done.stdout and "288,000원" in done.stdout and "▲ 238.8%" in done.stdout
    assert "260,571원" in done.stdout and "챔피언" in done.stdout and "2025-04" in done.stdout
    assert _cli(shop, "config", "set", "ui.language", "en").returncode == 0
    english = _cli(shop, "report", "--from", "2026-03-01", "--to", "2026-03-31")
    assert english.returncode == 0 and "Revenue" in english.stdout and "₩288,000" in english.stdout
    assert "Champions" in english.stdout and "매출" not in english.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2026-13-01"), "--from: '2026-13-01' is not a date"),
    (("--to", "yesterday"), "--to: 'yesterday' is not a date"),
    (("--from", "2026-03-10", "--to", "2026-03-01"), "ends (2026-03-01) before it starts"),
    (("--from", "1999-01-01"), "outside the years"),
    (("--json", "--csv"), "not allowed with argument"),
])
def test_cli_bad_input_is_one_line_exit_2(shop: Path, args: tuple[str, ...], message: str) -> None:
    done = _cli(shop, "report", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], done.stderr


def test_cli_default_period_is_the_last_30_days(shop: Path) -> None:
    done = _cli(shop, "report", "--json")  # --now 2026-04-01 09:00 shop time
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["period"] == {"from": "2026-03-03", "to": "2026-04-01", "days": 30}
    assert data["previous_period"] == {"from": "2026-02-01", "to": "2026-03-02", "days": 30}


def test_the_sql_seam_spells_sqlite_and_postgresql() -> None:
    from sqlalchemy import func, select
    from sqlalchemy.dialects import postgresql, sqlite

    from storage.sql import day_number, scan

    query = (select(scan(Order.customer_id), func.sum(day_number(Order.ordered_at)))
             .where(scan(Order.ordered_at) < at("2026-03-01")).group_by(scan(Order.customer_id)))
    lite = str(query.compile(dialect=sqlite.dialect()))
    assert "+orders.customer_id" in lite and "julianday(orders.ordered_at) - 2440587.5" in lite
    pg = str(query.compile(dialect=postgresql.dialect()))
    assert "+" not in pg and "EXTRACT(EPOCH FROM orders.ordered_at) / 86400.0" in pg


@pytest.mark.parametrize("version", [(3, 40, 1), (3, 37, 2)])  # unixepoch() came in SQLite 3.38
def test_epoch_seconds_is_exact_at_midnight_in_both_spellings(monkeypatch: pytest.MonkeyPatch,
                                                              version: tuple[int, int, int]) -> None:
    import sqlite3

    from sqlalchemy import literal_column, select
    from sqlalchemy.dialects import postgresql, sqlite

    import storage.sql
    from storage.sql import epoch_seconds

    monkeypatch.setattr(storage.sql.sqlite3, "sqlite_version_info", version)
    text = str(select(epoch_seconds(literal_column("t"))).compile(dialect=sqlite.dialect()))
    assert ("unixepoch(" in text) == (version >= (3, 38))
    con = sqlite3.connect(":memory:")
    if version < (3, 38) or sqlite3.sqlite_version_info >= (3, 38):
        for stored, seconds in (("2026-02-28 15:00:00.000000", 1772290800),  # 2026-03-01 00:00 in Seoul
                                ("2026-02-28 14:59:59.999999", 1772290799), ("1970-01-01 00:00:00", 0)):
            assert con.execute(text.replace("FROM", "FROM (SELECT ? AS t)").replace("SELECT", "SELECT", 1)
                               if "FROM" in text else f"{text} FROM (SELECT ? AS t)", (stored,)).fetchone()[0] \
                == seconds, (stored, text)
    pg = str(select(epoch_seconds(literal_column("t"))).compile(dialect=postgresql.dialect()))
    assert "FLOOR(EXTRACT(EPOCH FROM t))" in pg
