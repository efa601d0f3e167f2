"""Consent re-confirmation (정보통신망법 §50⑧ and its decree §62-3): every two years from the day a customer
agreed to ads, the shop must tell them that they agreed (when, to what) and how to withdraw. A consent is
due when the later of its grant and its last confirmation is two years old (`confirmed_at`, else
`changed_at`); the re-confirmation message is an informational message sent from a journey.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Consent, Customer

AD_CONSENT_CHANNELS = ("sms", "email", "kakao")  # "night" is a further consent of the same customer
RECONFIRM_YEARS = 2


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
