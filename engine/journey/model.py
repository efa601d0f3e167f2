"""The journey graph: nodes and edges with named ports, and the edits that keep it well-formed.

Invariants the mutation API keeps at all times (so no caller, and no file, can break them):
- every edge joins an existing output port to an existing input port;
- an output port feeds at most one edge (a customer takes one path); an input port may take many;
- no duplicate edges, no self-loops, no cycles (a journey always moves forward);
- no more nodes, edges, text or nesting than `limits` allows (engine/journey/limits.py).

Every edit costs time in proportion to what it touches, and `from_dict` is linear in the size of the
journey: edges are indexed by node, and a whole file's edges get one cycle check, not one each.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from engine.journey.errors import JourneyError
from engine.journey.limits import LIMITS, PARAM_DEPTH, Limits, check_document, check_name, check_value
from engine.journey.registry import REGISTRY, default_params, node_type

SCHEMA_VERSION = 1
REENTRY = ("never", "after_exit", "after_days")
DEFAULT_SETTINGS: dict[str, Any] = {
    "reentry": "never",
    "reentry_days": 0,
    "priority": 0,
    "exclusion_group": "",
    "description": "",
}
# settings a journey may have without a default written out: conversion_days (results; unset or 0: the shop's)
OPTIONAL_SETTINGS = ("conversion_days",)


def mint_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Node:
    id: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    position: tuple[float, float] = (0.0, 0.0)
    label: str = ""

    @property
    def category(self) -> str:
        return self.kind.split(".", 1)[0]

    def param(self, name: str) -> Any:
        """The value in force: the node's own, else the registry default."""
        if name in self.params:
            return self.params[name]
        return default_params(self.kind).get(name)

    def effective_params(self) -> dict[str, Any]:
        return {**default_params(self.kind), **self.params}


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    source_port: str
    target: str
    target_port: str

    def key(self) -> tuple[str, str, str, str]:
        return (self.source, self.source_port, self.target, self.target_port)


class Journey:
    """One journey. Edit it only through its methods; compare with `==` (same `to_dict()`)."""

    def __init__(self, id: str | None = None, name: str = "", settings: Mapping[str, Any] | None = None,
                 limits: Limits = LIMITS) -> None:
        self.limits = limits
        check_name(id, "id", limits)
        check_name(name, "name", limits)
        check_value(dict(settings or {}), "settings", limits, 1)
        self.id = id or uuid.uuid4().hex
        self.name = name
        self.settings: dict[str, Any] = {**DEFAULT_SETTINGS, **dict(settings or {})}
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}
        self._graph = nx.DiGraph()  # node ids; an edge when at least one journey edge joins them
        self._out: dict[str, dict[str, Edge]] = {}  # node → its output ports' edges (one per port)
        self._in: dict[str, dict[str, Edge]] = {}  # node → the edges into it, by edge id
        self._upstream: dict[str, frozenset[str]] | None = None  # upstream kinds per node, until the graph changes

    # --- reading --------------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise JourneyError("unknown_node", node=node_id) from None

    def edges_from(self, node_id: str, port: str | None = None) -> list[Edge]:
        ports = self._out.get(node_id, {})
        if port is None:
            return list(ports.values())
        edge = ports.get(port)
        return [edge] if edge is not None else []

    def edges_into(self, node_id: str) -> list[Edge]:
        return list(self._in.get(node_id, {}).values())

    def edges_of(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges.values() if node_id in (e.source, e.target)]

    def next_node(self, node_id: str, port: str) -> str | None:
        found = self.edges_from(node_id, port)
        return found[0].target if found else None

    def triggers(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.category == "trigger"]

    def graph(self) -> nx.DiGraph:
        """A copy of the node graph for analysis (networkx)."""
        return self._graph.copy()

    def upstream_kinds(self, node_id: str) -> frozenset[str]:
        """The kinds of every node with a path to this one (what a message here can know about).

        Computed for all nodes in one topological pass and kept until the graph changes, so asking for
        every node costs as much as asking for one.
        """
        if self._upstream is None:
            self._upstream = self._upstream_pass()
        try:
            return self._upstream[node_id]
        except KeyError:
            raise JourneyError("unknown_node", node=node_id) from None

    def _upstream_pass(self) -> dict[str, frozenset[str]]:
        try:
            order = list(nx.topological_sort(self._graph))
        except nx.NetworkXUnfeasible:  # the model refuses cycles; answered the slow way just in case
            return {n: frozenset(self.nodes[a].kind for a in nx.ancestors(self._graph, n)) for n in self.nodes}
        shared: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct set: a long chain shares it
        result: dict[str, frozenset[str]] = {}
        for node_id in order:
            kinds: frozenset[str] = frozenset()
            for parent in self._graph.predecessors(node_id):
                above, kind = result[parent], self.nodes[parent].kind
                if kind not in above:
                    above = above | {kind}
                if not above <= kinds:
                    kinds = above if not kinds else kinds | above
            result[node_id] = shared.setdefault(kinds, kinds)
        return result

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    # --- editing nodes --------------------------------------------------------------------------------

    def add_node(self, kind: str, params: Mapping[str, Any] | None = None,
                 position: tuple[float, float] = (0.0, 0.0), node_id: str | None = None, label: str = "") -> Node:
        if kind not in REGISTRY:
            raise JourneyError("unknown_kind", kind=kind)
        if node_id is not None and (not isinstance(node_id, str) or not node_id.strip()):
            raise JourneyError("bad_id", node=node_id)
        if len(self.nodes) >= self.limits.nodes:
            raise JourneyError("too_many_nodes", count=len(self.nodes) + 1, limit=self.limits.nodes)
        check_name(node_id, "node id", self.limits)
        check_name(label, "node label", self.limits)
        check_value(dict(params or {}), "node parameters", self.limits, PARAM_DEPTH - 1)
        node_id = node_id or self._fresh_id()
        if node_id in self.nodes:
            raise JourneyError("duplicate_id", node=node_id)
        values = default_params(kind)
        values.update(copy.deepcopy(dict(params or {})))
        node = Node(node_id, kind, values, _position(position), label)
        self.nodes[node_id] = node
        self._graph.add_node(node_id)
        self._upstream = None
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; returns both so an undo can put them back."""
        node = self.node(node_id)
        removed = self.edges_of(node_id)
        for edge in removed:
            self._unlink(edge)
        del self.nodes[node_id]
        self._out.pop(node_id, None)
        self._in.pop(node_id, None)
        self._graph.remove_node(node_id)
        self._upstream = None
        return node, removed

    def move_node(self, node_id: str, position: tuple[float, float]) -> None:
        self.node(node_id).position = _position(position)

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        """Set one parameter; returns the old value. Only parameters of the node's kind are accepted."""
        node = self.node(node_id)
        if node_type(node.kind).param(name) is None:
            raise JourneyError("unknown_param", node=node_id, param=name)
        check_value(value, name, self.limits, PARAM_DEPTH)
        old = node.params.get(name)
        node.params[name] = copy.deepcopy(value)
        return old

    def set_params(self, node_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        old = {}
        for name in values:
            if node_type(self.node(node_id).kind).param(name) is None:
                raise JourneyError("unknown_param", node=node_id, param=name)
        for name, value in values.items():
            old[name] = self.set_param(node_id, name, value)
        return old

    def set_label(self, node_id: str, label: str) -> str:
        node = self.node(node_id)
        check_name(str(label), "node label", self.limits)
        old, node.label = node.label, str(label)
        return old

    def rename(self, name: str) -> str:
        check_name(str(name), "name", self.limits)
        old, self.name = self.name, str(name)
        return old

    def set_setting(self, key: str, value: Any) -> Any:
        if key not in DEFAULT_SETTINGS and key not in OPTIONAL_SETTINGS:
            raise JourneyError("unknown_setting", setting=key)
        check_value(value, key, self.limits, 2)
        old = self.settings.get(key)
        self.settings[key] = value
        return old

    # --- editing edges --------------------------------------------------------------------------------

    def connect_error(self, source: str, source_port: str, target: str, target_port: str = "in") -> str | None:
        """Why this edge may not be added (an error code), or None when it may."""
        return self._edge_error(source, source_port, target, target_port, check_cycle=True)

    def _edge_error(self, source: str, source_port: str, target: str, target_port: str,
                    check_cycle: bool) -> str | None:
        if source not in self.nodes:
            return "unknown_node"
        if target not in self.nodes:
            return "unknown_node"
        if source_port not in node_type(self.nodes[source].kind).output_names():
            return "unknown_port"
        if target_port not in node_type(self.nodes[target].kind).input_names():
            return "unknown_port"
        if source == target:
            return "self_loop"
        taken = self._out.get(source, {}).get(source_port)
        if taken is not None:
            return "duplicate_edge" if taken.key() == (source, source_port, target, target_port) else "port_taken"
        if len(self.edges) >= self.limits.edges:
            return "too_many_edges"
        if check_cycle and nx.has_path(self._graph, target, source):
            return "cycle"
        return None

    def connect(self, source: str, source_port: str, target: str, target_port: str = "in",
                edge_id: str | None = None) -> Edge:
        return self._connect(source, source_port, target, target_port, edge_id, check_cycle=True)

    def _connect(self, source: str, source_port: str, target: str, target_port: str, edge_id: str | None,
                 check_cycle: bool) -> Edge:
        """Add an edge; `check_cycle=False` only where the caller checks the whole graph once afterwards."""
        problem = self._edge_error(source, source_port, target, target_port, check_cycle)
        if problem is not None:
            params: dict[str, Any] = {"source": source, "source_port": source_port, "target": target,
                                      "target_port": target_port}
            if problem == "too_many_edges":
                params = {"count": len(self.edges) + 1, "limit": self.limits.edges}
            raise JourneyError(problem, **params)
        edge_id = edge_id or self._fresh_id()
        check_name(edge_id, "edge id", self.limits)
        if edge_id in self.edges:
            raise JourneyError("duplicate_id", edge=edge_id)
        edge = Edge(edge_id, source, source_port, target, target_port)
        self.edges[edge_id] = edge
        self._out.setdefault(source, {})[source_port] = edge
        self._in.setdefault(target, {})[edge_id] = edge
        self._graph.add_edge(source, target)
        self._upstream = None
        return edge

    def _check_acyclic(self) -> None:
        """One cycle check for the whole graph (after edges added with `check_cycle=False`)."""
        if not nx.is_directed_acyclic_graph(self._graph):
            source, target = nx.find_cycle(self._graph)[0][:2]
            raise JourneyError("cycle", source=source, target=target)

    def disconnect(self, edge_id: str) -> Edge:
        edge = self.edges.get(edge_id)
        if edge is None:
            raise JourneyError("unknown_edge", edge=edge_id)
        self._unlink(edge)
        return edge

    def _unlink(self, edge: Edge) -> None:
        del self.edges[edge.id]
        self._out[edge.source].pop(edge.source_port, None)
        self._in[edge.target].pop(edge.id, None)
        if not any(e.target == edge.target for e in self._out[edge.source].values()):
            self._graph.remove_edge(edge.source, edge.target)
        self._upstream = None

    def restore(self, node: Node, edges: Iterable[Edge]) -> None:
        """Put back a node and edges that `remove_node` returned (for undo)."""
        self.add_node(node.kind, node.params, node.position, node.id, node.label)
        self.nodes[node.id].params = copy.deepcopy(node.params)
        for edge in edges:
            self.connect(edge.source, edge.source_port, edge.target, edge.target_port, edge.id)

    # --- copy and paste --------------------------------------------------------------------------------

    def fragment(self, node_ids: Iterable[str]) -> dict[str, Any]:
        """The chosen nodes and the edges among them, in the file format (for the clipboard)."""
        chosen = [self.node(node_id) for node_id in node_ids]
        wanted = {node.id for node in chosen}
        return {
            "schema_version": SCHEMA_VERSION,
            "fragment": True,
            "nodes": [_node_dict(node) for node in chosen],
            "edges": [_edge_dict(e) for e in self.edges.values() if e.source in wanted and e.target in wanted],
        }

    def paste(self, fragment: Mapping[str, Any], offset: tuple[float, float] = (40.0, 40.0)) -> dict[str, str]:
        """Add a fragment's nodes and edges with fresh ids; returns old id → new id. All or nothing."""
        if not isinstance(fragment, Mapping) or not isinstance(fragment.get("nodes"), list):
            raise JourneyError("bad_format", reason="not a journey fragment")
        _check_version(fragment)
        check_document(fragment, self.limits)
        trial = Journey.from_dict(self.to_dict(), self.limits)
        mapping: dict[str, str] = {}
        for raw in fragment["nodes"]:
            node = _parse_node(raw)
            new_id = trial._fresh_id()
            mapping[node.id] = new_id
            x, y = node.position
            trial.add_node(node.kind, node.params, (x + offset[0], y + offset[1]), new_id, node.label)
            trial.nodes[new_id].params = copy.deepcopy(node.params)
        for raw in fragment.get("edges") or []:
            edge = _parse_edge(raw)
            if edge.source in mapping and edge.target in mapping:
                trial._connect(mapping[edge.source], edge.source_port, mapping[edge.target], edge.target_port,
                               None, check_cycle=False)
        trial._check_acyclic()
        self.nodes, self.edges, self._graph = trial.nodes, trial.edges, trial._graph
        self._out, self._in, self._upstream = trial._out, trial._in, None
        return mapping

    def copy(self) -> Journey:
        return Journey.from_dict(self.to_dict(), self.limits)

    # --- the one format ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "name": self.name,
            "settings": copy.deepcopy(self.settings),
            "nodes": [_node_dict(node) for node in self.nodes.values()],
            "edges": [_edge_dict(edge) for edge in self.edges.values()],
        }

    @classmethod
    def from_dict(cls, data: Any, limits: Limits = LIMITS) -> Journey:
        """Build a journey from the file format; anything malformed raises JourneyError (never KeyError).

        Anything over `limits` is refused before a node is built; the rest costs time linear in its size.
        """
        if not isinstance(data, Mapping):
            raise JourneyError("bad_format", reason="a journey is a JSON object")
        _check_version(data)
        check_document(data, limits)
        journey_id = data.get("id")
        if not isinstance(journey_id, str) or not journey_id.strip():
            raise JourneyError("bad_format", reason="missing id")
        name = data.get("name", "")
        settings = data.get("settings") or {}
        if not isinstance(name, str) or not isinstance(settings, Mapping):
            raise JourneyError("bad_format", reason="name must be text and settings an object")
        nodes, edges = data.get("nodes"), data.get("edges", [])
        if not isinstance(nodes, list) or not isinstance(edges, list):
            raise JourneyError("bad_format", reason="nodes and edges must be lists")
        journey = cls(journey_id, name, settings, limits)
        for raw in nodes:
            node = _parse_node(raw)
            journey.add_node(node.kind, {}, node.position, node.id, node.label)
            journey.nodes[node.id].params = {**default_params(node.kind), **copy.deepcopy(node.params)}
        for raw in edges:
            edge = _parse_edge(raw)
            journey._connect(edge.source, edge.source_port, edge.target, edge.target_port, edge.id, check_cycle=False)
        journey._check_acyclic()  # once for the whole graph, not once per edge
        return journey

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Journey):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:  # journeys are mutable; hash by identity like any other mutable object
        return id(self)

    def __repr__(self) -> str:
        return f"Journey({self.id!r}, {self.name!r}, {len(self.nodes)} nodes, {len(self.edges)} edges)"

    def _fresh_id(self) -> str:
        while True:
            candidate = mint_id()
            if candidate not in self.nodes and candidate not in self.edges:
                return candidate


def _position(value: Any) -> tuple[float, float]:
    try:
        x, y = value
        return (float(x), float(y))
    except (TypeError, ValueError):
        raise JourneyError("bad_format", reason="a position is two numbers") from None


def _check_version(data: Mapping[str, Any]) -> None:
    version = data.get("schema_version")
    if version is None:
        raise JourneyError("bad_format", reason="missing schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise JourneyError("bad_format", reason="schema_version must be a positive whole number")
    if version > SCHEMA_VERSION:
        raise JourneyError("unsupported_version", version=version, supported=SCHEMA_VERSION)


def _node_dict(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": node.id,
        "kind": node.kind,
        "params": copy.deepcopy(node.params),
        "position": [node.position[0], node.position[1]],
    }
    if node.label:
        data["label"] = node.label
    return data


def _edge_dict(edge: Edge) -> dict[str, Any]:
    return {"id": edge.id, "source": edge.source, "source_port": edge.source_port, "target": edge.target,
            "target_port": edge.target_port}


def _parse_node(raw: Any) -> Node:
    if not isinstance(raw, Mapping):
        raise JourneyError("bad_format", reason="a node is an object")
    node_id, kind = raw.get("id"), raw.get("kind")
    if not isinstance(node_id, str) or not node_id.strip():
        raise JourneyError("bad_format", reason="a node without an id")
    if not isinstance(kind, str):
        raise JourneyError("bad_format", reason=f"node {node_id} has no kind")
    if kind not in REGISTRY:
        raise JourneyError("unknown_kind", node=node_id, kind=kind)
    params = raw.get("params") or {}
    if not isinstance(params, Mapping):
        raise JourneyError("bad_format", reason=f"node {node_id}: params must be an object")
    label = raw.get("label", "")
    return Node(node_id, kind, dict(params), _position(raw.get("position", (0.0, 0.0))), str(label or ""))


def _parse_edge(raw: Any) -> Edge:
    if not isinstance(raw, Mapping):
        raise JourneyError("bad_format", reason="an edge is an object")
    values = [raw.get(key) for key in ("source", "source_port", "target")]
    if not all(isinstance(value, str) and value for value in values):
        raise JourneyError("bad_format", reason="an edge needs source, source_port and target")
    edge_id = raw.get("id")
    if edge_id is not None and not isinstance(edge_id, str):
        raise JourneyError("bad_format", reason="an edge id must be text")
    return Edge(edge_id or mint_id(), str(values[0]), str(values[1]), str(values[2]),
                str(raw.get("target_port") or "in"))
