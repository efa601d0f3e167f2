"""action.tag: add or remove a customer tag."""

from __future__ import annotations

from typing import Any

from engine.kinds.effects import COUNT_ACTION, OUT, Log, Tag
from engine.kinds.spec import IN, Choice, Kind, NodeType, ParamSpec, ParamType
from engine.kinds.spec import OUT as OUT_PORTS


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    params = node.params
    tag = str(params.get("tag") or "").strip()
    add = params.get("op") != "remove"
    return (Tag(add, tag, visit.at), Log("action", f"tag_{params.get('op', 'add')}", {"tag": tag}), COUNT_ACTION, OUT)


TAG = Kind(NodeType("action.tag", "action", "태그", "Tag", "tag", IN, OUT_PORTS, (
    ParamSpec("op", ParamType.CHOICE, "동작", "Action", "add", choices=(
        Choice("add", "붙이기", "add"), Choice("remove", "떼기", "remove"))),
    ParamSpec("tag", ParamType.TAG, "태그", "Tag", "", required=True),
), "고객에게 태그를 붙이거나 뗍니다.", "Adds or removes a tag.",
    summarize=lambda p, lang: (f"+ #{p.get('tag') or '?'}" if p.get("op", "add") == "add"
                               else f"− #{p.get('tag') or '?'}")),
    step=_step, reasons={"tag_add": ("태그 #{tag} 붙임", "tag #{tag} added"),
                         "tag_remove": ("태그 #{tag} 뗌", "tag #{tag} removed")})

KINDS = (TAG,)
