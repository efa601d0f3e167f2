"""What every shop API connector is: its fields (secrets go to the OS keyring), a connection check, and a
`pull` that yields pages of records for the one shop-data API (engine/shopdata) with the cursor to resume at.

A connector knows its platform's HTTP and JSON; it never writes the store. `engine.sync.api.run` writes each
page and its cursor in one transaction, so an interrupted sync resumes after the last page written, and a
page written twice changes nothing (every record is upserted by its source's external id).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from engine.sync.api.http import Http, SyncError

__all__ = ["Batch", "Connector", "Field", "SyncError"]


@dataclass(frozen=True)
class Field:
    """One thing the owner gives to connect a shop (shown in the connect form, taken by `source connect`)."""

    key: str
    label_ko: str
    label_en: str
    secret: bool = False
    required: bool = True
    example: str = ""
    parse: Callable[[str], str] | None = None  # raises SyncError (code "bad_setting") on a wrong value

    def label(self, lang: str) -> str:
        return self.label_ko if lang == "ko" else self.label_en


@dataclass
class Batch:
    """One page of records (engine.shopdata's *In values, in the order they apply) and where to resume after it."""

    records: list[Any]
    cursor: dict[str, Any]
    note: dict[str, Any] = field(default_factory=dict)  # what the page was (shown in `sync` summaries)


class Connector(ABC):
    """One shop platform's API. `config` holds the owner's plain fields, `secrets` the keyring ones;
    `save_secret(key, value)` keeps a value the platform hands back (a refreshed token) in the keyring."""

    name: ClassVar[str]            # also the `source` of the records it hands in (the same as the file import's)
    label: ClassVar[str]           # Korean name shown to the owner
    label_en: ClassVar[str]
    fields: ClassVar[tuple[Field, ...]]
    note_ko: ClassVar[str] = ""     # a sentence the connect form shows (Naver: registered IP addresses)
    note_en: ClassVar[str] = ""

    def __init__(self, http: Http, config: Mapping[str, str], secrets: Mapping[str, str],
                 save_secret: Callable[[str, str], None]) -> None:
        self.http = http
        self.config = dict(config)
        self.secrets = dict(secrets)
        self._save_secret = save_secret

    def value(self, key: str) -> str:
        """A field's value (plain or secret); a missing required one is a SyncError the owner can fix."""
        value = self.secrets.get(key) if self.field(key).secret else self.config.get(key)
        if not value:
            item = self.field(key)
            raise SyncError("not_connected", f"{item.label_en} is not set; connect the shop again",
                            f"{item.label_ko}이(가) 없습니다. 쇼핑몰을 다시 연결하세요")
        return value

    def save_secret(self, key: str, value: str) -> None:
        self.secrets[key] = value
        self._save_secret(key, value)

    @classmethod
    def field(cls, key: str) -> Field:
        for item in cls.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    @classmethod
    def describe(cls, lang: str) -> str:
        return cls.label if lang == "ko" else cls.label_en

    def authorize(self, now: datetime) -> None:  # noqa: B027 (most connectors have nothing to do)
        """Anything connecting needs beyond the fields (Cafe24: the OAuth consent in the browser)."""

    @abstractmethod
    def check(self, now: datetime) -> str:
        """One cheap authenticated call; returns what it found in a short line (e.g. the shop's name)."""

    @abstractmethod
    def pull(self, cursor: Mapping[str, Any], now: datetime) -> Iterator[Batch]:
        """Pages of what changed since `cursor` (empty: the first sync); the last page's cursor is where the
        next sync starts. Raises SyncError on what the owner must know (the pages before it are kept)."""
