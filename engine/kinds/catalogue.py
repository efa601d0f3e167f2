"""The one list of node kinds every part reads (`KINDS`; `from engine.kinds import KINDS`).

A kind (`engine/kinds/spec.Kind`) is its registry entry (labels, ports, parameters, summary), what a
customer who reaches it does (`step`, returning effects: engine/kinds/effects.py), the facts it
reads, the message variables it provides, its port order on the canvas, its step-log texts and, for
a trigger, how its occurrences are found. engine/journey/registry.py, the runner (advance, triggers),
validation, layout and the timeline all read them from here; see docs/architecture.md, "Adding a
node kind".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from engine.kinds import condition, ends, messages, split, waits
from engine.kinds.actions import coupon, notify_owner, points, set_field, tag
from engine.kinds.effects import COUNT_ACTION, OUT, Log
from engine.kinds.spec import Kind, NodeType
from engine.kinds.triggers import cart, date, manual, pass_through, segment, shop_events, tier
from engine.kinds.triggers import coupon as coupon_trigger

KINDS: list[Kind] = [
    *shop_events.KINDS, *cart.KINDS, *segment.KINDS, *tier.KINDS, *date.KINDS, *coupon_trigger.KINDS, *manual.KINDS,
    *waits.KINDS,
    *condition.KINDS,
    *split.KINDS,
    *messages.KINDS,
    *tag.KINDS, *coupon.KINDS, *points.KINDS, *set_field.KINDS, *notify_owner.KINDS,
    *ends.KINDS,
]
BY_KIND: dict[str, Kind] = {kind.name: kind for kind in KINDS}
_listeners: list[object] = []  # callables told when the list changes (registry.py rebuilds REGISTRY)


def _unknown_action(run: object, node: object, visit: object) -> tuple[object, ...]:
    return (Log("failed", "unknown_action", {"kind": getattr(node, "kind", "")}), COUNT_ACTION, OUT)


def kind_for(name: str) -> Kind:
    """The kind named `name`; a kind this release does not know (a newer file) passes customers on,
    an unknown action logs that it did nothing."""
    found = BY_KIND.get(name)
    if found is not None:
        return found
    category = name.split(".", 1)[0]
    stub = NodeType(name, category, name, name, "", (), ())
    if category == "action":
        return Kind(stub, step=_unknown_action)
    if category in {"trigger", "goal"}:
        return Kind(stub, resume=pass_through)
    return Kind(stub)


def reason_texts() -> dict[str, tuple[str, str]]:
    """The step-log reason codes the kinds write: code → (Korean, English)."""
    texts: dict[str, tuple[str, str]] = {}
    for kind in KINDS:
        texts.update(kind.reasons)
    return texts


def on_change(listener: object) -> None:
    _listeners.append(listener)


def _changed() -> None:
    for listener in _listeners:
        listener()  # type: ignore[operator]


@contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """`kind` in the list for the `with` block (a test's toy kind); the list as it was afterwards."""
    if kind.name in BY_KIND:
        raise ValueError(f"node kind '{kind.name}' is already registered")
    KINDS.append(kind)
    BY_KIND[kind.name] = kind
    _changed()
    try:
        yield kind
    finally:
        KINDS.remove(kind)
        BY_KIND.pop(kind.name, None)
        _changed()

