"""A node kind is one module (issue #15 §1): a toy kind defined here, registered for the test only, is
validated, replayed by simulate and run by the runner with no other file touched. And the kinds' list
is what every part reads (registry, layout port order, timeline texts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine import journey_store as store
from engine.journey import Journey, JourneyError, validate
from engine.journey.layout import layout_positions
from engine.journey.registry import REGISTRY, default_params, summarize
from engine.kinds import KINDS, registered
from engine.kinds.effects import COUNT_ACTION, OUT, Log, SetField
from engine.kinds.spec import IN, Kind, NodeType, ParamSpec, ParamType
from engine.kinds.spec import OUT as OUT_PORTS
from engine.runtime.publish import publish
from engine.runtime.simulate import simulate
from storage.db import Database, open_database
from storage.models import Customer, StepLog
from tests.runtime.shop import Shop, at, demo_shop


def _stamp(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    """The toy kind's step: a stamp on the customer's card (a field), logged."""
    stamp = str(node.params.get("stamp") or "")
    return (SetField("stamp", stamp), Log("action", "stamped", {"stamp": stamp}), COUNT_ACTION, OUT)


STAMP = Kind(
    NodeType("action.stamp", "action", "도장 찍기", "Stamp", "stamp", IN, OUT_PORTS, (
        ParamSpec("stamp", ParamType.TEXT, "도장", "Stamp", "커피", required=True),
    ), "고객 카드에 도장을 찍습니다.", "Stamps the customer's card.",
        summarize=lambda p, lang: f"[{p.get('stamp')}]"),
    step=_stamp, reasons={"stamped": ("{stamp} 도장 찍음", "{stamp} stamped")})


@pytest.fixture
def stamp_kind() -> Iterator[Kind]:
    with registered(STAMP) as kind:
        yield kind


def _journey() -> Journey:
    journey = Journey(name="도장 여정")
    journey.add_node("trigger.signed_up", node_id="trigger")
    journey.add_node("action.stamp", {"stamp": "아메리카노"}, node_id="stamp")
    journey.add_node("exit", node_id="end")
    journey.connect("trigger", "out", "stamp")
    journey.connect("stamp", "out", "end")
    return journey


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kinds-demo") / "demo.db"
    db = open_database(path)
    demo_shop(db, customers=60)
    db.close()
    return path


@pytest.fixture
def shop(demo_file: Path, tmp_path: Path) -> Iterator[Shop]:
    copy = tmp_path / "shop.db"
    copy.write_bytes(demo_file.read_bytes())
    db: Database = open_database(copy)
    yield Shop(db, tmp_path)
    db.close()


def test_a_kind_unknown_until_registered_and_gone_after() -> None:
    with pytest.raises(JourneyError):
        Journey().add_node("action.stamp")
    with registered(STAMP):
        assert REGISTRY["action.stamp"].label_ko == "도장 찍기" and "action.stamp" in REGISTRY
        assert default_params("action.stamp") == {"stamp": "커피"}
        assert summarize("action.stamp", {"stamp": "라떼"}) == "[라떼]"
        assert STAMP in KINDS
    assert "action.stamp" not in REGISTRY and STAMP not in KINDS


def test_the_toy_kind_validates_and_the_runner_steps_it(shop: Shop, stamp_kind: Kind) -> None:
    journey = _journey()
    assert [issue.code for issue in validate(journey) if issue.severity == "error"] == []
    again = Journey.from_dict(journey.to_dict())  # files and the clipboard take it too
    assert again.node("stamp").kind == "action.stamp"
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock)
    customer_id = shop.signup("2026-03-02 10:30")
    summary = shop.run("2026-03-02 10:31")
    assert summary["entered"] == 1 and summary["exited"] == 1
    with shop.db.session() as session:
        assert session.get(Customer, customer_id).attributes["stamp"] == "아메리카노"
        rows = [(row.node_id, row.event, row.reason, row.detail) for row in session.scalars(
            select(StepLog).where(StepLog.customer_id == customer_id).order_by(StepLog.id))]
    assert ("stamp", "action", "stamped", {"stamp": "아메리카노"}) in rows
    assert rows[-1][:3] == ("end", "exited", "exit_node")


def test_simulate_replays_the_toy_kind(shop: Shop, stamp_kind: Kind) -> None:
    journey = _journey()
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
    for minute in (5, 10, 15):
        shop.signup(f"2026-03-02 09:{minute:02d}")
    result = simulate(shop.db, journey.id, at("2026-03-02 09:00"), at("2026-03-02 10:00"))
    assert result.entered == 3
    assert result.nodes["stamp"]["customers"] == 3 and result.nodes["stamp"]["kind"] == "action.stamp"


def test_every_part_reads_the_kinds_list() -> None:
    """The registry is the kinds' list; layout's port order and the canvas summaries come from it."""
    assert list(REGISTRY) == [kind.name for kind in KINDS]
    journey = Journey()
    journey.add_node("trigger.signed_up", node_id="t")
    journey.add_node("condition", node_id="c")
    journey.add_node("exit", node_id="yes")
    journey.add_node("exit", node_id="no")
    journey.connect("t", "out", "c")
    journey.connect("c", "yes", "yes")
    journey.connect("c", "no", "no")
    rows = layout_positions(journey)  # the kind's output order stacks its branches: yes above no
    assert rows["yes"][1] < rows["no"][1]
    journey = Journey()
    journey.add_node("trigger.signed_up", node_id="t")
    journey.add_node("split.random", node_id="s")
    for arm in ("a", "b", "holdout"):
        journey.add_node("exit", node_id=arm)
    journey.connect("t", "out", "s")
    for arm in ("a", "b", "holdout"):
        journey.connect("s", arm, arm)
    rows = layout_positions(journey)
    assert rows["a"][1] < rows["b"][1] < rows["holdout"][1]


def test_timeline_texts_come_from_the_kinds(stamp_kind: Kind) -> None:
    from engine.kinds import reason_texts
    from engine.timeline import REASON_TEXT, REASON_TEXT_KO

    assert reason_texts()["stamped"] == ("{stamp} 도장 찍음", "{stamp} stamped")
    assert REASON_TEXT_KO["coupon_issued"] == "쿠폰 {code} 발급" and REASON_TEXT["tag_add"] == "tag #{tag} added"


def test_triggers_history_window_comes_from_each_kind() -> None:
    from engine.kinds import BY_KIND

    assert BY_KIND["trigger.order_placed"].lookback({}) == timedelta(hours=24)
    assert BY_KIND["trigger.cart_abandoned"].lookback({"hours": 5}) == timedelta(hours=1)
    assert BY_KIND["trigger.date"].lookback is None and BY_KIND["trigger.manual"].scan is None


def test_card_summaries_say_won_in_each_language() -> None:
    """A card's line in English says "₩5,000", not "5,000원" (the editor and the timeline show it)."""
    coupon = {"discount_type": "won", "amount": 5000, "valid_days": 14}
    assert summarize("action.coupon", coupon, "ko") == "5,000원 쿠폰, 14일"
    assert summarize("action.coupon", coupon, "en") == "₩5,000 coupon, 14 days"
    assert summarize("trigger.order_placed", {"which": "any", "min_amount": 30000}, "en").endswith("≥ ₩30,000")
    rule = {"rules": [{"field": "total_spent", "op": "gte", "value": 100000}]}
    assert "₩100,000" in summarize("condition", rule, "en") and "100,000원" in summarize("condition", rule, "ko")
