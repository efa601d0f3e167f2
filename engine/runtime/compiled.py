"""A published graph prepared for execution: nodes by id, next node per port, goal listeners."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.journey import default_params
from engine.journey.variables import CONSENT_DATE_KIND
from engine.kinds import kind_for
from engine.kinds.spec import Kind


@dataclass(frozen=True)
class CompiledNode:
    id: str
    kind: str
    params: dict[str, Any]
    next: dict[str, str]  # port → target node id; a missing port means the customer's path ends there
    category: str = field(init=False)  # "wait", "message", … (read for every step: computed once)
    impl: Kind = field(init=False, compare=False, repr=False)  # what the node does (engine/kinds/)

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", self.kind.split(".", 1)[0])
        object.__setattr__(self, "impl", kind_for(self.kind))


@dataclass(frozen=True)
class CompiledJourney:
    journey_id: str
    version_id: int
    name: str
    settings: dict[str, Any]
    nodes: dict[str, CompiledNode]
    trigger: CompiledNode
    goals: tuple[CompiledNode, ...] = field(default=())
    # the consent re-confirmation (trigger.date, consent_renewal): its messages' sends confirm ad consent
    renews_consent: bool = False
    needs: frozenset[str] = frozenset()  # the costly customer facts its nodes' steps read


    def node(self, node_id: str) -> CompiledNode | None:
        return self.nodes.get(node_id)

    @property
    def priority(self) -> int:
        return int(self.settings.get("priority", 0) or 0)

    @property
    def exclusion_group(self) -> str:
        return str(self.settings.get("exclusion_group", "") or "")


class CompileError(Exception):
    """A published graph the runner cannot execute (it should have failed validation)."""


def compile_graph(journey_id: str, version_id: int, graph: dict[str, Any]) -> CompiledJourney:
    nodes: dict[str, CompiledNode] = {}
    targets: dict[str, dict[str, str]] = {}
    for edge in graph.get("edges", []):
        targets.setdefault(edge["source"], {})[edge["source_port"]] = edge["target"]
    for raw in graph.get("nodes", []):
        params = {**default_params(raw["kind"]), **(raw.get("params") or {})}
        nodes[raw["id"]] = CompiledNode(raw["id"], raw["kind"], params, targets.get(raw["id"], {}))
    triggers = [node for node in nodes.values() if node.category == "trigger"]
    if len(triggers) != 1:
        raise CompileError(f"journey {journey_id} v{version_id} has {len(triggers)} triggers")
    goals = tuple(node for node in nodes.values() if node.kind == "goal")
    needs: set[str] = set()
    for node in nodes.values():
        if node.impl.needs is not None:
            needs |= node.impl.needs(node.params)
    return CompiledJourney(
        journey_id=journey_id,
        version_id=version_id,
        name=str(graph.get("name", "")),
        settings=dict(graph.get("settings") or {}),
        nodes=nodes,
        trigger=triggers[0],
        goals=goals,
        needs=frozenset(needs),
        renews_consent=triggers[0].kind == "trigger.date"
        and triggers[0].params.get("date_kind") == CONSENT_DATE_KIND,
    )
