"""The editor's preview renders a message with what its own path hands it: the nearest coupon step's discount
and validity, the points step's amount, the tier a membership trigger waits for (not the fixed example's
10 % coupon, and not a blank where the points go)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engine import gallery
from engine.messaging.adlaw import ShopInfo
from engine.messaging.render import Renderer
from engine.messaging.samples import example_data, example_data_for
from engine.messaging.variables import message_variables

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)
SHOP = ShopInfo("단골상회", "02-1234-5678", "080-123-4567")
CUSTOMER = {"name": "김민지", "total_spent": 352_000, "order_count": 4, "tier": "실버"}


def render(journey, node_id: str) -> str:
    data = example_data_for(journey, node_id, NOW)
    variables = message_variables(dict(CUSTOMER), SHOP, data, ZoneInfo("Asia/Seoul"))
    return Renderer().render(str(journey.node(node_id).params["body"]), variables)


def test_tier_up_preview_shows_the_points_of_its_own_step() -> None:
    journey = gallery.instantiate(gallery.template("tier_up"), values={"points": "5000"})
    [sms] = [node.id for node in journey.nodes.values() if node.kind == "message.sms"]
    text = render(journey, sms)
    assert "적립금 5,000원을 드립니다" in text
    assert "회원 등급이 이전 등급에서 실버로 올랐어요" in text
    assert "적립금 원" not in text and "이 에서" not in text


def test_winback_preview_shows_each_arms_own_coupon() -> None:
    journey = gallery.instantiate(gallery.template("winback_90d"), values={"percent": "15", "won": "5000",
                                                                          "coupon_days": "10"})
    offers = {node.id: render(journey, node.id) for node in journey.nodes.values()
              if node.kind == "message.sms" and node.id.startswith("offer_")}
    texts = sorted(offers.values())
    assert any("15%" in text for text in texts) and any("5,000원" in text for text in texts), texts
    assert all("2026년 12월 10일까지" in text for text in texts), texts  # 10 days from 11-30


def test_a_message_without_those_steps_keeps_the_example() -> None:
    journey = gallery.instantiate(gallery.template("cart_abandoned"))
    [sms] = [node.id for node in journey.nodes.values() if node.kind == "message.sms"]
    assert example_data_for(journey, sms, NOW) == example_data(NOW)
    assert example_data_for(journey, "no-such-node", NOW) == example_data(NOW)
