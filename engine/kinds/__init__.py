"""Node kinds: one module per kind family (triggers/, waits, condition, split, messages, actions/, ends),
each a `Kind` (engine/kinds/spec.py) listed in `KINDS` (engine/kinds/catalogue.py), which every part
reads: engine/journey/registry.py (palette, inspector, validation, files), the runner (advance, triggers),
the layout and the timeline. See docs/architecture.md, "Adding a node kind".

The list is loaded on first use (`from engine.kinds import KINDS`): engine/journey/registry.py imports
`engine.kinds.spec` while the kinds' modules are still being read (a channel's node fields use it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.kinds.catalogue import (
        BY_KIND,
        KINDS,
        kind_for,
        on_change,
        reason_texts,
        registered,
    )
    from engine.kinds.spec import Kind

_LAZY = frozenset({"BY_KIND", "KINDS", "kind_for", "on_change", "reason_texts", "registered"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from engine.kinds import catalogue

        return getattr(catalogue, name)
    if name == "Kind":
        from engine.kinds.spec import Kind

        return Kind
    raise AttributeError(f"module 'engine.kinds' has no attribute '{name}'")


__all__ = ["BY_KIND", "KINDS", "Kind", "kind_for", "on_change", "reason_texts", "registered"]
