"""Trigger kinds: how a customer enters a journey. Each module's kinds carry `scan`, which finds the
trigger's occurrences since the journey's cursor (engine/runtime/triggers.py calls it and enters them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.kinds.effects import PASS
from engine.kinds.spec import ParamSpec, ParamType

EVENT_CHUNK = 2000  # shop events a scan reads at once
ENTRY_CHUNK = 2000  # customers whose facts are loaded at once


@dataclass(frozen=True)
class Occurrence:
    """One trigger firing for one customer: when, its unique key, and what templates may use."""

    customer_id: int
    at: datetime
    key: str
    data: dict[str, Any] = field(default_factory=dict)

ENTRY_RULES = ParamSpec("rules", ParamType.RULES, "들어올 고객 조건", "Only customers who", [])


def pass_through(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    """A trigger reached (or resumed on) passes the customer straight on."""
    return PASS




def until_now(events: list[Any], now: datetime) -> list[Any]:
    """Events in id order up to the first one that has not happened yet at `now` (a shop clock ahead
    of ours, or a replay): that one and those after it wait for a later pass."""
    for index, event in enumerate(events):
        if event.occurred_at > now:
            return events[:index]
    return events
