"""trigger.date: birthdays, first-order anniversaries, fixed dates, holidays, weekdays, and the day an ad
consent turns two years old (its messages re-confirm the consent: the `consent` variables)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from engine.customers.consents import AD_CONSENT_CHANNELS, two_years_before
from engine.kinds.spec import (
    DATE_KINDS,
    OUT,
    WEEKDAY_EN,
    WEEKDAY_KO,
    Kind,
    NodeType,
    ParamSpec,
    ParamType,
    choice_label,
    ko_en,
)
from engine.kinds.triggers import ENTRY_RULES, Occurrence, pass_through
from engine.lunar import lunar_birthday_on
from engine.runtime.holiday_dates import holiday_start
from engine.runtime.waits import parse_hhmm
from storage.models import Consent, Cursor, Customer, CustomerStats


def _summary(p: Mapping[str, Any], lang: str) -> str:
    kind = p.get("date_kind", "birthday")
    text = choice_label(DATE_KINDS, kind, lang)
    if kind == "fixed_date":
        text += f" {p.get('date') or '?'}"
    elif kind == "holiday":
        text += f" {p.get('holiday') or '?'}"
    elif kind == "recurring":
        days = p.get("weekdays") or []
        names = WEEKDAY_KO if lang == "ko" else WEEKDAY_EN
        text = ko_en(lang, "매주 ", "every ") + ",".join(names[int(d)] for d in days if 0 <= int(d) < 7)
    before = int(p.get("days_before") or 0)
    if before:
        text += ko_en(lang, f" {before}일 전", f", {before} days before")
    return text + f" {p.get('time') or '10:00'}"


def _scan(session: Session, state: Cursor, params: dict[str, Any], ctx: Any) -> tuple[list[Occurrence], bool]:
    return list(dates(session, state, params, ctx)), False


def dates(session: Session, state: Cursor, params: dict[str, Any],
           ctx: Any) -> Iterator[Occurrence]:
    fire = parse_hhmm(params.get("time"))
    local_now = ctx.now.astimezone(ctx.zone)
    last_day = local_now.date() if local_now.time() >= fire else local_now.date() - timedelta(days=1)
    first_day = (state.last_date or last_day) + timedelta(days=1)
    if state.last_date is None:
        first_day = last_day
    state.last_date = max(state.last_date or last_day, last_day)
    day = first_day
    while day <= last_day:
        at = datetime.combine(day, fire, tzinfo=ctx.zone).astimezone(UTC)
        yield from _date_occurrences(session, params, day, at, ctx.zone)
        day += timedelta(days=1)


def _date_occurrences(session: Session, params: dict[str, Any], day: date,
                      at: datetime, zone: Any) -> Iterable[Occurrence]:
    date_kind = params.get("date_kind", "birthday")
    before = int(params.get("days_before") or 0)
    target = day + timedelta(days=before)
    if date_kind == "birthday":
        wanted = {(target.month, target.day)}
        if (target.month, target.day) == (2, 28) and not _is_leap(target.year):
            wanted.add((2, 29))  # a 29 February birthday is kept on the 28th in other years
        month = func.cast(func.strftime("%m", Customer.birthday), type_=Integer())
        mday = func.cast(func.strftime("%d", Customer.birthday), type_=Integer())
        lunar = func.coalesce(func.json_extract(Customer.attributes, "$.birthday_lunar"), 0) == 1
        born_today: list[int] = list(session.execute(
            select(Customer.id).where(Customer.birthday.is_not(None), ~lunar,
                                      month.in_([m for m, _ in wanted]), mday.in_([d for _, d in wanted]))
        ).scalars())
        # a lunar (음력) birthday, as the member list marks it, falls on a different solar day each year
        born_today += [cid for cid, born in session.execute(
            select(Customer.id, Customer.birthday).where(Customer.birthday.is_not(None), lunar))
            if born is not None and lunar_birthday_on(born, target)]
        return [Occurrence(cid, at, f"birthday:{target.year}") for cid in sorted(born_today)]
    if date_kind == "first_order_anniversary":
        rows = session.execute(
            select(CustomerStats.customer_id, CustomerStats.first_order_at)
            .where(CustomerStats.first_order_at.is_not(None))
        ).all()
        return [
            Occurrence(cid, at, f"anniversary:{target.year}")
            for cid, first in rows
            if first is not None and (first.month, first.day) == (target.month, target.day)
            and first.year < target.year
        ]
    if date_kind == "fixed_date":
        if str(params.get("date") or "") != target.isoformat():
            return []
        return [Occurrence(cid, at, f"date:{target.isoformat()}") for cid in everyone(session)]
    if date_kind == "holiday":
        # the named holiday's whole span is one holiday: counted from its first day, once a year
        first = holiday_start(str(params.get("holiday") or ""), target.year)
        if first != target:
            return []
        return [Occurrence(cid, at, f"holiday:{first.isoformat()}") for cid in everyone(session)]
    if date_kind == "recurring":
        weekdays = params.get("weekdays") or []
        if weekdays and day.weekday() not in weekdays:
            return []
        return [Occurrence(cid, at, f"recurring:{day.isoformat()}") for cid in everyone(session)]
    if date_kind == "consent_renewal":
        return consent_renewals(session, target, at, zone)
    return []


def everyone(session: Session) -> list[int]:
    return list(session.scalars(select(Customer.id).where(Customer.is_guest.is_(False)).order_by(Customer.id)))


def consent_renewals(session: Session, target: date, at: datetime, zone: Any) -> list[Occurrence]:
    """Customers whose ad consents (sms, email, kakao) are two years old on `target`, shop calendar: agreed or
    last told on or before the same day two years earlier (the rule of `reconfirmation_due`, by day, so the
    notice goes on the anniversary itself). One occurrence per customer for all their due consents; its key
    holds the newest basis, so once the notice is sent (which sets `confirmed_at`) they are due again, and
    enter again, only two years later, and a rescan or a failed send never enters them twice."""
    limit = two_years_before(datetime.combine(target + timedelta(days=1), time(0), tzinfo=zone))
    basis = func.coalesce(Consent.confirmed_at, Consent.changed_at)
    due: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for customer_id, channel, since in session.execute(
        select(Consent.customer_id, Consent.channel, basis)
        .where(Consent.granted.is_(True), Consent.channel.in_(AD_CONSENT_CHANNELS), basis < limit)
        .order_by(Consent.customer_id)
    ):
        due[customer_id].append((channel, since))
    occurrences = []
    for customer_id, consents in due.items():
        channels = [channel for channel in AD_CONSENT_CHANNELS if any(c == channel for c, _ in consents)]
        earliest = min(since for _, since in consents)
        newest = max(since for _, since in consents)
        occurrences.append(Occurrence(customer_id, at, f"consent:{newest.strftime('%Y%m%d%H%M%S')}",
                                      {"consent": {"since": earliest.isoformat(), "channels": channels}}))
    return occurrences


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


DATE = Kind(
    NodeType("trigger.date", "trigger", "날짜", "Date", "calendar", (), OUT, (
        ParamSpec("date_kind", ParamType.CHOICE, "어떤 날", "Which day", "birthday", choices=DATE_KINDS),
        ParamSpec("date", ParamType.DATE, "날짜", "Date", "", required=True,
                  visible_if=("date_kind", ("fixed_date",))),
        ParamSpec("holiday", ParamType.TEXT, "공휴일 이름", "Holiday name", "설날", required=True,
                  visible_if=("date_kind", ("holiday",))),
        ParamSpec("weekdays", ParamType.WEEKDAYS, "요일", "Weekdays", [0], required=True,
                  visible_if=("date_kind", ("recurring",))),
        ParamSpec("days_before", ParamType.INT, "며칠 전", "Days before", 0, minimum=0, maximum=60,
                  visible_if=("date_kind", ("birthday", "first_order_anniversary", "fixed_date", "holiday",
                                            "consent_renewal"))),
        ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00"),
        ENTRY_RULES,
    ), "생일, 기념일, 정한 날짜에, 또는 광고 수신 동의가 2년 된 날(재확인 안내)에 시작합니다.",
        "Starts on a birthday, an anniversary or a date, or on the day an ad consent turns two years old "
        "(the re-confirmation notice).",
        summarize=_summary),
    resume=pass_through, scan=_scan)

KINDS = (DATE,)
