"""The journey being edited, and the undo commands that are the only way to change it.

Every edit the canvas, the inspector or a shortcut makes is a QUndoCommand whose redo() calls the
journey model's API; the document then emits what changed, and the scene and panels follow. No Qt
item ever changes the model directly.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine.journey import Edge, Journey, Node, apply_layout


class JourneyDocument(QObject):
    node_added = Signal(str)
    node_removed = Signal(str)
    node_changed = Signal(str)  # params or label
    node_moved = Signal(str)
    edge_added = Signal(str)
    edge_removed = Signal(str)
    journey_changed = Signal()  # name or settings
    edited = Signal()  # anything: validation and the title follow

    def __init__(self, journey: Journey, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journey = journey
        self.undo = QUndoStack(self)
        self.undo.indexChanged.connect(self._index_changed)

    def _index_changed(self, _index: int) -> None:
        self.edited.emit()

    def push(self, command: QUndoCommand) -> None:
        self.undo.push(command)


class _Command(QUndoCommand):
    def __init__(self, doc: JourneyDocument, text: str) -> None:
        super().__init__(text)
        self.doc = doc

    @property
    def journey(self) -> Journey:
        return self.doc.journey


class AddNode(_Command):
    def __init__(self, doc: JourneyDocument, kind: str, position: tuple[float, float],
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(doc, "add node")
        self.kind, self.position, self.params = kind, position, params or {}
        self.node_id: str | None = None
        self.removed: Node | None = None

    def redo(self) -> None:
        if self.removed is not None:
            self.journey.restore(self.removed, [])
        else:
            self.node_id = self.journey.add_node(self.kind, self.params, self.position).id
        assert self.node_id is not None
        self.doc.node_added.emit(self.node_id)

    def undo(self) -> None:
        assert self.node_id is not None
        self.removed, _ = self.journey.remove_node(self.node_id)
        self.doc.node_removed.emit(self.node_id)


class RemoveItems(_Command):
    """Delete nodes (with their edges) and edges."""

    def __init__(self, doc: JourneyDocument, node_ids: list[str], edge_ids: list[str]) -> None:
        super().__init__(doc, "delete")
        self.node_ids = list(node_ids)
        self.edge_ids = [e for e in edge_ids if e in doc.journey.edges]
        self.nodes: list[tuple[Node, list[Edge]]] = []
        self.edges: list[Edge] = []

    def redo(self) -> None:
        self.edges = []
        for edge_id in self.edge_ids:
            if edge_id in self.journey.edges:
                self.edges.append(self.journey.disconnect(edge_id))
                self.doc.edge_removed.emit(edge_id)
        self.nodes = []
        for node_id in self.node_ids:
            for edge in self.journey.edges_of(node_id):
                self.doc.edge_removed.emit(edge.id)
            node, edges = self.journey.remove_node(node_id)
            self.nodes.append((node, edges))
            self.doc.node_removed.emit(node_id)

    def undo(self) -> None:
        for node, _ in reversed(self.nodes):
            self.journey.restore(node, [])
            self.doc.node_added.emit(node.id)
        pending = [edge for _, edges in reversed(self.nodes) for edge in edges] + self.edges
        for edge in pending:
            if edge.id not in self.journey.edges:
                self.journey.connect(edge.source, edge.source_port, edge.target, edge.target_port, edge.id)
                self.doc.edge_added.emit(edge.id)


class MoveNodes(_Command):
    def __init__(self, doc: JourneyDocument, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 text: str = "move") -> None:
        super().__init__(doc, text)
        self.moves = moves

    def _apply(self, index: int) -> None:
        for node_id, positions in self.moves.items():
            if node_id in self.journey.nodes:
                self.journey.move_node(node_id, positions[index])
                self.doc.node_moved.emit(node_id)

    def redo(self) -> None:
        self._apply(1)

    def undo(self) -> None:
        self._apply(0)


class Connect(_Command):
    def __init__(self, doc: JourneyDocument, source: str, source_port: str, target: str, target_port: str = "in") -> None:
        super().__init__(doc, "connect")
        self.args = (source, source_port, target, target_port)
        self.edge_id: str | None = None

    def redo(self) -> None:
        edge = self.journey.connect(*self.args, edge_id=self.edge_id)
        self.edge_id = edge.id
        self.doc.edge_added.emit(edge.id)

    def undo(self) -> None:
        assert self.edge_id is not None
        self.journey.disconnect(self.edge_id)
        self.doc.edge_removed.emit(self.edge_id)


class Reconnect(_Command):
    """Move a link's input end to another node: one step (the old link goes, the new one comes)."""

    def __init__(self, doc: JourneyDocument, edge_id: str, target: str, target_port: str = "in") -> None:
        super().__init__(doc, "reconnect")
        self.old = doc.journey.edges[edge_id]
        self.args = (self.old.source, self.old.source_port, target, target_port)
        self.edge_id: str | None = None

    def redo(self) -> None:
        self.journey.disconnect(self.old.id)
        self.doc.edge_removed.emit(self.old.id)
        edge = self.journey.connect(*self.args, edge_id=self.edge_id)
        self.edge_id = edge.id
        self.doc.edge_added.emit(edge.id)

    def undo(self) -> None:
        assert self.edge_id is not None
        self.journey.disconnect(self.edge_id)
        self.doc.edge_removed.emit(self.edge_id)
        old = self.old
        self.journey.connect(old.source, old.source_port, old.target, old.target_port, edge_id=old.id)
        self.doc.edge_added.emit(old.id)


class SetParam(_Command):
    MERGE_WINDOW_S = 2.0  # changes to one setting closer than this are one undo step (typing, spinning)

    def __init__(self, doc: JourneyDocument, node_id: str, name: str, value: Any) -> None:
        super().__init__(doc, f"change {name}")
        self.at = time.monotonic()
        self.node_id, self.name, self.value = node_id, name, copy.deepcopy(value)
        self.old: Any = copy.deepcopy(doc.journey.node(node_id).params.get(name))
        self.had = name in doc.journey.node(node_id).params

    def redo(self) -> None:
        self.journey.set_param(self.node_id, self.name, self.value)
        self.doc.node_changed.emit(self.node_id)

    def undo(self) -> None:
        if self.had:
            self.journey.set_param(self.node_id, self.name, self.old)
        else:
            self.journey.node(self.node_id).params.pop(self.name, None)
        self.doc.node_changed.emit(self.node_id)

    def id(self) -> int:
        return 7001

    def mergeWith(self, other: QUndoCommand) -> bool:  # typing in a text field is one step, not one per key
        if (isinstance(other, SetParam) and (other.node_id, other.name) == (self.node_id, self.name)
                and other.at - self.at < self.MERGE_WINDOW_S):
            self.value, self.at = other.value, other.at
            return True
        return False


class SetJourney(_Command):
    """Rename the journey or change one of its settings."""

    def __init__(self, doc: JourneyDocument, key: str, value: Any) -> None:
        super().__init__(doc, f"change {key}")
        self.key, self.value = key, value
        self.old = doc.journey.name if key == "name" else doc.journey.settings.get(key)

    def _set(self, value: Any) -> None:
        if self.key == "name":
            self.journey.rename(value)
        else:
            self.journey.set_setting(self.key, value)
        self.doc.journey_changed.emit()

    def redo(self) -> None:
        self._set(self.value)

    def undo(self) -> None:
        self._set(self.old)


class Paste(_Command):
    def __init__(self, doc: JourneyDocument, fragment: dict[str, Any], offset: tuple[float, float]) -> None:
        super().__init__(doc, "paste")
        self.fragment, self.offset = fragment, offset
        self.node_ids: list[str] = []
        self.saved: list[tuple[Node, list[Edge]]] = []

    def redo(self) -> None:
        if not self.saved:
            mapping = self.journey.paste(self.fragment, self.offset)
            self.node_ids = list(mapping.values())
            for node_id in self.node_ids:
                self.doc.node_added.emit(node_id)
            for edge in self.journey.edges.values():
                if edge.source in self.node_ids and edge.target in self.node_ids:
                    self.doc.edge_added.emit(edge.id)
            return
        for node, _ in self.saved:
            self.journey.restore(node, [])
            self.doc.node_added.emit(node.id)
        for _, edges in self.saved:
            for edge in edges:
                if edge.id not in self.journey.edges:
                    self.journey.connect(edge.source, edge.source_port, edge.target, edge.target_port, edge.id)
                    self.doc.edge_added.emit(edge.id)

    def undo(self) -> None:
        self.saved = []
        for node_id in self.node_ids:
            for edge in self.journey.edges_of(node_id):
                self.doc.edge_removed.emit(edge.id)
            self.saved.append(self.journey.remove_node(node_id))
            self.doc.node_removed.emit(node_id)


class AutoLayout(MoveNodes):
    def __init__(self, doc: JourneyDocument) -> None:
        trial = doc.journey.copy()
        old = apply_layout(trial)
        moves = {node_id: (old[node_id], trial.nodes[node_id].position) for node_id in old}
        super().__init__(doc, moves, "auto-layout")


class ReplaceAll(_Command):
    """Swap the whole graph for another version of the same journey (a recovered autosave)."""

    def __init__(self, doc: JourneyDocument, replacement: Journey) -> None:
        super().__init__(doc, "recover")
        self.states = (doc.journey.to_dict(), replacement.to_dict())

    def _load(self, data: dict[str, Any]) -> None:
        journey = self.journey
        for edge_id in list(journey.edges):
            journey.disconnect(edge_id)
            self.doc.edge_removed.emit(edge_id)
        for node_id in list(journey.nodes):
            journey.remove_node(node_id)
            self.doc.node_removed.emit(node_id)
        fresh = Journey.from_dict(data)
        journey.rename(fresh.name)
        journey.settings = dict(fresh.settings)
        for node in fresh.nodes.values():
            journey.restore(node, [])
            self.doc.node_added.emit(node.id)
        for edge in fresh.edges.values():
            journey.connect(edge.source, edge.source_port, edge.target, edge.target_port, edge.id)
            self.doc.edge_added.emit(edge.id)
        self.doc.journey_changed.emit()

    def redo(self) -> None:
        self._load(self.states[1])

    def undo(self) -> None:
        self._load(self.states[0])
