"""A layered left-to-right auto-layout, and the wires' routes around cards.

Layout (Sugiyama-style): columns are the longest path from a root (triggers and goals on the left);
an edge that skips columns gets a placeholder ("lane") in every column it crosses, so it has a row of
its own there. Within a column, nodes and lanes are ordered by the mean place of the ports they hang
from (yes above no, a above b above holdout, event above timeout), then given rows: each one as near
its parents' ports as it can be while keeping a card's height plus room for the numbers under it from
its neighbours (least squares under those gaps, a few passes down and up). So the branches of a
condition, a split or a wait-for-event fan out, each on its own row band, and no wire has to pass
through a card.

Routing: `wire_route` answers where a wire between two ports runs: straight through (one curve) when
that clears every card, else along horizontal lanes in free rows past each column of cards in the way.
`wire_segments` turns that into the curves and lines the canvas draws.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

import networkx as nx

from engine.journey.model import Journey
from engine.journey.registry import REGISTRY

COLUMN = 280.0
ROW = 140.0
GRID = 20.0

# a card's geometry on the canvas (ui/editor/items.py draws with these)
CARD_WIDTH = 210.0
CARD_HEADER = 26.0
CARD_BODY = 34.0
PORT_GAP = 18.0
PORT_Y = CARD_HEADER + CARD_BODY / 2  # the input and the first output, from the card's top
LANE_CLEARANCE = 16.0  # how far a wire stays from a card it passes
BRANCH_WEIGHT = 20.0  # how much more a card keeping its branch's order counts than one following its parents
NUMBERS = 40.0  # under a card: its live numbers (a wire passing below keeps clear of them too)

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # left, top, right, bottom


def card_height(kind: str) -> float:
    outputs = len(REGISTRY[kind].outputs) if kind in REGISTRY else 1
    return CARD_HEADER + CARD_BODY + max(0, outputs - 1) * PORT_GAP


def _output_index(kind: str, port: str) -> int:
    names = REGISTRY[kind].output_names() if kind in REGISTRY else ()
    return names.index(port) if port in names else 0


def output_point(journey: Journey, node_id: str, port: str) -> Point:
    node = journey.nodes[node_id]
    x, y = node.position
    return (x + CARD_WIDTH, y + PORT_Y + _output_index(node.kind, port) * PORT_GAP)


def input_point(journey: Journey, node_id: str) -> Point:
    x, y = journey.nodes[node_id].position
    return (x, y + PORT_Y)


def card_rect(journey: Journey, node_id: str) -> Rect:
    node = journey.nodes[node_id]
    x, y = node.position
    return (x, y, x + CARD_WIDTH, y + card_height(node.kind))


# --- layout ---------------------------------------------------------------------------------------


@dataclass
class _Vertex:
    """A card, or a lane (an edge passing through a column it skips)."""

    key: str
    layer: int
    height: float  # 0 for a lane
    inputs: list[tuple[_Vertex, float]]  # (parent, offset of the parent's port from its top)
    outputs: list[tuple[_Vertex, float]]  # (child, offset of this vertex's port from its top)
    in_offset: float  # where wires enter, from the top
    y: float = 0.0
    index: float = 0.0
    arms: list[tuple[list[tuple[int, _Vertex]], int]] = field(default_factory=list)  # (a branching card's
    # children by port, this one's port): a card hanging from a branch keeps below its upper siblings


def layout_positions(journey: Journey, column: float = COLUMN, row: float = ROW) -> dict[str, tuple[float, float]]:
    graph = journey.graph()
    depth: dict[str, int] = {}
    for node_id in nx.topological_sort(graph):
        parents = list(graph.predecessors(node_id))
        depth[node_id] = 1 + max(depth[p] for p in parents) if parents else 0
    vertices = {node_id: _Vertex(node_id, depth[node_id], card_height(node.kind), [], [], PORT_Y)
                for node_id, node in journey.nodes.items()}
    layers: dict[int, list[_Vertex]] = defaultdict(list)
    for vertex in vertices.values():
        layers[vertex.layer].append(vertex)
    for node_id, node in journey.nodes.items():
        if len(REGISTRY[node.kind].outputs) > 1:
            children = [(_output_index(node.kind, e.source_port), vertices[e.target]) for e in journey.edges_from(node_id)]
            for port, child in children:
                child.arms.append((children, port))
    for edge in sorted(journey.edges.values(), key=lambda e: (e.source, _output_index(journey.nodes[e.source].kind,
                                                                                      e.source_port))):
        source, target = vertices[edge.source], vertices[edge.target]
        offset = PORT_Y + _output_index(journey.nodes[edge.source].kind, edge.source_port) * PORT_GAP
        upper = source
        for layer in range(source.layer + 1, target.layer):
            lane = _Vertex(f"{edge.id}@{layer}", layer, 0.0, [(upper, offset)], [], 0.0)
            upper.outputs.append((lane, offset))
            layers[layer].append(lane)
            upper, offset = lane, 0.0
        target.inputs.append((upper, offset))
        upper.outputs.append((target, offset))
    if not layers:
        return {}
    levels = [layers[level] for level in range(max(layers) + 1)]
    _order(journey, levels, row)
    _place(levels, row)
    anchor = levels[0][0].y if levels[0] else 0.0
    return {node_id: (vertex.layer * column, round((vertex.y - anchor) / GRID) * GRID)
            for node_id, vertex in vertices.items()}


def _order(journey: Journey, levels: list[list[_Vertex]], row: float) -> None:
    """Order each column: roots by kind and insertion, the rest by where the ports they hang from sit."""
    order = {node_id: index for index, node_id in enumerate(journey.nodes)}

    def root_key(vertex: _Vertex) -> tuple[int, int]:
        category = journey.nodes[vertex.key].category
        return ({"trigger": 0, "goal": 1}.get(category, 2), order[vertex.key])

    levels[0].sort(key=root_key)

    def down(level: list[_Vertex]) -> None:
        def key(vertex: _Vertex) -> float:
            if not vertex.inputs:
                return vertex.index
            return sum(parent.index + offset / row for parent, offset in vertex.inputs) / len(vertex.inputs)

        level.sort(key=key)
        _number(level)

    def up(level: list[_Vertex]) -> None:
        def key(vertex: _Vertex) -> float:
            if not vertex.outputs:
                return vertex.index
            return sum(child.index - offset / row for child, offset in vertex.outputs) / len(vertex.outputs)

        level.sort(key=key)
        _number(level)

    for level in levels:
        _number(level)
    for level in levels[1:]:
        down(level)
    best = [list(level) for level in levels]
    fewest = _crossings(levels, row)
    for _ in range(3):
        for level in reversed(levels[:-1]):
            up(level)
        for level in levels[1:]:
            down(level)
        count = _crossings(levels, row)
        if count < fewest:
            best, fewest = [list(level) for level in levels], count
    for level, chosen in zip(levels, best, strict=True):
        level[:] = chosen
        _number(level)
    for upper, level in pairwise(levels):  # a branching card's children keep its ports' order (yes above no)
        for vertex in upper:  # what hangs from its ports in the next column (cards and lanes)
            _keep_port_order(level, [child for child, _ in sorted(vertex.outputs, key=lambda pair: pair[1])])
        arms: dict[int, list[tuple[int, _Vertex]]] = defaultdict(list)  # cards of one branch met again here
        for vertex in level:
            for children, port in vertex.arms:
                arms[id(children)].append((port, vertex))
        for found in arms.values():
            _keep_port_order(level, [vertex for _, vertex in sorted(found, key=lambda pair: pair[0])])


def _keep_port_order(level: list[_Vertex], children: list[_Vertex]) -> None:
    """Put `children` (in port order) into the places they hold in `level`, top to bottom."""
    slots = sorted(child.index for child in children)
    if len({id(child) for child in children}) == len(children) > 1 and [c.index for c in children] != slots:
        for child, slot in zip(children, slots, strict=True):
            level[int(slot)] = child
        _number(level)


def _number(level: list[_Vertex]) -> None:
    for index, vertex in enumerate(level):
        vertex.index = float(index)


def _crossings(levels: list[list[_Vertex]], row: float) -> int:
    count = 0
    for level in levels[:-1]:
        wires = sorted((vertex.index + offset / row, child.index) for vertex in level for child, offset in vertex.outputs)
        for i, (a_top, a_bottom) in enumerate(wires):
            for b_top, b_bottom in wires[i + 1:]:
                if (b_top - a_top) * (b_bottom - a_bottom) < 0:
                    count += 1
    return count


def _gap(upper: _Vertex, lower: _Vertex, row: float) -> float:
    """The least distance between the tops of two neighbours in a column."""
    room = row - card_height("exit")  # under a card: its numbers, then air
    if upper.height and lower.height:
        return upper.height + room
    if upper.height:  # a lane under a card passes below its numbers
        return upper.height + NUMBERS + LANE_CLEARANCE
    if lower.height:  # above a card: clear of its problem badge, with air
        return room / 2 + LANE_CLEARANCE
    return 2 * LANE_CLEARANCE


def _place(levels: list[list[_Vertex]], row: float) -> None:
    """Rows: each vertex as near its parents' (then children's) ports as the gaps in its column allow."""
    for level in levels:
        y = 0.0
        for index, vertex in enumerate(level):
            if index:
                y += _gap(level[index - 1], vertex, row)
            vertex.y = y
        middle = (level[0].y + level[-1].y + level[-1].height) / 2 if level else 0.0
        for vertex in level:
            vertex.y -= middle

    def wanted_from_parents(vertex: _Vertex) -> tuple[float, float]:
        """Where a vertex wants to be, and how hard (a branch's order outweighs its neighbours' wishes)."""
        if not vertex.inputs:
            return vertex.y, 1.0
        wanted = sum(parent.y + offset for parent, offset in vertex.inputs) / len(vertex.inputs) - vertex.in_offset
        low, high = -float("inf"), float("inf")
        for children, port in vertex.arms:  # below the siblings of upper ports placed already, above the lower
            for other_port, other in children:
                if other.layer < vertex.layer and other_port < port:
                    low = max(low, other.y + row / 2)
                elif other.layer < vertex.layer and other_port > port:
                    high = min(high, other.y - row / 2)
        if low <= high and not low <= wanted <= high:
            return min(max(wanted, low), high), BRANCH_WEIGHT
        return wanted, 1.0

    def wanted_from_children(vertex: _Vertex) -> tuple[float, float]:
        if not vertex.outputs:
            return vertex.y, 1.0
        return sum(child.y + child.in_offset - offset for child, offset in vertex.outputs) / len(vertex.outputs), 1.0

    for _ in range(4):
        for level in levels[1:]:
            _fit(level, [wanted_from_parents(v) for v in level], row)
        for level in reversed(levels[:-1]):
            _fit(level, [wanted_from_children(v) for v in level], row)
    for level in levels[1:]:
        _fit(level, [wanted_from_parents(v) for v in level], row)


def _fit(level: list[_Vertex], wanted: list[tuple[float, float]], row: float) -> None:
    """Weighted least-squares rows for one column, in its order, with the gaps kept (pool adjacent violators)."""
    shift = [0.0]
    for upper, lower in pairwise(level):
        shift.append(shift[-1] + _gap(upper, lower, row))
    blocks: list[list[float]] = []  # [weighted sum of (wanted - shift), weight, members]
    for (target, weight), offset in zip(wanted, shift, strict=True):
        blocks.append([(target - offset) * weight, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight_sum, members = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight_sum
            blocks[-1][2] += members
    index = 0
    for total, weight_sum, members in blocks:
        for _ in range(int(members)):
            level[index].y = total / weight_sum + shift[index]
            index += 1


def apply_layout(journey: Journey) -> dict[str, tuple[float, float]]:
    """Move every node to its laid-out place; returns the old positions (for undo)."""
    old = {node_id: node.position for node_id, node in journey.nodes.items()}
    for node_id, position in layout_positions(journey).items():
        journey.move_node(node_id, position)
    return old


# --- wires ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lane:
    """A straight stretch of a wire past a column of cards, in a free row."""

    left: float
    right: float
    y: float


def bend(start: Point, end: Point) -> float:
    return max(40.0, abs(end[0] - start[0]) / 2)


def _cubic(start: Point, end: Point, pull: float) -> tuple[Point, Point, Point, Point]:
    return (start, (start[0] + pull, start[1]), (end[0] - pull, end[1]), end)


def wire_segments(start: Point, end: Point, lanes: tuple[Lane, ...] = ()) -> list[tuple[Point, ...]]:
    """The wire as pieces: 4 points for a curve with level ends, 2 for a straight line."""
    if not lanes:
        return [_cubic(start, end, bend(start, end))]
    pieces: list[tuple[Point, ...]] = []
    at = start
    for lane in lanes:
        enter = (lane.left, lane.y)
        pieces.append(_cubic(at, enter, (enter[0] - at[0]) / 2))
        at = (lane.right, lane.y)
        pieces.append((enter, at))
    pieces.append(_cubic(at, end, (end[0] - at[0]) / 2))
    return pieces


def wire_points(start: Point, end: Point, lanes: tuple[Lane, ...] = (), per_piece: int = 24) -> list[Point]:
    """Points along the wire (for hit tests): each curve sampled, each line's two ends and middle."""
    points: list[Point] = []
    for piece in wire_segments(start, end, lanes):
        if len(piece) == 2:
            (x0, y0), (x1, y1) = piece
            points += [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)]
            continue
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = piece
        for step in range(per_piece + 1):
            t = step / per_piece
            u = 1 - t
            a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
            points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points


def _under(point: Point, rects: list[Rect]) -> bool:
    x, y = point
    return any(left + 1 < x < right - 1 and top + 1 < y < bottom - 1 for left, top, right, bottom in rects)


def wire_route(start: Point, end: Point, cards: list[Rect]) -> tuple[Lane, ...]:
    """Where the wire from an output at `start` to an input at `end` runs past `cards` (its own two left out).

    No lanes when one curve clears every card; else one lane per column of cards in its way, each in the
    free row nearest the wire's row so far (ties: nearest the end), so long wires stay level. A card's
    live numbers under it count as part of it.
    """
    cards = [(left, top, right, bottom + NUMBERS) for left, top, right, bottom in cards]
    low, high = min(start[1], end[1]), max(start[1], end[1])
    pull = bend(start, end)  # a short wire's curve reaches past its ends
    west, east = min(start[0], end[0] - pull), max(end[0], start[0] + pull)
    near = [rect for rect in cards if rect[2] > west and rect[0] < east and rect[3] > low and rect[1] < high]
    if end[0] <= start[0] or not near or not any(_under(point, near) for point in wire_points(start, end)):
        return ()
    between = sorted(rect for rect in cards if rect[2] > start[0] + 1 and rect[0] < end[0] - 1)
    columns: list[list[Rect]] = []
    for rect in between:  # cards whose x-ranges overlap (with room for a wire) make one column
        if columns and rect[0] <= max(r[2] for r in columns[-1]) + 2 * LANE_CLEARANCE:
            columns[-1].append(rect)
        else:
            columns.append([rect])
    lanes: list[Lane] = []
    y = start[1]
    for column in columns:
        y = _free_row(y, end[1], [(r[1] - LANE_CLEARANCE, r[3] + LANE_CLEARANCE) for r in column])
        left = max(start[0] + 1, min(r[0] for r in column) - LANE_CLEARANCE)
        right = min(end[0] - 1, max(r[2] for r in column) + LANE_CLEARANCE)
        lanes.append(Lane(left, right, y))
    return tuple(lanes)


def _free_row(y: float, goal: float, blocked: list[tuple[float, float]]) -> float:
    merged: list[list[float]] = []
    for top, bottom in sorted(blocked):
        if merged and top <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    for top, bottom in merged:
        if top < y < bottom:
            return min((top, bottom), key=lambda edge: (abs(edge - y) + abs(edge - goal), abs(edge - y)))
    return y
