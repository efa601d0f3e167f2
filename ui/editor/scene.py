"""The canvas scene: mirrors the journey document, turns gestures into undo commands."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QApplication, QGraphicsPathItem, QGraphicsScene, QGraphicsSceneMouseEvent

from engine.journey import Journey, JourneyError
from engine.journey.layout import Rect, bend
from engine.journey.limits import LIMIT_CODES, describe, loads
from ui.editor.document import Connect, JourneyDocument, MoveNodes, Paste, Reconnect, RemoveItems
from ui.editor.items import EdgeItem, NodeItem, curve

FRAGMENT_MIME = "application/x-dangol-journey-fragment"


def release_clipboard() -> None:
    """Take our journey fragment off the clipboard (before the app quits).

    PySide6 frees clipboard data a second time when the interpreter exits and crashes, so the
    fragment we put there is cleared first; anything another program copied is left alone."""
    clipboard = QApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasFormat(FRAGMENT_MIME):
        clipboard.clear()


def refusal_text(code: str, lang: str) -> str:
    texts = {
        "cycle": ("되돌아가는 연결은 만들 수 없습니다 (여정은 앞으로만 흐릅니다).", "That would make a loop; journeys only move forward."),
        "port_taken": ("이 출력에는 이미 연결이 있습니다. 먼저 기존 연결을 지우세요.", "This output is already connected; delete that link first."),
        "self_loop": ("노드를 자기 자신에 연결할 수 없습니다.", "A node cannot connect to itself."),
        "duplicate_edge": ("이미 같은 연결이 있습니다.", "That link exists already."),
        "unknown_port": ("출력(오른쪽)에서 입력(왼쪽)으로만 연결할 수 있습니다. 시작 조건과 목표에는 입력이 없습니다.",
                         "Links go from an output (right) to an input (left); triggers and goals have no input."),
        "unknown_node": ("연결할 노드가 없습니다.", "There is no node there."),
    }
    ko, en = texts.get(code, (code, code))
    return ko if lang == "ko" else en


class JourneyScene(QGraphicsScene):
    refused = Signal(str)  # a gesture the model refused, with the reason in words
    selected_node = Signal(str)  # "" when not exactly one node is selected

    def __init__(self, doc: JourneyDocument, lang: str = "ko") -> None:
        super().__init__()
        self.doc = doc
        self.lang = lang
        self.snap = True
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self._wire: QGraphicsPathItem | None = None
        self._wire_from: tuple[str, str] | None = None  # dragging from an output (node, port)
        self._wire_to: str | None = None  # dragging backwards from an input (node)
        self._lifted: str | None = None  # the edge whose input end was picked up (detach)
        self._press_positions: dict[str, tuple[float, float]] = {}
        self._commanded = False  # a command is moving cards (or the scene is being built): route wires after
        self._wires_stale = False
        self.setSceneRect(-5000, -5000, 10000, 10000)
        self._commanded = True  # every card and wire first, then the wires' routes once
        for node in doc.journey.nodes.values():
            self._add_node(node.id)
        for edge_id in doc.journey.edges:
            self._add_edge(edge_id)
        self._commanded = False
        for item in self.edges.values():
            item.update_path()
        doc.node_added.connect(self._add_node)
        doc.node_removed.connect(self._remove_node)
        doc.node_changed.connect(lambda node_id: self.nodes[node_id].refresh(doc.journey.node(node_id)))
        doc.node_moved.connect(self._sync_position)
        doc.edge_added.connect(self._add_edge)
        doc.edge_removed.connect(self._remove_edge)
        self.selectionChanged.connect(self._selection)
        doc.undo.indexChanged.connect(self._command_done)

    @property
    def journey(self) -> Journey:
        return self.doc.journey

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for node in self.nodes.values():
                node.redraw()  # cached pictures drawn in the old theme's colours
            for edge in self.edges.values():
                edge.redraw()
        return handled

    # --- following the document ------------------------------------------------------------------

    def _add_node(self, node_id: str) -> None:
        if node_id in self.nodes:
            return
        item = NodeItem(self.journey.node(node_id), self.lang)
        self.nodes[node_id] = item
        self.addItem(item)
        if not self._commanded:
            self._reroute(item.card_rect())

    def _remove_node(self, node_id: str) -> None:
        item = self.nodes.pop(node_id, None)
        if item is not None:
            self.removeItem(item)
            self._reroute(QRectF())

    def _add_edge(self, edge_id: str) -> None:
        if edge_id in self.edges:
            return
        edge = self.journey.edges[edge_id]
        item = EdgeItem(edge_id, self.nodes[edge.source], edge.source_port, self.nodes[edge.target])
        self.edges[edge_id] = item
        self.addItem(item)
        if not self._commanded:
            item.update_path()  # now it can see the cards in its way

    def _remove_edge(self, edge_id: str) -> None:
        item = self.edges.pop(edge_id, None)
        if item is not None:
            self.removeItem(item)

    def _sync_position(self, node_id: str) -> None:
        item = self.nodes.get(node_id)
        if item is None:
            return
        x, y = self.journey.node(node_id).position
        if (item.pos().x(), item.pos().y()) != (x, y):
            snap, self.snap = self.snap, False
            self._commanded = True  # many cards may move in one command: the wires follow once, after it
            item.setPos(QPointF(x, y))
            self._commanded = False
            self.snap = snap

    def _command_done(self, _index: int) -> None:
        if self._wires_stale:
            self._wires_stale = False
            for item in self.edges.values():
                item.update_path()

    def node_geometry_changed(self, node_id: str) -> None:
        if self._commanded:
            self._wires_stale = True
            return
        moved = self.nodes[node_id].card_rect() if node_id in self.nodes else QRectF()
        for item in self.edges.values():
            if node_id in (item.source.node_id, item.target.node_id):
                item.update_path()
        self._reroute(moved)

    def _reroute(self, card: QRectF) -> None:
        """Route again the wires a card now lies on, and every detour (its card may have moved away)."""
        crossed = [] if card.isNull() else self.items(card, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
        for item in {*(i for i in crossed if isinstance(i, EdgeItem)), *(i for i in self.edges.values() if i.lanes)}:
            if item.edge_id in self.edges:
                item.update_path()

    def cards_between(self, start: QPointF, end: QPointF, leave_out: tuple[NodeItem, ...],
                      any_row: bool = False) -> list[Rect]:
        """The cards (left, top, right, bottom) a wire from `start` to `end` might have to pass: those its
        curve's box touches, or with `any_row` every card in the columns it spans (to find a free row)."""
        pull = bend((start.x(), start.y()), (end.x(), end.y()))
        west, east = min(start.x(), end.x() - pull), max(end.x(), start.x() + pull)
        low, high = (-1e6, 1e6) if any_row else (min(start.y(), end.y()), max(start.y(), end.y()))
        band = QRectF(west, low, max(1.0, east - west), max(1.0, high - low))
        cards = []
        for item in self.items(band, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, NodeItem) and item not in leave_out:
                rect = item.card_rect()
                cards.append((rect.left(), rect.top(), rect.right(), rect.bottom()))
        return cards

    def _selection(self) -> None:
        chosen = self.selected_node_ids()
        self.selected_node.emit(chosen[0] if len(chosen) == 1 else "")

    def selected_node_ids(self) -> list[str]:
        return [item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)]

    def selected_edge_ids(self) -> list[str]:
        return [item.edge_id for item in self.selectedItems() if isinstance(item, EdgeItem)]

    # --- gestures --------------------------------------------------------------------------------

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def port_at(self, pos: QPointF) -> tuple[NodeItem, tuple[str, str]] | None:
        """The card and port whose dot is under `pos` (a dot sticks out of its card by half)."""
        reach = QRectF(pos.x() - 16, pos.y() - 16, 32, 32)
        for item in self.items(reach, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, NodeItem):
                port = item.port_at(pos)
                if port is not None:
                    return item, port
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        hit = self.port_at(event.scenePos())
        item, port = hit if hit is not None else (None, None)
        if item is not None and port is not None and event.button() == Qt.MouseButton.LeftButton:
            if port[0] == "out":
                self._wire_from = (item.node_id, port[1])
            else:  # an input: pick up its wire's end (detach), or start a link backwards
                self._lifted = self._wire_into(item.node_id)
                if self._lifted is not None:
                    edge = self.journey.edges[self._lifted]
                    self._wire_from = (edge.source, edge.source_port)
                    self.edges[self._lifted].setVisible(False)
                else:
                    self._wire_to = item.node_id
            self._wire = QGraphicsPathItem()
            self._wire.setPen(QPen(QColor("#2f6fed"), 2, ))
            self._wire.setZValue(5)
            self.addItem(self._wire)
            self._draw_wire(event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)
        self._press_positions = {node_id: self.journey.node(node_id).position for node_id in self.selected_node_ids()}

    def _wire_into(self, node_id: str) -> str | None:
        """The wire an input's dot picks up: the selected one into it, else the newest."""
        edges = [edge.id for edge in self.journey.edges_into(node_id)]
        chosen = [edge_id for edge_id in edges if self.edges[edge_id].isSelected()]
        return (chosen or edges or [None])[-1]

    def _draw_wire(self, at: QPointF) -> None:
        assert self._wire is not None
        if self._wire_from is not None:
            source = self.nodes[self._wire_from[0]]
            self._wire.setPath(curve(source.mapToScene(source.output_pos(self._wire_from[1])), at))
        elif self._wire_to is not None:
            target = self.nodes[self._wire_to]
            self._wire.setPath(curve(at, target.mapToScene(target.input_pos())))

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            self._draw_wire(event.scenePos())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            self.removeItem(self._wire)
            self._wire = None
            wire_from, wire_to, lifted = self._wire_from, self._wire_to, self._lifted
            self._wire_from = self._wire_to = self._lifted = None
            hit = self.port_at(event.scenePos())
            dropped_on = hit[0] if hit is not None else self.node_at(event.scenePos())
            if lifted is not None:
                self._drop_lifted(lifted, dropped_on)
            elif wire_from is not None and dropped_on is not None:
                self.connect_ports(wire_from[0], wire_from[1], dropped_on.node_id)
            elif wire_to is not None and dropped_on is not None:
                self.connect_ports(dropped_on.node_id, self._output_near(dropped_on, event.scenePos()), wire_to)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        moves = {}
        for node_id, before in self._press_positions.items():
            item = self.nodes.get(node_id)
            if item is not None:
                after = (item.pos().x(), item.pos().y())
                if after != before:
                    moves[node_id] = (before, after)
        self._press_positions = {}
        if moves:
            self.doc.push(MoveNodes(self.doc, moves))

    @staticmethod
    def _output_near(item: NodeItem, at: QPointF) -> str:
        """The output a backwards link ends on: the dot under the pointer, else the nearest in height."""
        port = item.port_at(at)
        if port is not None and port[0] == "out":
            return port[1]
        if not item.outputs:
            return "out"  # refused in words: this card has no output
        local = item.mapFromScene(at)
        return min(item.outputs, key=lambda output: abs(item.output_pos(output[0]).y() - local.y()))[0]

    def _drop_lifted(self, edge_id: str, target: NodeItem | None) -> None:
        """A picked-up wire end let go: on empty canvas the link goes, on another card it moves there."""
        edge = self.journey.edges[edge_id]
        self.edges[edge_id].setVisible(True)
        if target is None:
            self.doc.push(RemoveItems(self.doc, [], [edge_id]))
            return
        if target.node_id == edge.target:
            return  # put back where it was
        trial = self.journey.copy()
        trial.disconnect(edge_id)
        problem = trial.connect_error(edge.source, edge.source_port, target.node_id, edge.target_port)
        if problem is not None:
            self.refused.emit(refusal_text(problem, self.lang))
            return
        self.doc.push(Reconnect(self.doc, edge_id, target.node_id))

    def connect_ports(self, source: str, port: str, target: str, target_port: str = "in") -> bool:
        problem = self.journey.connect_error(source, port, target, target_port)
        if problem is not None:
            self.refused.emit(refusal_text(problem, self.lang))
            return False
        self.doc.push(Connect(self.doc, source, port, target, target_port))
        return True

    # --- clipboard and deletion -------------------------------------------------------------------

    def delete_selected(self) -> None:
        nodes, edges = self.selected_node_ids(), self.selected_edge_ids()
        if nodes or edges:
            self.doc.push(RemoveItems(self.doc, nodes, edges))

    def copy_selected(self) -> bool:
        nodes = self.selected_node_ids()
        if not nodes:
            return False
        text = json.dumps(self.journey.fragment(nodes), ensure_ascii=False)
        data = QMimeData()
        data.setData(FRAGMENT_MIME, text.encode("utf-8"))
        data.setText(text)
        QApplication.clipboard().setMimeData(data)
        return True

    def cut_selected(self) -> None:
        if self.copy_selected():
            self.delete_selected()

    def paste(self, offset: tuple[float, float] = (40.0, 40.0)) -> list[str]:
        data = QApplication.clipboard().mimeData()
        raw = bytes(data.data(FRAGMENT_MIME)).decode("utf-8") if data.hasFormat(FRAGMENT_MIME) else data.text()
        try:
            fragment: Any = loads(raw)  # within the size limit; what it holds is checked by paste()
            self.journey.copy().paste(fragment, offset)  # a trial first: a bad fragment never reaches the stack
            command = Paste(self.doc, fragment, offset)
            self.doc.push(command)
        except JourneyError as exc:
            self.refused.emit(describe(exc, self.lang) if exc.code in LIMIT_CODES else str(exc))
            return []
        except (ValueError, TypeError):  # not JSON: something else was copied
            return []
        self.clearSelection()
        for node_id in command.node_ids:
            self.nodes[node_id].setSelected(True)
        return command.node_ids

    def duplicate_selected(self) -> list[str]:
        return self.paste() if self.copy_selected() else []
