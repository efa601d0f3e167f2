"""Membership tiers (the owner's own rules, computed by us) and the points grants journeys ask for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

GRANT_STATUSES = ("pending", "sending", "done", "manual", "failed")


class TierRule(Base):
    """One tier of the owner's ladder, lowest `position` first: a customer is in the highest tier whose
    thresholds they meet (spend and orders within the window, both when both are set), or whose shop grade
    (`Customer.grade`, from the shop's own import) is `shop_grade`."""

    __tablename__ = "tier_rules"

    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    min_spent: Mapped[int] = mapped_column(Integer, default=0)
    min_orders: Mapped[int] = mapped_column(Integer, default=0)
    shop_grade: Mapped[str | None] = mapped_column(String(40))


class CustomerTier(Base):
    """A customer's tier as last computed, and since when."""

    __tablename__ = "customer_tiers"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    tier: Mapped[str] = mapped_column(String(40), index=True)
    since: Mapped[datetime]


class PointGrant(Base):
    """Points a journey gives a customer: sent by the runner (Cafe24) or listed for the owner to give by hand."""

    __tablename__ = "point_grants"
    __table_args__ = (UniqueConstraint("enrollment_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    journey_id: Mapped[str | None] = mapped_column(ForeignKey("journeys.id", ondelete="SET NULL"))
    enrollment_id: Mapped[int | None] = mapped_column(Integer)
    node_id: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
