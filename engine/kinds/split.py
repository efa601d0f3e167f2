"""split.random: an A/B split with a holdout; a customer's arm is a stable hash, so re-entry keeps it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from engine.kinds.effects import Go, Log
from engine.kinds.spec import IN, Kind, NodeType, ParamSpec, ParamType, PortSpec, ko_en

_ARMS = {arm: (Log("split", arm), Go(arm)) for arm in ("a", "b", "holdout")}


def split_arm(journey_id: str, customer_id: int, node: Any) -> str:
    """A customer's arm of a random split: stable for this journey and node, so re-entry keeps it."""
    digest = hashlib.sha256(f"{journey_id}:{customer_id}:{node.id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 10_000 / 100  # 0.00 … 99.99
    a = float(node.params.get("a_percent", 50) or 0)
    b = float(node.params.get("b_percent", 50) or 0)
    if bucket < a:
        return "a"
    if bucket < a + b:
        return "b"
    return "holdout"


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    chosen = split_arm(visit.row.journey_id, visit.row.customer_id, node)
    visit.data.setdefault("arms", {})[node.id] = chosen
    visit.arm = visit.arm or chosen
    return _ARMS[chosen]


def _summary(p: Mapping[str, Any], lang: str) -> str:
    text = f"A {p.get('a_percent', 50)}% / B {p.get('b_percent', 50)}%"
    if p.get("holdout_percent"):
        text += ko_en(lang, f" / 제외 {p['holdout_percent']}%", f" / holdout {p['holdout_percent']}%")
    return text


RANDOM = Kind(NodeType("split.random", "split", "A/B 테스트", "A/B split", "shuffle", IN, (
    PortSpec("a", "A", "A"), PortSpec("b", "B", "B"), PortSpec("holdout", "제외", "holdout"),
), (
    ParamSpec("a_percent", ParamType.PERCENT, "A 비율", "A share", 50, minimum=0, maximum=100),
    ParamSpec("b_percent", ParamType.PERCENT, "B 비율", "B share", 50, minimum=0, maximum=100),
    ParamSpec("holdout_percent", ParamType.PERCENT, "제외(비교군) 비율", "Holdout share", 0, minimum=0, maximum=100),
), "고객을 무작위로 나눕니다. 한 고객은 늘 같은 쪽입니다.", "Splits customers at random; each keeps their arm.",
    summarize=_summary), step=_step)

KINDS = (RANDOM,)
