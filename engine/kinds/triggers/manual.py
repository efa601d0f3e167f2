"""trigger.manual: customers the owner adds by hand (engine/runtime/triggers.enroll_manual); no scan."""

from __future__ import annotations

from engine.kinds.spec import OUT, Kind, NodeType, ko_en
from engine.kinds.triggers import pass_through

MANUAL = Kind(
    NodeType("trigger.manual", "trigger", "직접 추가", "Added by hand", "hand", (), OUT, (),
             "고른 고객을 직접 넣습니다.", "Customers you choose are added by hand.",
             summarize=lambda p, lang: ko_en(lang, "직접 고른 고객", "chosen customers")),
    resume=pass_through)

KINDS = (MANUAL,)
