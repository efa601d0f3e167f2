"""Journeys and the runtime: drafts, immutable published versions, enrollments, step log, outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow

JOURNEY_STATUSES = ("draft", "live", "paused", "archived")
ENROLLMENT_STATUSES = ("active", "completed", "exited", "failed")
OUTBOX_STATUSES = ("queued", "claimed", "sending", "sent", "skipped", "failed", "held", "cancelled")


class Journey(Base):
    """A journey the owner edits; `draft` is the graph as `engine.journey` serialises it."""

    __tablename__ = "journeys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    template_id: Mapped[str | None] = mapped_column(String(80))
    live_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[JourneyVersion]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="JourneyVersion.version"
    )


class JourneyVersion(Base):
    """A published graph; never changed after it is written."""

    __tablename__ = "journey_versions"
    __table_args__ = (UniqueConstraint("journey_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[str] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    graph: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")

    journey: Mapped[Journey] = relationship(back_populates="versions")


class Enrollment(Base):
    """One customer's pass through one journey version: where they are and when they wake."""

    __tablename__ = "enrollments"
    __table_args__ = (
        # partial: only enrollments that can still wake or wait are in these two (see migration 0006);
        # a query uses them when it says status = 'active' literally: `ACTIVE` below
        Index("ix_enrollments_due", "wake_at", sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
        Index("ix_enrollments_waiting", "journey_id", "node_id", sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
        Index("ix_enrollments_journey", "journey_id"),
        Index("ix_enrollments_customer", "customer_id", "journey_id"),
        # the few that failed (a message that could not be made), for the owner's notice (migration 0007)
        Index("ix_enrollments_failed", "journey_id", "version_id", "node_id", "end_reason",
              sqlite_where=text("status = 'failed'"), postgresql_where=text("status = 'failed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[str] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("journey_versions.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    node_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10), default="active")
    wake_at: Mapped[datetime | None]
    # One trigger occurrence enters a customer at most once.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    arm: Mapped[str | None] = mapped_column(String(10))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    entered_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(40))


# "status = 'active'" as SQL text, so SQLite can pick the partial indexes above (a bound value cannot)
ACTIVE = Enrollment.__table__.c.status == literal_column("'active'")
FAILED = Enrollment.__table__.c.status == literal_column("'failed'")  # for ix_enrollments_failed


class StepLog(Base):
    """Every step the engine takes or refuses, with a reason code: the customer's timeline."""

    __tablename__ = "step_log"
    __table_args__ = (
        Index("ix_step_log_customer_at", "customer_id", "at"),
        Index("ix_step_log_journey_node", "journey_id", "node_id", "event"),
        # only the A/B split steps: the results' arms come from it alone (migration 0012); a query uses it
        # when it says event = 'split' literally (`SPLIT` below)
        Index("ix_step_log_splits", "journey_id", "customer_id", "at", "node_id", "reason",
              sqlite_where=text("event = 'split'"), postgresql_where=text("event = 'split'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    journey_id: Mapped[str | None] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(Integer)
    # not indexed: no query looks a step up by enrollment, and each index is a random page write per step
    enrollment_id: Mapped[int | None] = mapped_column(Integer)
    node_id: Mapped[str | None] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# "event = 'split'" as SQL text, so SQLite can pick ix_step_log_splits (a bound value cannot)
SPLIT = StepLog.__table__.c.event == literal_column("'split'")


class OutboxMessage(Base):
    """A rendered message waiting to be sent; `idem_key` makes a second send of it impossible."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        Index("ix_outbox_customer", "customer_id"),  # never rewritten as a message is claimed and sent
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idem_key: Mapped[str] = mapped_column(String(200), unique=True)
    # not indexed: found through the customer (ix_outbox_customer); one random page write less a message
    enrollment_id: Mapped[int | None] = mapped_column(Integer)
    journey_id: Mapped[str | None] = mapped_column(ForeignKey("journeys.id", ondelete="SET NULL"), index=True)
    node_id: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    is_ad: Mapped[bool] = mapped_column(Boolean, default=False)
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    # Earliest send time, and the lateness rule copied from the node at enqueue time.
    not_before: Mapped[datetime]
    due_at: Mapped[datetime]
    lateness: Mapped[str] = mapped_column(String(20), default="skip_if_late")
    lateness_hours: Mapped[int] = mapped_column(Integer, default=24)
    cap_policy: Mapped[str] = mapped_column(String(12), default="reschedule")
    lease_until: Mapped[datetime | None]  # wall-clock time; a sender that dies is found by it or by claimed_by
    claimed_by: Mapped[str | None] = mapped_column(String(120))  # host:pid of the process sending it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(120))
    cost_won: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


COUPON_SOURCES = ("auto", "pool", "shared", "shop")
COUPON_STATUSES = ("issued", "wanted", "failed")


class Coupon(Base):
    """A coupon a journey gave a customer. `code` is what the shop accepts; one shared code is many rows (one
    per customer), so a code is unique per customer only. A pool or shop coupon is first `wanted` (its code
    the placeholder `pending_key`, held messages carrying it) until engine/coupons.py obtains the real code."""

    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("code", "customer_id", name="uq_coupons_code_customer"),
        Index("ix_coupons_code", "code"),
        Index("ix_coupons_wanted", "status", sqlite_where=text("status = 'wanted'"),
              postgresql_where=text("status = 'wanted'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    journey_id: Mapped[str | None] = mapped_column(ForeignKey("journeys.id", ondelete="SET NULL"))
    node_id: Mapped[str | None] = mapped_column(String(32))
    discount_type: Mapped[str] = mapped_column(String(10), default="percent")
    amount: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    redeemed_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    redeemed_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(10), default="auto", server_default="auto")
    pool: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default="issued", server_default="issued")
    pending_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(300))
    shop_ref: Mapped[str | None] = mapped_column(String(120))


class CouponCode(Base):
    """One code of a pool the owner imported from the shop's coupon export; taken by one customer once."""

    __tablename__ = "coupon_codes"
    __table_args__ = (
        UniqueConstraint("pool", "code", name="uq_coupon_codes_pool_code"),
        Index("ix_coupon_codes_free", "pool", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool: Mapped[str] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(60))
    imported_at: Mapped[datetime]
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    coupon_id: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime | None]
