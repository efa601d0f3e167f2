"""All tables; import from here so the metadata is complete."""

from storage.models.base import Base, UTCDateTime
from storage.models.journeys import (
    ACTIVE,
    ENROLLMENT_STATUSES,
    FAILED,
    JOURNEY_STATUSES,
    OUTBOX_STATUSES,
    Coupon,
    Enrollment,
    Journey,
    JourneyVersion,
    OutboxMessage,
    StepLog,
)
from storage.models.runtime import Cursor, RunnerLease
from storage.models.segments import CustomSegment, SegmentMember
from storage.models.shop import (
    CONSENT_CHANNELS,
    ORDER_STATUSES,
    Cart,
    Category,
    Consent,
    ConsentEvent,
    Customer,
    CustomerStats,
    CustomerTag,
    Order,
    OrderItem,
    Product,
    ShopEvent,
)
from storage.models.system import Setting, SyncState

__all__ = [
    "ACTIVE",
    "CONSENT_CHANNELS",
    "ENROLLMENT_STATUSES",
    "FAILED",
    "JOURNEY_STATUSES",
    "ORDER_STATUSES",
    "OUTBOX_STATUSES",
    "Base",
    "Cart",
    "Category",
    "Consent",
    "ConsentEvent",
    "Coupon",
    "Cursor",
    "CustomSegment",
    "Customer",
    "CustomerStats",
    "CustomerTag",
    "Enrollment",
    "Journey",
    "JourneyVersion",
    "Order",
    "OrderItem",
    "OutboxMessage",
    "Product",
    "RunnerLease",
    "SegmentMember",
    "Setting",
    "ShopEvent",
    "StepLog",
    "SyncState",
    "UTCDateTime",
]
