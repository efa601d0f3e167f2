"""What every screen needs: the database, the clock, the language, and a way to tell others to refresh."""

from __future__ import annotations

import contextlib
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from engine import journey_store
from engine.clock import Clock
from storage.db import Database


class Bus(QObject):
    data_changed = Signal()  # journeys, customers or settings changed: visible pages reload
    navigate = Signal(str)  # a page id to show
    open_journey = Signal(str)  # a journey id to open in the editor
    show_customers = Signal(str)  # a segment name: the customers list, filtered to it ("" = everyone)
    # a journey's committed name or status change, as the store announces it: (journey id, field, value);
    # emitted from the committing thread, delivered in the GUI thread
    journey_changed = Signal(str, str, str)

    def __init__(self) -> None:
        super().__init__()
        me = weakref.ref(self)

        def hear(change: journey_store.JourneyChange) -> None:
            bus = me()
            if bus is None:
                unsubscribe()
                return
            with contextlib.suppress(RuntimeError):  # the bus was torn down meanwhile
                bus.journey_changed.emit(change.journey_id, change.field, change.value)

        unsubscribe = journey_store.subscribe(hear)
        self.destroyed.connect(lambda *_: unsubscribe())


@dataclass
class AppContext:
    db: Database
    clock: Clock
    lang: str
    bus: Bus
    is_demo: bool = False

    def label(self, ko: str, en: str) -> str:
        return ko if self.lang == "ko" else en
