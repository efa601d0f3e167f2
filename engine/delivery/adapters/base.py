"""What a channel is: something that sends one message and says how it went."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    idem_key: str  # the outbox key: a provider that supports it gets it, so a retry cannot send twice
    channel: str  # sms | kakao | email | owner
    kind: str  # sms | lms | kakao | email | owner
    recipient: str
    subject: str
    body: str
    is_ad: bool
    customer_id: int


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    cost_won: int | None = None


class SendError(Exception):
    """A send that did not happen. `permanent`: retrying will not help (bad number, refused content).
    `ambiguous`: the provider may have it (the connection dropped after the whole message went out and
    before the answer), so it is held for the owner's review rather than sent again."""

    def __init__(self, code: str, message: str = "", *, permanent: bool = False, ambiguous: bool = False) -> None:
        super().__init__(message or code)
        self.code = code
        self.permanent = permanent
        self.ambiguous = ambiguous


class Channel(Protocol):
    """An adapter. Optional: `lookup(message)` (was this key delivered?), `send_many(messages)` (a bulk
    request), `end_batch()` (called when a delivery pass is over: an SMTP connection is closed)."""

    def send(self, message: OutgoingMessage) -> SendResult: ...
