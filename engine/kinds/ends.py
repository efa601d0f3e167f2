"""goal and exit: a goal ends the customer's journey wherever they are (engine/runtime/events.py sees
the goal event); a customer who reaches a goal by an edge passes on. An exit ends the journey."""

from __future__ import annotations

from typing import Any

from engine.kinds.effects import End
from engine.kinds.spec import EVENTS, IN, OUT, Kind, NodeType, ParamSpec, ParamType, choice_label, ko_en
from engine.kinds.triggers import pass_through

_EXIT = (End("exited", "exit_node"),)


def _exit(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    return _EXIT


GOAL = Kind(NodeType("goal", "goal", "목표", "Goal", "flag", (), OUT, (
    ParamSpec("event", ParamType.CHOICE, "목표 행동", "Goal event", "order_placed", required=True, choices=EVENTS),
), "고객이 목표를 이루면 어디에 있든 여정을 마칩니다.", "Customers who reach the goal leave, wherever they are.",
    summarize=lambda p, lang: choice_label(EVENTS, p.get("event"), lang)),
    resume=pass_through, end_reason="goal_reached")

EXIT = Kind(NodeType("exit", "exit", "종료", "Exit", "stop", IN, (), (),
                     "여정을 마칩니다.", "Ends the journey.", summarize=lambda p, lang: ko_en(lang, "여정 끝", "end")),
            step=_exit)

KINDS = (GOAL, EXIT)
