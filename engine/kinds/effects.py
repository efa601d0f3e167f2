"""What a node does, as small typed values: a kind's `step` returns them, the runner's one batch writer
(`engine/runtime/advance.py`, `Advancer._walk`) turns them into rows of the batch's one transaction.

A step returns a tuple of effects ending in exactly one way on: `Go` (on through a port), `Park` (wait
here until a time) or `End` (the customer's journey ends here). The others are written in order:
`Log` (a step-log row), `Send` (an outbox row), `IssueCoupon`, `Tag`, `SetField`, `Count` (the pass's
tallies) and `SENT` (this node's message counts as sent for `got_message_in_journey`).

A step may also change the enrollment's own state it is handed (`visit.data`, `visit.arm`): that is
written with the enrollment row. Effects are NamedTuples (cheap to make in the hot loop); a fixed one
(`Go("out")`, a branch's log) is best made once at import.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple


class Go(NamedTuple):
    """On through `port`; `at` (when given) is the instant the next step is planned for."""

    port: str
    at: datetime | None = None


class Park(NamedTuple):
    """Wait on this node until `wake`."""

    wake: datetime


class End(NamedTuple):
    """The journey ends here: status completed / exited / failed, its reason, detail for the log."""

    status: str
    reason: str
    detail: dict[str, Any] | None = None


class Log(NamedTuple):
    """A step-log row at this node: `at` None is the step's planned instant."""

    event: str
    reason: str | None = None
    detail: dict[str, Any] | None = None
    at: datetime | None = None


class Send(NamedTuple):
    """An outbox row (every column but the enrollment's own, which the writer fills in)."""

    row: dict[str, Any]


class IssueCoupon(NamedTuple):
    row: dict[str, Any]


class Tag(NamedTuple):
    add: bool
    tag: str
    at: datetime


class SetField(NamedTuple):
    name: str
    value: Any


class Count(NamedTuple):
    """One more of `AdvanceCounts.<name>` (queued, skipped, deferred, actions)."""

    name: str


class _Sent(NamedTuple):
    pass


SENT = _Sent()
OUT = Go("out")
PASS = (OUT,)  # a node passed straight through
COUNT_ACTION = Count("actions")
COUNT_QUEUED = Count("queued")
COUNT_SKIPPED = Count("skipped")
COUNT_DEFERRED = Count("deferred")


class Visit:
    """One customer's walk through the graph in this pass: what a step reads and may change."""

    __slots__ = ("arm", "at", "compiled", "customer", "data", "row", "sent")

    def __init__(self, row: Any, customer: dict[str, Any], data: dict[str, Any], arm: str | None, at: datetime,
                 sent: set[str], compiled: Any) -> None:
        self.row = row  # the enrollment as read (id, journey_id, customer_id, node_id, wake_at, data, arm)
        self.customer = customer  # the customer's facts (engine/runtime/facts.py)
        self.data = data  # the enrollment's data, written back with it
        self.arm = arm
        self.at = at  # the instant this step was planned for (earlier than now when catching up)
        self.sent = sent  # node ids of this enrollment's messages already sent
        self.compiled = compiled  # the journey version (engine/runtime/compiled.py)


class Run:
    """What every step of a batch shares: the pass's context, the session (reads only), the renderer."""

    __slots__ = ("ctx", "renderer", "session")

    def __init__(self, ctx: Any, session: Any, renderer: Any) -> None:
        self.ctx = ctx  # engine.runtime.advance.RunContext: now, zone, shop, limits, prices
        self.session = session
        self.renderer = renderer
