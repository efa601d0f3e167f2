"""action.set_field: set one of the customer's own fields (`attributes`)."""

from __future__ import annotations

from typing import Any

from engine.kinds.effects import COUNT_ACTION, OUT, Log, SetField
from engine.kinds.spec import IN, Kind, NodeType, ParamSpec, ParamType
from engine.kinds.spec import OUT as OUT_PORTS


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    name = str(node.params.get("field") or "").strip()
    return (SetField(name, node.params.get("value")), Log("action", "field_set", {"field": name}), COUNT_ACTION, OUT)


SET_FIELD = Kind(NodeType("action.set_field", "action", "고객 항목 바꾸기", "Set a field", "edit", IN, OUT_PORTS, (
    ParamSpec("field", ParamType.TEXT, "항목 이름", "Field", "", required=True),
    ParamSpec("value", ParamType.TEXT, "값", "Value", ""),
), "고객 정보의 항목 하나를 바꿉니다.", "Sets a customer field.",
    summarize=lambda p, lang: f"{p.get('field') or '?'} = {p.get('value') or ''}"),
    step=_step, reasons={"field_set": ("{field} 값 바꿈", "{field} set")})

KINDS = (SET_FIELD,)
