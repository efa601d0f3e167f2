"""Issue 16, journey results: a small shop computed by hand (funnel, messages, cost, last-touch attribution
across two journeys, a coupon redemption, revenue, net and ROI), A/B verdicts both ways, the holdout lift,
the journey list's 30 days, and 'make B the only path' as a new version."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QGroupBox
from sqlalchemy import insert, select

from engine import gallery
from engine import journey_store as store
from engine.clock import FixedClock, parse_instant
from engine.journey import Journey
from engine.journey_store import StoreError
from engine.results import stats
from engine.results.journeys import journey_results, list_figures, report_text
from engine.results.only_path import publish_only_path
from engine.runtime.publish import publish
from storage.db import Database, open_database
from storage.models import (
    Coupon,
    Customer,
    Enrollment,
    JourneyVersion,
    Order,
    OutboxMessage,
    StepLog,
)
from storage.models import Journey as JourneyRow

NOW = parse_instant("2026-03-20T12:00")


def at(text: str) -> datetime:
    return parse_instant(text.replace(" ", "T"))


def _journey(session, journey_id: str, name: str) -> int:
    graph = Journey(id=journey_id, name=name).to_dict()
    session.add(JourneyRow(id=journey_id, name=name, status="live", draft=graph, live_version=1,
                           created_at=NOW, updated_at=NOW))
    version = JourneyVersion(journey_id=journey_id, version=1, graph=graph, published_at=at("2026-03-01 09:00"))
    session.add(version)
    session.flush()
    return version.id


def _message(session, journey_id: str, customer_id: int, when: str, status: str = "sent", cost: int = 20,
             reason: str | None = None, key: str | None = None) -> None:
    moment = at(when)
    session.add(OutboxMessage(
        idem_key=key or f"{journey_id}:{customer_id}:{when}", journey_id=journey_id, node_id="sms",
        customer_id=customer_id, channel="sms", is_ad=True, recipient="+821000000000", body="안녕하세요",
        status=status, reason=reason, not_before=moment, due_at=moment, cost_won=cost, created_at=moment,
        sent_at=moment if status == "sent" else None))


def _order(session, customer_id: int, when: str, amount: int, *, status: str = "paid", code: str | None = None,
           discount: int = 0) -> None:
    session.add(Order(source="test", external_id=f"O-{customer_id}-{when}", customer_id=customer_id, status=status,
                      amount=amount, discount=discount, coupon_code=code, ordered_at=at(when)))


def hand_shop(path: Path) -> tuple[Database, dict[str, int]]:
    """Two journeys, J (환영) and K (재구매), five customers; every figure below is worked out by hand in
    the test that reads it."""
    db = open_database(path)
    with db.session() as session:
        ids = {}
        for number in range(1, 6):
            customer = Customer(source="test", external_id=f"C{number}", name=f"고객{number}")
            session.add(customer)
            session.flush()
            ids[f"c{number}"] = customer.id
        j_version = _journey(session, "jjjjjjjj", "환영")
        _journey(session, "kkkkkkkk", "재구매")
        c1, c2, c3, c4, c5 = (ids[f"c{n}"] for n in range(1, 6))
        # J's enrollments: one reached the goal, one the end of its path, one left by an exit step, one failed
        # (its text could not be made), one still waits
        for customer, status, reason in ((c1, "completed", "goal_reached"), (c2, "completed", "end_of_path"),
                                         (c3, "exited", "exit_node"), (c4, "failed", "render_error"),
                                         (c5, "active", None)):
            session.add(Enrollment(journey_id="jjjjjjjj", version_id=j_version, customer_id=customer, node_id="sms",
                                   status=status, dedupe_key=f"j:{customer}", entered_at=at("2026-03-10 09:00"),
                                   updated_at=NOW, end_reason=reason,
                                   wake_at=at("2026-03-25 09:00") if status == "active" else None))
        # J's messages: three sent (20 + 50 + 20 won), one skipped (no consent), one held by quiet hours
        _message(session, "jjjjjjjj", c1, "2026-03-10 10:00", cost=20)
        _message(session, "jjjjjjjj", c2, "2026-03-10 10:00", cost=50)
        _message(session, "jjjjjjjj", c3, "2026-03-10 10:00", cost=20)
        _message(session, "jjjjjjjj", c4, "2026-03-10 10:00", status="skipped", reason="no_consent")
        _message(session, "jjjjjjjj", c5, "2026-03-10 10:00", status="queued", reason="quiet_hours")
        # K wrote to c2 after J did
        _message(session, "kkkkkkkk", c2, "2026-03-12 10:00", cost=20)
        # coupons: J gave c1 a code, K gave c1 another
        session.add(Coupon(code="HELLO-J1", customer_id=c1, journey_id="jjjjjjjj", node_id="coupon",
                           discount_type="won", amount=2000, issued_at=at("2026-03-10 10:00")))
        session.add(Coupon(code="AGAIN-K1", customer_id=c1, journey_id="kkkkkkkk", node_id="coupon",
                           discount_type="won", amount=1000, issued_at=at("2026-03-10 10:00")))
        _order(session, c1, "2026-03-12 10:00", 30_000)  # 2 days after J's message, the last one: J
        _order(session, c1, "2026-03-19 10:00", 8_000, code="HELLO-J1", discount=2_000)  # 9 days: J's code
        _order(session, c1, "2026-03-14 10:00", 5_000, code="AGAIN-K1", discount=1_000)  # K's code: K's
        _order(session, c2, "2026-03-13 10:00", 50_000)  # after J's (3 days) and K's (1 day): K was last
        _order(session, c3, "2026-03-11 10:00", 20_000, status="cancelled")  # not counted
        _order(session, c3, "2026-03-09 10:00", 15_000)  # before any message
        session.commit()
    return db, ids


@pytest.fixture
def hand(tmp_path: Path) -> Database:
    db, _ = hand_shop(tmp_path / "hand.db")
    yield db
    db.close()


def test_hand_computed_journey_results(hand: Database) -> None:
    with hand.session() as session:
        results = journey_results(session, "jjjjjjjj", NOW)
    funnel, messages, a = results.funnel, results.messages, results.attribution
    assert (funnel.entered, funnel.waiting) == (5, 1)
    assert funnel.finished == {"goal_reached": 1, "end_of_path": 1}
    assert funnel.exited == {"exit_node": 1} and funnel.failed == {"render_error": 1}
    assert messages.sent == 3 and messages.skipped == {"no_consent": 1}
    assert messages.waiting == {"quiet_hours": 1} and messages.failed == {}
    assert messages.cost_won == 20 + 50 + 20 == 90
    assert messages.by_channel == {"sms": (3, 90)}
    # J's orders: c1's 30,000 (2 days after J's message, nothing later) and c1's 8,000 with J's code (9 days
    # after: past the window, but the code is J's). c1's 5,000 carries K's code; c2's 50,000 came a day after
    # K's message (K touched last); c3's are cancelled or before any message.
    assert (a.days, a.model) == (7, "last_touch")
    assert (a.conversions, a.orders) == (1, 2)
    assert a.revenue == 30_000 + 8_000 == 38_000
    assert (a.coupon_orders, a.discount) == (1, 2_000)
    assert a.cost == 90
    assert a.net == 38_000 - 2_000 - 90 == 35_910
    assert a.roi == pytest.approx(35_910 / (90 + 2_000))  # 17.18: 1,718 %
    assert "7일 안에" in results.attribution_sentence("ko") and "마지막" in results.attribution_sentence("ko")
    assert results.ab_tests == [] and results.lifts == []
    text = report_text(results, "ko")
    assert "매출 38,000원" in text and "순이익 35,910원" in text and "ROI 1,718%" in text
    assert "수신 동의 없음 1" in text


def test_last_touch_gives_the_order_to_the_journey_that_wrote_last(hand: Database) -> None:
    with hand.session() as session:
        k = journey_results(session, "kkkkkkkk", NOW).attribution
        any_touch = journey_results(session, "jjjjjjjj", NOW, model="any_touch").attribution
    # K: c2's 50,000 (K's message a day before, after J's) and c1's 5,000 with K's code (1,000 off)
    assert (k.conversions, k.orders, k.revenue, k.coupon_orders, k.discount, k.cost) == (2, 2, 55_000, 1, 1_000, 20)
    # every order after any J message within 7 days (or with J's code): c2's 50,000 counts for J as well;
    # c1's order with K's code stays K's
    assert (any_touch.conversions, any_touch.orders, any_touch.revenue) == (2, 3, 88_000)


def test_days_limit_the_window(hand: Database) -> None:
    with hand.session() as session:
        recent = journey_results(session, "jjjjjjjj", NOW, days=5)  # from 03-15 12:00
    assert recent.funnel.entered == 0 and recent.messages.sent == 0  # all entered / written on 03-10
    assert (recent.attribution.orders, recent.attribution.revenue) == (1, 8_000)  # only the coupon order of 03-19


def test_journey_list_last_30_days(hand: Database) -> None:
    with hand.session() as session:
        figures = list_figures(session, NOW, days=30)
    j, k = figures["jjjjjjjj"], figures["kkkkkkkk"]
    assert (j.sent, j.cost, j.conversions, j.revenue, j.discount) == (3, 90, 1, 38_000, 2_000)
    assert j.roi == pytest.approx((38_000 - 90 - 2_000) / (90 + 2_000))
    assert (k.sent, k.cost, k.conversions, k.revenue, k.discount) == (1, 20, 2, 55_000, 1_000)
    assert k.roi == pytest.approx((55_000 - 20 - 1_000) / (20 + 1_000))
    with hand.session() as session:
        later = list_figures(session, NOW + timedelta(days=40), days=30)
    assert later == {}  # nothing sent or ordered in those 30 days


# --- A/B and holdout ------------------------------------------------------------------------------------------


def split_shop(path: Path, arms: dict[str, tuple[int, int]], amount: int = 20_000) -> Database:
    """One journey whose split placed `customers` in each arm on 03-01, `converted` of them ordering once
    (`amount` won) a day later."""
    db = open_database(path)
    with db.session() as session:
        version = _journey(session, "abababab", "A/B")
        placed = at("2026-03-01 10:00")
        total = sum(customers for customers, _ in arms.values())
        first = session.scalar(select(Customer.id).order_by(Customer.id.desc())) or 0
        session.execute(insert(Customer), [{"source": "test", "external_id": f"S{n}", "name": f"고객{n}"}
                                           for n in range(total)])
        ids = list(session.scalars(select(Customer.id).where(Customer.id > first).order_by(Customer.id)))
        logs, orders = [], []
        for arm, (customers, converted) in arms.items():
            mine, ids = ids[:customers], ids[customers:]
            for index, customer in enumerate(mine):
                logs.append({"at": placed, "customer_id": customer, "journey_id": "abababab", "version_id": version,
                             "enrollment_id": customer, "node_id": "split", "event": "split", "reason": arm,
                             "detail": {}})
                if index < converted:
                    orders.append({"source": "test", "external_id": f"O{customer}", "customer_id": customer,
                                   "status": "paid", "amount": amount, "discount": 0,
                                   "ordered_at": placed + timedelta(days=1)})
        session.execute(insert(StepLog), logs)
        if orders:
            session.execute(insert(Order), orders)
        session.commit()
    return db


def test_ab_clear_winner(tmp_path: Path) -> None:
    db = split_shop(tmp_path / "ab.db", {"a": (1000, 50), "b": (1000, 100)})
    with db.session() as session:
        results = journey_results(session, "abababab", NOW)
    db.close()
    [test] = results.ab_tests
    assert (test.a.customers, test.a.conversions, test.b.customers, test.b.conversions) == (1000, 50, 1000, 100)
    assert test.a.rate == 0.05 and test.b.rate == 0.10
    # Wilson 95 % for 50/1000: centre (0.05 + 1.96²/2000) / (1 + 1.96²/1000) ≈ 0.05186, half-width ≈ 0.01358
    assert test.a.interval.low == pytest.approx(0.0381, abs=5e-4)
    assert test.a.interval.high == pytest.approx(0.0653, abs=5e-4)
    # chi-square without correction: pooled 0.075, z = 0.05 / √(0.075·0.925·2/1000) = 4.24, p ≈ 2.2e-5
    assert test.comparison.test == "chi2"
    assert test.comparison.p_value == pytest.approx(2.2e-5, rel=0.1)
    assert test.winner == "b"
    assert test.sentence("ko") == "B가 A보다 주문 전환이 높습니다 (p<0.001)"
    assert test.sentence("en") == "B converts better than A (p<0.001)"
    assert test.b.revenue_per_customer == 100 * 20_000 / 1000 == 2_000


def test_ab_too_early_says_how_many_more(tmp_path: Path) -> None:
    db = split_shop(tmp_path / "early.db", {"a": (200, 10), "b": (200, 14)})
    with db.session() as session:
        results = journey_results(session, "abababab", NOW)
    db.close()
    [test] = results.ab_tests
    assert test.comparison.p_value > 0.05 and test.winner is None
    # n = (1.95996·√(2·0.06·0.94) + 0.84162·√(0.05·0.95 + 0.07·0.93))² / 0.02²
    #   = (0.65827 + 0.28241)² / 0.0004 = 0.88488 / 0.0004 = 2212.2 → 2,213 per arm; 2,013 more than 200
    assert test.needed_per_arm == 2213
    assert test.more_per_arm == 2013
    assert test.sentence("ko").startswith("아직 판단하기 이릅니다: 각 쪽에 약 2,013명이 더 필요합니다 (p=")
    assert "each side needs about 2,013 more customers" in test.sentence("en")


def test_small_counts_use_fisher() -> None:
    assert stats.compare(1, 10, 6, 10).test == "fisher"
    assert stats.compare(1, 10, 6, 10).p_value == pytest.approx(0.0573, abs=1e-3)  # scipy's two-sided exact


def test_holdout_lift(tmp_path: Path) -> None:
    db = split_shop(tmp_path / "hold.db", {"a": (400, 60), "b": (400, 60), "holdout": (200, 10)})
    with db.session() as session:
        results = journey_results(session, "abababab", NOW)
    db.close()
    [lift] = results.lifts
    assert (lift.treated.customers, lift.treated.conversions) == (800, 120)
    assert (lift.holdout.customers, lift.holdout.conversions) == (200, 10)
    diff, interval = lift.conversion
    assert diff == pytest.approx(0.15 - 0.05)
    assert interval.low > 0 and interval.contains(0.10)
    # revenue per customer: 120·20,000/800 = 3,000 against 10·20,000/200 = 1,000: +2,000 won.
    # s² (treated) = (120·20,000² − 800·3,000²)/799 = 51,063,830; (holdout) = (10·20,000² − 200·1,000²)/199
    # = 19,095,477; se = √(51,063,830/800 + 19,095,477/200) = √159,307 = 399.13; ±1.96·se = ±782.3
    value, around = lift.revenue
    assert value == pytest.approx(2_000)
    assert around.low == pytest.approx(2_000 - 782.3, abs=1) and around.high == pytest.approx(2_000 + 782.3, abs=1)
    assert lift.sentence("ko").startswith("이 여정은 아무것도 하지 않았을 때보다 주문 전환을 높였습니다: +10.0%p")
    assert "+2,000원" in lift.sentence("ko")


# --- 'make B the only path' ----------------------------------------------------------------------------------


def test_make_b_the_only_path_publishes_a_version_without_the_split(shop) -> None:
    db, clock = shop.db, shop.clock  # the demo shop: its settings make the win-back template valid
    journey = gallery.instantiate(gallery.template("winback_90d"))
    with db.write_session() as session:
        store.save_draft(session, journey, clock)
        publish(session, journey.id, clock)
    with db.write_session() as session:
        result = publish_only_path(session, journey.id, "split", "b", clock)
    assert result.version == 2
    with db.session() as session:
        graph = session.scalar(select(JourneyVersion.graph).where(JourneyVersion.journey_id == journey.id,
                                                                  JourneyVersion.version == 2))
    nodes = {node["id"] for node in graph["nodes"]}
    assert "split" not in nodes and "coupon_a" not in nodes and "offer_a" not in nodes
    assert {"trigger", "coupon_b", "offer_b", "ordered", "reminder"} <= nodes
    edges = {(edge["source"], edge["target"]) for edge in graph["edges"]}
    assert ("trigger", "coupon_b") in edges and ("offer_b", "ordered") in edges
    # a draft with edits not yet published is not published unseen
    with db.write_session() as session:
        changed = store.load(session, journey.id)
        changed.set_param("offer_b", "body", "다른 문장")
        store.save_draft(session, changed, clock)
    with pytest.raises(StoreError) as refused, db.write_session() as session:
        publish_only_path(session, journey.id, "ordered", "b", clock)
    assert refused.value.code == "draft_changed"


def test_a_journey_sets_its_own_conversion_window(hand: Database) -> None:
    with hand.session() as session:
        row = session.get(JourneyRow, "jjjjjjjj")
        row.draft = {**row.draft, "settings": {**row.draft["settings"], "conversion_days": 1}}
        session.commit()
    with hand.session() as session:
        results = journey_results(session, "jjjjjjjj", NOW)
    # c1's 30,000 came 2 days after J's message: past a 1-day window; the order with J's code stays J's
    assert (results.attribution.days, results.attribution.orders, results.attribution.revenue) == (1, 1, 8_000)
    assert "1일 안에" in results.attribution_sentence("ko")


def test_the_written_out_quantiles_are_scipys_and_the_app_starts_without_scipy_stats() -> None:
    """Importing scipy.stats costs about 2 s; the app's window (and with it the dashboard's journey section)
    imports engine.results.stats, so the two normal quantiles are written out and scipy comes when a test is
    computed."""
    import subprocess
    import sys

    from scipy import stats as scipy_stats

    from engine.results import stats
    from tests.conftest import ROOT

    assert float(scipy_stats.norm.ppf(1 - stats.ALPHA / 2)) == stats.Z
    assert float(scipy_stats.norm.ppf(stats.POWER)) == stats.Z_POWER
    probe = ("import sys, ui.main_window, ui.pages.dashboard, engine.results.journeys, engine.results.stats\n"
             "print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


# --- several splits: each verdict says which split it is about ----------------------------------------------


def test_several_splits_are_named_and_numbered_in_canvas_order(tmp_path: Path, qtbot) -> None:
    from engine.results.journey_section import JourneySection
    from ui.context import AppContext, Bus
    from ui.editor.results_panel import ResultsPanel
    from ui.pages.dashboard_journeys import JourneyResultsBox

    db = split_shop(tmp_path / "two.db", {"a": (300, 30), "b": (300, 60)})
    with db.session() as session:  # a second split further left on the canvas, labelled by the owner
        row = session.get(JourneyRow, "abababab")
        logs = [{**log, "node_id": "offer", "reason": "holdout" if index % 3 == 0 else log["reason"]}
                for index, log in enumerate(session.execute(select(
                    StepLog.at, StepLog.customer_id, StepLog.journey_id, StepLog.version_id, StepLog.enrollment_id,
                    StepLog.event, StepLog.reason, StepLog.detail)).mappings())]
        session.execute(insert(StepLog), logs)
        row.draft = {**row.draft, "nodes": [
            {"id": "split", "kind": "split.random", "params": {}, "position": [600, 0]},
            {"id": "offer", "kind": "split.random", "params": {}, "position": [200, 40], "label": "쿠폰 문구"}]}
        session.commit()
    with db.session() as session:
        results = journey_results(session, "abababab", NOW)
    assert list(results.splits) == ["offer", "split"] and results.several_splits
    assert [results.split_title(node, "ko") for node in ("offer", "split")] == ["1. 쿠폰 문구", "2. A/B 테스트"]
    assert results.split_title("split", "en") == "2. A/B split"
    verdicts = results.split_sentences("ko")
    assert len(verdicts) == len(results.ab_tests) + len(results.lifts) == 3
    assert [text.split(":")[0] for text in verdicts] == ["1. 쿠폰 문구", "1. 쿠폰 문구", "2. A/B 테스트"]  # per split
    assert results.sentences("ko")[1:] == verdicts
    assert [test["node_title"] for test in results.to_json("en")["ab_tests"]] == ["1. 쿠폰 문구", "2. A/B split"]
    text = report_text(results, "ko")
    assert "A/B (1. 쿠폰 문구):" in text and "A/B (2. A/B 테스트):" in text and "비교군 (1. 쿠폰 문구):" in text

    ctx = AppContext(db, FixedClock(NOW), "ko", Bus())
    panel = ResultsPanel(ctx, "abababab")
    qtbot.addWidget(panel)
    panel.refresh()
    titles = [panel.body.itemAt(index).widget().title() for index in range(panel.body.count())
              if isinstance(panel.body.itemAt(index).widget(), QGroupBox)]
    ab, holdout = panel.tr("A/B test"), panel.tr("Holdout (no message)")  # as this worker's translation has them
    assert [title.split(" — ") for title in titles[:3]] == [[ab, "1. 쿠폰 문구"], [holdout, "1. 쿠폰 문구"],
                                                             [ab, "2. A/B 테스트"]]

    box = JourneyResultsBox(ctx)
    qtbot.addWidget(box)
    box.show_section(JourneySection((("abababab", "A/B"),), "abababab", results, True, NOW, 30))
    holdout = box.tr("Holdout")  # 비교군 when an earlier test of this worker installed the Korean translation
    assert box.ab_chart.labels == ["1·A", "1·B", f"1·{holdout}", "2·A", "2·B"]
    assert box.ab_chart.lines[2].startswith(f"1. 쿠폰 문구 · {holdout}")
    assert box.verdicts.text().splitlines() == [f"• {text}" for text in verdicts]
    db.close()

    # one split: no numbers anywhere
    single = split_shop(tmp_path / "one.db", {"a": (100, 10), "b": (100, 20)})
    with single.session() as session:
        alone = journey_results(session, "abababab", NOW)
    single.close()
    assert not alone.several_splits and alone.split_title("split", "ko") == "A/B 테스트"
    assert alone.split_sentences("en") == [alone.ab_tests[0].sentence("en")]
