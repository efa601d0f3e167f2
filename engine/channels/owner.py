"""Notes to the owner (action.notify_owner): to the shop's own email address, by the email channel's way."""

from __future__ import annotations

from engine.channels.email import SPEC as EMAIL
from engine.channels.spec import ChannelSpec

SPEC = ChannelSpec(
    name="owner", label_ko="가게 알림", label_en="Owner note", address="shop.email", consent=None,
    ways=EMAIL.ways, provider_key=None, follows="email", subject=True, reasons=EMAIL.reasons,
)
