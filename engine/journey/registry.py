"""The node-type registry: every node kind with its labels, ports and parameter schema.

The palette, the quick-add search, the inspector form, validation and the runner all read it. It is
built from the kinds' list (engine/kinds/): adding a node kind means one module there (see
docs/architecture.md, "Adding a node kind"); the names here stay for everything that imports them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine.kinds.spec import (
    CAP_POLICY,
    CATEGORIES,
    CONDITION_FIELDS,
    CONDITION_OPS,
    DATE_KINDS,
    EVENTS,
    IN,
    LATENESS,
    ORDER_STATUS_LABELS,
    ORDER_STATUSES,
    OUT,
    SEGMENTS,
    WEEKDAY_EN,
    WEEKDAY_KO,
    Choice,
    NodeType,
    ParamSpec,
    ParamType,
    PortSpec,
    duration_text,
    rule_text,
)

__all__ = [
    "CAP_POLICY", "CATEGORIES", "CONDITION_FIELDS", "CONDITION_OPS", "DATE_KINDS", "EVENTS", "IN", "LATENESS",
    "ORDER_STATUSES", "ORDER_STATUS_LABELS", "OUT", "REGISTRY", "SEGMENTS", "WEEKDAY_EN", "WEEKDAY_KO", "Choice",
    "NodeType", "ParamSpec", "ParamType", "PortSpec", "default_params", "duration_text", "kinds_in", "node_type",
    "rule_text", "summarize",
]

class _Registry(Mapping[str, NodeType]):
    """Kind name → NodeType, read from the kinds' list (engine/kinds/) on first use and again whenever
    the list changes; loaded lazily because the kinds' modules import this module's names."""

    def __init__(self) -> None:
        self._types: dict[str, NodeType] | None = None

    def _load(self) -> dict[str, NodeType]:
        types = self._types
        if types is None:
            from engine.kinds import KINDS, on_change

            if self._types is None and not hasattr(self, "_listening"):
                on_change(self._reset)
                self._listening = True
            types = self._types = {kind.name: kind.type for kind in KINDS}
        return types

    def _reset(self) -> None:
        self._types = None

    def __getitem__(self, kind: str) -> NodeType:
        return self._load()[kind]

    def get(self, kind: str, default: Any = None) -> Any:
        return self._load().get(kind, default)

    def __contains__(self, kind: object) -> bool:
        return kind in self._load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


REGISTRY: Mapping[str, NodeType] = _Registry()


def node_type(kind: str) -> NodeType:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise KeyError(f"unknown node kind '{kind}'") from None


def default_params(kind: str) -> dict[str, Any]:
    """The defaults of a kind's parameters (fresh copies, safe to mutate); {} for an unknown kind."""
    spec = REGISTRY.get(kind)
    if spec is None:
        return {}
    return {param.name: _copy(param.default) for param in spec.params}


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value


def summarize(kind: str, params: Mapping[str, Any], lang: str = "ko") -> str:
    """The one-line summary a node shows on the canvas ("3일 대기", "총 구매액 ≥ 300,000원?")."""
    spec = REGISTRY.get(kind)
    if spec is None or spec.summarize is None:
        return ""
    merged = {**default_params(kind), **dict(params)}
    try:
        return spec.summarize(merged, lang)
    except (TypeError, ValueError, KeyError):
        return "?"


def kinds_in(category: str) -> list[NodeType]:
    return [spec for spec in REGISTRY.values() if spec.category == category]
