"""A layered left-to-right auto-layout: triggers and goals on the left, each step one column further.

Columns are networkx topological generations (longest path from a root); within a column nodes are
ordered by the mean row of their parents (one barycentre sweep), which removes most crossings in
journey-shaped graphs.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from engine.journey.model import Journey

COLUMN = 280.0
ROW = 140.0


def layout_positions(journey: Journey, column: float = COLUMN, row: float = ROW) -> dict[str, tuple[float, float]]:
    graph = journey.graph()
    depth: dict[str, int] = {}
    for node_id in nx.topological_sort(graph):
        parents = list(graph.predecessors(node_id))
        depth[node_id] = 1 + max(depth[p] for p in parents) if parents else 0
    columns: dict[int, list[str]] = defaultdict(list)
    order = {node_id: index for index, node_id in enumerate(journey.nodes)}
    for node_id in journey.nodes:
        columns[depth[node_id]].append(node_id)
    rank: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for level in sorted(columns):
        members = columns[level]

        def key(node_id: str) -> tuple[float, int, float]:
            parents = list(graph.predecessors(node_id))
            if not parents:
                # roots: triggers first, then goals, then any orphan, each in insertion order
                category = journey.nodes[node_id].category
                return (0.0, {"trigger": 0, "goal": 1}.get(category, 2), float(order[node_id]))
            mean = sum(rank[p] for p in parents) / len(parents)
            return (mean, 0, _port_rank(journey, node_id))

        members.sort(key=key)
        offset = (len(members) - 1) / 2
        for index, node_id in enumerate(members):
            rank[node_id] = index - offset
            positions[node_id] = (level * column, (index - offset) * row)
    return positions


def _port_rank(journey: Journey, node_id: str) -> float:
    """Order siblings by the port they hang from: yes above no, a above b above holdout (each kind's
    `port_ranks`, engine/kinds/)."""
    from engine.kinds import port_rank  # the kinds' list imports the journey model's names

    incoming = journey.edges_into(node_id)
    return min((port_rank(edge.source_port) for edge in incoming), default=0)


def apply_layout(journey: Journey) -> dict[str, tuple[float, float]]:
    """Move every node to its laid-out place; returns the old positions (for undo)."""
    old = {node_id: node.position for node_id, node in journey.nodes.items()}
    for node_id, position in layout_positions(journey).items():
        journey.move_node(node_id, position)
    return old
