"""What a channel is: one `ChannelSpec` says everything the app knows about a way of reaching someone.

Its consent and address, how its messages are measured (SMS/LMS bytes, characters) and labelled for the
ad law, what each kind costs (a price setting), its settings and secrets, and its *ways* out: the
adapters it can send through (a folder, a webhook, an SMTP server…), one picked by its provider setting,
each with a connection test and a test send. Delivery, the runner, simulate, validation, the editor's
inspector, the settings page and the timeline all read the specs in `engine/channels/__init__.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from engine.delivery.adapters.base import Channel
from engine.messaging.adlaw import ShopInfo
from engine.settings_spec import SettingSpec

Getter = Callable[[str], Any]  # a setting's value by key (secrets from the keyring included)


class ChannelSetupError(ValueError):
    """A channel's way out cannot be made from the settings; the message says what to set (`ko`: in Korean)."""

    def __init__(self, message: str, ko: str = "") -> None:
        super().__init__(message)
        self.ko = ko or message


@dataclass
class WayContext:
    """What building an adapter may need besides the settings: the file channel's folder, the clock, the
    shop's details (the sender of an email), and the adapters made so far (channels sharing a way share
    one adapter: one webhook client, one folder)."""

    folder: Path
    now: Callable[[], datetime]
    shop: ShopInfo
    made: dict[str, Channel] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """A connection test's or a test send's outcome, in one line (no secret, no address)."""

    ok: bool
    ko: str
    en: str

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


def _too_long(**params: Any) -> Exception:
    from engine.messaging.render import RenderError  # jinja2: imported when needed, not by every `config get`

    return RenderError("too_long", **params)


@dataclass(frozen=True)
class Way:
    """One way out for a channel: the value of its provider setting and how to make the adapter."""

    name: str  # the provider setting's value: "file", "webhook", "smtp"
    label_ko: str
    label_en: str
    build: Callable[[Getter, WayContext], Channel]
    # connect (and log in) without sending; None: nothing to connect to
    check: Callable[[Getter, WayContext], CheckResult] | None = None


@dataclass(frozen=True)
class MessageNode:
    """The journey node that sends on a channel (`message.<name>`): its palette entry and its own fields
    (made lazily, as engine.journey.registry.ParamSpec values: the journey model imports this package)."""

    label_ko: str
    label_en: str
    icon: str
    help_ko: str
    help_en: str
    short_ko: str  # the channel's name in a node's one-line summary
    short_en: str
    extra_params: Callable[[], tuple[Any, ...]] | None = None  # after the body


@dataclass(frozen=True)
class ChannelSpec:
    name: str  # the outbox's `channel`, and the message node's kind (message.<name>)
    label_ko: str
    label_en: str
    address: str  # where the message goes: a customer field ("phone", "email"), or "shop.email" for the owner
    consent: str | None  # the consent an ad on it needs (None: not a customer's channel)
    ways: tuple[Way, ...]
    provider_key: str | None  # the setting that picks the way; None: follows `follows`'s
    settings: tuple[SettingSpec, ...] = ()
    follows: str | None = None  # the channel whose way it goes out by (owner notes: by email's)
    prices: Mapping[str, str | None] = field(default_factory=dict)  # kind → its price setting (None: free)
    subject: bool = False  # the message has a subject line
    max_chars: int | None = None  # the longest body, in characters
    max_bytes: int | None = None  # the longest body, in EUC-KR bytes (SMS/LMS)
    byte_counted: bool = False  # the editor shows the EUC-KR byte count and the kind it makes
    needs_optout_number: bool = False  # an ad carries the shop's free opt-out number
    kind_of: Callable[[str], str] | None = None  # the kind a body is sent as (SMS or LMS); None: `name`
    label: Callable[[str, str, ShopInfo], tuple[str, str]] | None = None  # an ad's (subject, body) as sent
    # failure codes its adapters report → (Korean, English), for the timeline and the messages page
    reasons: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    node: MessageNode | None = None  # None: no journey node sends on it (owner notes come from an action)
    # a channel without a subject: what its outbox subject keeps instead, from the node's params (kakao: the
    # AlimTalk template and fallback its provider needs)
    header: Callable[[Mapping[str, Any]], str] | None = None
    ad_only: bool = False  # every message on it is an ad (Kakao Brand Message): labelled and ruled as one, always
    # when the channel itself takes nothing, whatever the customer agreed to: (start, end) shop time, wrapping
    # midnight (Kakao's brand messages: 20:50–08:00); a message due then waits for the end, like quiet hours
    closed_hours: tuple[time, time] | None = None

    def text(self, lang: str) -> str:
        return self.label_ko if lang == "ko" else self.label_en

    def way(self, name: str) -> Way | None:
        return next((way for way in self.ways if way.name == name), None)

    def kind(self, body: str) -> str:
        return self.kind_of(body) if self.kind_of is not None else self.name

    def measure(self, body: str, byte_length: int) -> str:
        """The kind `body` goes out as; RenderError `too_long` past the channel's limit."""
        if self.max_bytes is not None and byte_length > self.max_bytes:
            raise _too_long(bytes=byte_length, limit=self.max_bytes)
        if self.max_chars is not None and len(body) > self.max_chars:
            raise _too_long(chars=len(body), limit=self.max_chars)
        return self.kind(body)

    def ad_ready(self, shop: ShopInfo) -> bool:
        """Whether the shop's details hold what an ad on this channel must carry."""
        if not shop.name.strip() or not shop.contact.strip():
            return False
        return not self.needs_optout_number or bool(shop.optout_number.strip())

    def labelled(self, subject: str, body: str, is_ad: bool, shop: ShopInfo) -> tuple[str, str]:
        """The subject and body as they will be sent, with the labels the law asks of an ad."""
        if not (is_ad or self.ad_only) or self.label is None:
            return subject, body
        return self.label(subject, body, shop)

    def price_keys(self) -> dict[str, str]:
        return {kind: key for kind, key in self.prices.items() if key}
