"""The journey graph: nodes and edges with named ports, and the edits that keep it well-formed.

Invariants the mutation API keeps at all times (so no caller, and no file, can break them):
- every edge joins an existing output port to an existing input port;
- an output port feeds at most one edge (a customer takes one path); an input port may take many;
- no duplicate edges, no self-loops, no cycles (a journey always moves forward).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from engine.journey.errors import JourneyError
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

    def __init__(self, id: str | None = None, name: str = "", settings: Mapping[str, Any] | None = None) -> None:
        self.id = id or uuid.uuid4().hex
        self.name = name
        self.settings: dict[str, Any] = {**DEFAULT_SETTINGS, **dict(settings or {})}
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}
        self._graph = nx.DiGraph()  # node ids; an edge when at least one journey edge joins them

    # --- reading --------------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise JourneyError("unknown_node", node=node_id) from None

    def edges_from(self, node_id: str, port: str | None = None) -> list[Edge]:
        return [e for e in self.edges.values() if e.source == node_id and (port is None or e.source_port == port)]

    def edges_into(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges.values() if e.target == node_id]

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
        node_id = node_id or self._fresh_id()
        if node_id in self.nodes:
            raise JourneyError("duplicate_id", node=node_id)
        values = default_params(kind)
        values.update(copy.deepcopy(dict(params or {})))
        node = Node(node_id, kind, values, _position(position), label)
        self.nodes[node_id] = node
        self._graph.add_node(node_id)
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; returns both so an undo can put them back."""
        node = self.node(node_id)
        removed = self.edges_of(node_id)
        for edge in removed:
            del self.edges[edge.id]
        del self.nodes[node_id]
        self._graph.remove_node(node_id)
        return node, removed

    def move_node(self, node_id: str, position: tuple[float, float]) -> None:
        self.node(node_id).position = _position(position)

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        """Set one parameter; returns the old value. Only parameters of the node's kind are accepted."""
        node = self.node(node_id)
        if node_type(node.kind).param(name) is None:
            raise JourneyError("unknown_param", node=node_id, param=name)
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
        old, node.label = node.label, str(label)
        return old

    def rename(self, name: str) -> str:
        old, self.name = self.name, str(name)
        return old

    def set_setting(self, key: str, value: Any) -> Any:
        if key not in DEFAULT_SETTINGS:
            raise JourneyError("unknown_setting", setting=key)
        old = self.settings.get(key)
        self.settings[key] = value
        return old

    # --- editing edges --------------------------------------------------------------------------------

    def connect_error(self, source: str, source_port: str, target: str, target_port: str = "in") -> str | None:
        """Why this edge may not be added (an error code), or None when it may."""
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
        if any(e.key() == (source, source_port, target, target_port) for e in self.edges.values()):
            return "duplicate_edge"
        if self.edges_from(source, source_port):
            return "port_taken"
        if nx.has_path(self._graph, target, source):
            return "cycle"
        return None

    def connect(self, source: str, source_port: str, target: str, target_port: str = "in",
                edge_id: str | None = None) -> Edge:
        problem = self.connect_error(source, source_port, target, target_port)
        if problem is not None:
            raise JourneyError(problem, source=source, source_port=source_port, target=target,
                               target_port=target_port)
        edge_id = edge_id or self._fresh_id()
        if edge_id in self.edges:
            raise JourneyError("duplicate_id", edge=edge_id)
        edge = Edge(edge_id, source, source_port, target, target_port)
        self.edges[edge_id] = edge
        self._graph.add_edge(source, target)
        return edge

    def disconnect(self, edge_id: str) -> Edge:
        try:
            edge = self.edges.pop(edge_id)
        except KeyError:
            raise JourneyError("unknown_edge", edge=edge_id) from None
        if not any(e.source == edge.source and e.target == edge.target for e in self.edges.values()):
            self._graph.remove_edge(edge.source, edge.target)
        return edge

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
        trial = Journey.from_dict(self.to_dict())
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
                trial.connect(mapping[edge.source], edge.source_port, mapping[edge.target], edge.target_port)
        self.nodes, self.edges, self._graph = trial.nodes, trial.edges, trial._graph
        return mapping

    def copy(self) -> Journey:
        return Journey.from_dict(self.to_dict())

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
    def from_dict(cls, data: Any) -> Journey:
        """Build a journey from the file format; anything malformed raises JourneyError (never KeyError)."""
        if not isinstance(data, Mapping):
            raise JourneyError("bad_format", reason="a journey is a JSON object")
        _check_version(data)
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
        journey = cls(journey_id, name, settings)
        for raw in nodes:
            node = _parse_node(raw)
            journey.add_node(node.kind, {}, node.position, node.id, node.label)
            journey.nodes[node.id].params = {**default_params(node.kind), **copy.deepcopy(node.params)}
        for raw in edges:
            edge = _parse_edge(raw)
            journey.connect(edge.source, edge.source_port, edge.target, edge.target_port, edge.id)
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
