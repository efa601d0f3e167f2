"""Consent re-confirmation (정보통신망법 §50⑧ and its decree §62-3): every two years from the day a customer
agreed to ads, the shop must tell them that they agreed (when, to what) and how to withdraw. A consent is
due when the later of its grant and its last confirmation is two years old (`confirmed_at`, else
`changed_at`); the re-confirmation message is an informational message sent from a journey whose trigger is
the date trigger's `consent_renewal` (engine/runtime/triggers.py). Its outbox key ends in RENEWAL_KEY_SUFFIX,
so delivery knows it without a look-up; when it is sent, `reconfirm_sent` sets `confirmed_at` of the
consents it told the customer about, in the transaction that records the send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Consent, ConsentEvent, Customer, Enrollment, OutboxMessage, StepLog

AD_CONSENT_CHANNELS = ("sms", "email", "kakao")  # "night" is a further consent of the same customer
RECONFIRM_YEARS = 2
RENEWAL_KEY_SUFFIX = ":consent"  # ends the outbox key of a re-confirmation message (the runner writes it)
RECONFIRMED_SOURCE = "reconfirmed"  # ConsentEvent.source of a re-confirmation by a sent message


def two_years_before(moment: datetime) -> datetime:
    """The same instant two years earlier (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year - RECONFIRM_YEARS)
    except ValueError:
        return moment.replace(year=moment.year - RECONFIRM_YEARS, day=28)


@dataclass(frozen=True)
class DueConsent:
    customer_id: int
    name: str
    channel: str
    since: datetime      # when the customer last agreed or was last told
    due_on: date         # two years after `since`

    def to_json(self) -> dict[str, object]:
        return {"customer_id": self.customer_id, "name": self.name, "channel": self.channel,
                "since": self.since.isoformat(), "due_on": self.due_on.isoformat()}


def reconfirmation_due(session: Session, now: datetime, *, within_days: int = 0) -> list[DueConsent]:
    """Ad consents whose two years are up by `now` + `within_days`, oldest first."""
    basis = func.coalesce(Consent.confirmed_at, Consent.changed_at)
    limit = two_years_before(now + timedelta(days=within_days))
    rows = session.execute(
        select(Consent.customer_id, Customer.name, Consent.channel, basis)
        .join(Customer, Customer.id == Consent.customer_id)
        .where(Consent.granted.is_(True), Consent.channel.in_(AD_CONSENT_CHANNELS), basis <= limit)
        .order_by(basis, Consent.customer_id, Consent.channel)
    ).all()
    out = []
    for customer_id, name, channel, since in rows:
        due = since.date()
        try:
            due = due.replace(year=due.year + RECONFIRM_YEARS)
        except ValueError:
            due = due.replace(year=due.year + RECONFIRM_YEARS, day=28)
        out.append(DueConsent(customer_id, name or "", channel, since, due))
    return out


def reconfirm_sent(session: Session, sent: list[tuple[int, datetime]]) -> int:
    """Re-confirmation messages (outbox id, send time) that were just recorded as sent: the consents each
    told its customer about (the enrollment's `consent.channels`, still granted) are confirmed at the send
    time, with a consent-history row and a step-log note each. A row not `sent` in this transaction (another
    process settled it meanwhile) confirms nothing. Returns the consents confirmed."""
    if not sent:
        return 0
    at_by_id = dict(sent)
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.customer_id, OutboxMessage.enrollment_id, OutboxMessage.journey_id,
               OutboxMessage.node_id, OutboxMessage.channel, OutboxMessage.sent_at, Enrollment.data)
        .outerjoin(Enrollment, Enrollment.id == OutboxMessage.enrollment_id)
        .where(OutboxMessage.id.in_(list(at_by_id)), OutboxMessage.status == "sent")
    ).all()
    confirmed = 0
    for row in rows:
        at = row.sent_at or at_by_id[row.id]
        told = dict((row.data or {}).get("consent") or {}).get("channels") or list(AD_CONSENT_CHANNELS)
        channels = [str(c) for c in told if c in AD_CONSENT_CHANNELS]
        granted = list(session.scalars(select(Consent.channel).where(
            Consent.customer_id == row.customer_id, Consent.channel.in_(channels), Consent.granted.is_(True))))
        if not granted:
            continue
        session.execute(update(Consent).where(Consent.customer_id == row.customer_id, Consent.channel.in_(granted))
                        .values(confirmed_at=at))
        session.add_all([ConsentEvent(customer_id=row.customer_id, channel=channel, granted=True, at=at,
                                      source=RECONFIRMED_SOURCE) for channel in granted])
        detail: dict[str, Any] = {"channel": row.channel, "consents": ",".join(granted)}
        session.add(StepLog(at=at, customer_id=row.customer_id, journey_id=row.journey_id, version_id=None,
                            enrollment_id=row.enrollment_id, node_id=row.node_id, event="action",
                            reason="consent_reconfirmed", detail=detail))
        confirmed += len(granted)
    session.flush()
    return confirmed
