"""Sample customers a message text is tried on before it is published (and shown with in the editor).

Validation renders every message of a journey for a handful of the shop's own customers and for a customer
whose every field is empty, so a text that cannot be made for someone is refused before publishing instead
of failing for real customers at night.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Sample:
    """One customer to try a text on: facts as `load_facts` gives them, and an enrollment's data."""

    label: str  # how an issue names them: "고객 #12", "빈 고객"
    label_en: str  # the same in English: "customer #12", "a customer with every field empty"
    customer: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)


def example_data(now: datetime) -> dict[str, Any]:
    """The order, cart, coupon and consent a preview or a trial render uses, shaped as triggers and coupon nodes
    write them into an enrollment."""
    return {
        "coupon": {"code": "SAMPLE-7KQ2M9XA", "discount_type": "percent", "amount": 10,
                   "expires_at": (now + timedelta(days=14)).isoformat()},
        "order": {"id": "20260301-0001234", "amount": 45000, "items": [{"name": "수분 진정 토너 200ml"}]},
        "cart": {"id": "cart-1", "amount": 39000, "items": [{"name": "린넨 오버핏 셔츠"}]},
        "consent": {"since": (now - timedelta(days=730)).isoformat(), "channels": ["sms", "email"]},
    }


def empty_sample(now: datetime) -> Sample:
    """A customer with every field empty: no name, no address, no orders, an order and cart without items."""
    customer = {"id": 0, "name": "", "email": "", "phone": "", "total_spent": 0, "order_count": 0,
                "last_order_at": None}
    data = example_data(now)
    data["order"] = {"id": "", "amount": 0, "items": []}
    data["cart"] = {"id": "", "amount": 0, "items": []}
    data["consent"] = {"since": "", "channels": []}
    return Sample("빈 고객", "a customer with every field empty", customer, data)


def typical_sample(now: datetime) -> Sample:
    """A made-up customer for when the shop has none yet."""
    customer = {"id": 0, "name": "김민지", "email": "minji@example.com", "phone": "01012345678",
                "total_spent": 352000, "order_count": 4, "last_order_at": now - timedelta(days=20)}
    return Sample("예시 고객", "an example customer", customer, example_data(now))


def default_samples(now: datetime) -> tuple[Sample, ...]:
    return (typical_sample(now), empty_sample(now))


def example_data_for(journey: Any, node_id: str, now: datetime) -> dict[str, Any]:
    """`example_data`, with what this message's journey would really hand it: the nearest coupon step's discount
    and validity, the nearest points step's amount, and the tier a membership-tier trigger waits for. The editor's
    preview shows "5,000원 할인 쿠폰" when the coupon step says 5,000원, not the example's 10 %."""
    data = example_data(now)
    graph = journey.graph()
    if node_id not in graph:
        return data
    seen, frontier = {node_id}, [node_id]
    nearest: dict[str, Any] = {}
    while frontier:  # breadth first, backwards: the nearest step of each kind wins
        step: list[str] = []
        for current in frontier:
            for before in graph.predecessors(current):
                if before not in seen:
                    seen.add(before)
                    step.append(before)
                    nearest.setdefault(journey.node(before).kind, journey.node(before))
        frontier = step
    coupon = nearest.get("action.coupon")
    if coupon is not None:
        params = coupon.effective_params()
        data["coupon"] = {**data["coupon"], "discount_type": params.get("discount_type") or "percent",
                          "amount": int(params.get("amount") or 0),
                          "expires_at": (now + timedelta(days=int(params.get("valid_days") or 14))).isoformat()}
    points = nearest.get("action.give_points")
    if points is not None:
        data["points"] = {"amount": int(points.effective_params().get("amount") or 0)}
    tier = nearest.get("trigger.tier_changed")
    if tier is not None:
        data["tier"] = {"previous": "이전 등급", "direction": tier.effective_params().get("direction") or "up"}
        if tier.effective_params().get("tier"):
            data["tier"]["name"] = str(tier.effective_params()["tier"])
    return data
