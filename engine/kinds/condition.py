"""condition: yes or no by rules over the customer's facts (engine/runtime/conditions.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.kinds.effects import Go, Log
from engine.kinds.spec import IN, Choice, Kind, NodeType, ParamSpec, ParamType, PortSpec, ko_en, rule_text
from engine.runtime.conditions import condition_holds, needed_facts

_YES = (Log("branch", "yes"), Go("yes"))
_NO = (Log("branch", "no"), Go("no"))


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    facts = {**visit.customer, "got_message_in_journey": visit.sent}
    return _YES if condition_holds(node.params, facts) else _NO


def _needs(params: Mapping[str, Any]) -> set[str]:
    return needed_facts(params.get("rules") or [])


def _summary(p: Mapping[str, Any], lang: str) -> str:
    rules = list(p.get("rules") or [])
    if not rules:
        return ko_en(lang, "조건 없음", "no rule")
    joiner = ko_en(lang, " 또는 ", " or ") if p.get("match") == "any" else ko_en(lang, " 그리고 ", " and ")
    text = joiner.join(rule_text(rule, lang) for rule in rules[:2])
    if len(rules) > 2:
        text += f" …(+{len(rules) - 2})"
    return text + "?"


CONDITION = Kind(NodeType("condition", "condition", "조건", "Condition", "git-branch", IN,
                          (PortSpec("yes", "예", "yes"), PortSpec("no", "아니오", "no")), (
    ParamSpec("match", ParamType.CHOICE, "규칙 맞춤", "Match", "all", choices=(
        Choice("all", "모두 맞으면", "all rules"), Choice("any", "하나라도 맞으면", "any rule"))),
    ParamSpec("rules", ParamType.RULES, "규칙", "Rules", [], required=True),
), "고객 정보에 따라 예/아니오로 나뉩니다.", "Splits on a yes/no question about the customer.", summarize=_summary),
    step=_step, needs=_needs)

KINDS = (CONDITION,)
