"""Custom segments (a named rule tree) and the member lists a segment-entered trigger compares against."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class CustomSegment(Base):
    """A segment the owner built: `rules` is a tree {"match": "all"|"any", "rules": [rule | group, …]}."""

    __tablename__ = "custom_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SegmentMember(Base):
    """Who was in a custom segment at the last look of one reader (`scope`, e.g. a journey's trigger)."""

    __tablename__ = "segment_members"

    scope: Mapped[str] = mapped_column(String(160), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
