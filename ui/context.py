"""What every screen needs: the database, the clock, the language, and a way to tell others to refresh."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from engine.clock import Clock
from storage.db import Database


class Bus(QObject):
    data_changed = Signal()  # journeys, customers or settings changed: visible pages reload
    navigate = Signal(str)  # a page id to show
    open_journey = Signal(str)  # a journey id to open in the editor
    show_customers = Signal(str)  # a segment name: the customers list, filtered to it ("" = everyone)


@dataclass
class AppContext:
    db: Database
    clock: Clock
    lang: str
    bus: Bus
    is_demo: bool = False

    def label(self, ko: str, en: str) -> str:
        return ko if self.lang == "ko" else en
