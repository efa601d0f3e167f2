"""Coupon codes from elsewhere than the coupon node itself (issue #15 §3).

- **Pools**: the owner imports the codes the shop made (its coupon export, CSV/xlsx in any Korean encoding)
  under a pool name (`import_pool`); each code goes to one customer only, taken in one guarded UPDATE so
  two runners never take the same code (`_take`).
- **Shop-issued**: Cafe24 issues a coupon to the member, Shopify makes a one-use discount code
  (`discountCodeBasicCreate`),
  WooCommerce makes a coupon only the customer's e-mail may use (`issue_at_shop`). The call is never made
  inside the advancer's write transaction: the coupon node writes a `wanted` coupon, the messages after it
  are held (`coupon_wanted`) carrying the placeholder, and `resolve_coupons` (each runner pass, before
  delivery) obtains the code with the HTTP client's retries, then puts it in the held messages and queues
  them. The shop call is idempotent: the code asked for is derived from our coupon row's id (Shopify,
  WooCommerce: "already exists" is success) and Cafe24 is asked not to issue a second one to the member.
- An empty pool holds the messages with `coupon_pool_empty` (the timeline says why) until codes are imported;
  `low_pools` tells the owner before a pool runs out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.kinds.actions.coupon import PENDING_PREFIX, coupon_code
from engine.sync.read import UnreadableFile, open_table
from storage.db import Database
from storage.models import Coupon, CouponCode, Customer, OutboxMessage, StepLog, SyncState

log = logging.getLogger("dangol.coupons")

CODE_HEADERS = ("쿠폰번호", "쿠폰 번호", "쿠폰코드", "쿠폰 코드", "할인코드", "할인 코드", "coupon code", "coupon_code",
                "couponcode", "discount code", "code", "코드")
SHOP_PLATFORMS = ("cafe24", "shopify", "woocommerce")
MAX_SHOP_TRIES = 5          # passes a transient shop failure is tried again over before the coupon is given up
LOW_SHARE = 0.10            # a pool is low below 10 % left …
LOW_COUNT = 20              # … or fewer than 20 codes …
LOW_DAYS = 7                # … or fewer than the last 7 days' use (the next 7 days' guess)
HOLD_REASONS = ("coupon_wanted", "coupon_pool_empty", "coupon_shop_refused")


class CouponError(Exception):
    """A pool file the owner gave that cannot be used; one line that says what to do."""


# --- pools ---------------------------------------------------------------------------------------------------

def _norm(header: Any) -> str:
    return re.sub(r"[\s_]+", " ", str(header or "").strip().lower())


def code_column(header: list[str]) -> int | None:
    names = [_norm(cell) for cell in header]
    for wanted in CODE_HEADERS:
        if _norm(wanted) in names:
            return names.index(_norm(wanted))
    return None


def read_codes(path: str | Path) -> list[str]:
    """The codes of a shop's coupon export: the column headed 쿠폰번호 / 쿠폰 코드 / code (any encoding)."""

    def score(cells: Any) -> int:
        return 1 if code_column([str(cell or "") for cell in cells]) is not None else 0

    try:
        table = open_table(path, header_score=score)
    except UnreadableFile as exc:
        raise CouponError(exc.message) from None
    except OSError as exc:
        raise CouponError(f"cannot read {Path(path).name}: {exc.strerror or exc}") from None
    column = code_column(table.header)
    if column is None:
        raise CouponError(f"{Path(path).name} has no coupon code column (쿠폰번호, 쿠폰 코드 or code); "
                          f"its columns: {', '.join(str(cell) for cell in table.header[:12])}")
    codes: list[str] = []
    seen: set[str] = set()
    for _, cells in table.rows:
        value = "".join(str(cells[column] if column < len(cells) else "" or "").split())[:60]
        if value and value not in seen:
            seen.add(value)
            codes.append(value)
    if not codes:
        raise CouponError(f"{Path(path).name} has no codes under its coupon code column")
    return codes


@dataclass(frozen=True)
class ImportResult:
    pool: str
    added: int
    already: int


def import_pool(db: Database, pool: str, codes: Iterable[str], now: datetime) -> ImportResult:
    """Add codes to `pool` (a code already in it is left as it is, taken or not); one transaction."""
    pool = pool.strip()[:60]
    if not pool:
        raise CouponError("the pool needs a name")
    codes = list(dict.fromkeys(codes))
    with db.write_session() as session:
        existing = set(session.scalars(select(CouponCode.code).where(CouponCode.pool == pool)))
        new = [code for code in codes if code not in existing]
        session.add_all(CouponCode(pool=pool, code=code, imported_at=now) for code in new)
    return ImportResult(pool, len(new), len(codes) - len(new))


@dataclass(frozen=True)
class PoolStatus:
    pool: str
    total: int
    left: int
    used_week: int  # taken in the last 7 days: the next 7 days' use, guessed

    @property
    def low(self) -> bool:
        return self.left < LOW_COUNT or self.left < self.total * LOW_SHARE or self.left < self.used_week

    def to_json(self) -> dict[str, Any]:
        return {"pool": self.pool, "total": self.total, "left": self.left, "used_week": self.used_week,
                "low": self.low}


def pools(session: Session, now: datetime) -> list[PoolStatus]:
    week = now - timedelta(days=LOW_DAYS)
    rows = session.execute(
        select(CouponCode.pool, func.count(), func.count(CouponCode.taken_at),
               func.sum(case((CouponCode.taken_at >= week, 1), else_=0)))
        .group_by(CouponCode.pool).order_by(CouponCode.pool)).all()
    return [PoolStatus(pool, int(total), int(total) - int(taken), int(week_used or 0))
            for pool, total, taken, week_used in rows]


def used_pools(session: Session) -> set[str]:
    """The pools the coupon nodes of live journeys take from."""
    from storage.models import Journey, JourneyVersion

    out: set[str] = set()
    rows = session.execute(select(JourneyVersion.graph).join(Journey, (Journey.id == JourneyVersion.journey_id)
                                                             & (Journey.live_version == JourneyVersion.version))
                           .where(Journey.status == "live")).scalars()
    for graph in rows:
        for node in (graph or {}).get("nodes", []):
            params = node.get("params") or {}
            if node.get("kind") == "action.coupon" and params.get("code_source") == "pool" and params.get("pool"):
                out.add(str(params["pool"]))
    return out


def low_pools(session: Session, now: datetime) -> list[PoolStatus]:
    """Pools a live journey takes from that are low or empty (the owner's notice): a pool used by a live
    journey and never imported is empty too."""
    wanted = used_pools(session)
    known = {status.pool: status for status in pools(session, now)}
    out = [status for status in known.values() if status.low and (status.pool in wanted or not wanted)]
    out += [PoolStatus(name, 0, 0, 0) for name in sorted(wanted - known.keys())]
    return out


def _take(session: Session, pool: str, coupon: Any, now: datetime) -> str | None:
    """One free code of `pool` for this coupon's customer, in one guarded statement (never a code twice)."""
    free = (select(CouponCode.id).where(CouponCode.pool == pool, CouponCode.customer_id.is_(None),
                                        CouponCode.coupon_id.is_(None))
            .order_by(CouponCode.id).limit(1).scalar_subquery())
    row = session.execute(
        update(CouponCode)
        .where(CouponCode.id == free, CouponCode.customer_id.is_(None), CouponCode.coupon_id.is_(None))
        .values(customer_id=coupon.customer_id, coupon_id=coupon.id, taken_at=now)
        .returning(CouponCode.code)).first()
    return None if row is None else str(row[0])


# --- the shop's own coupons -----------------------------------------------------------------------------------

class ShopRefused(Exception):
    """The shop said no for good (no such coupon, the customer not a member …): the coupon is given up."""


def shop_code(coupon: Any, prefix: str = "DANGOL") -> str:
    """The code asked of Shopify/WooCommerce: the same for the same coupon row, so a retry makes no second."""
    return coupon_code(prefix, int(coupon.id), "shop")


def issue_at_shop(platform: str, connector: Any, coupon: Any, customer: Any, params: Mapping[str, Any]) -> tuple[str, str]:
    """(code, the shop's reference) of a coupon the shop issued for this customer."""
    from engine.sync.api.http import SyncError

    try:
        if platform == "cafe24":
            return _cafe24(connector, coupon, customer, params)
        if platform == "shopify":
            return _shopify(connector, coupon, customer)
        if platform == "woocommerce":
            return _woocommerce(connector, coupon, customer)
    except SyncError as exc:
        if exc.code in ("rejected", "unauthorized", "not_connected"):
            raise ShopRefused(str(exc)) from None
        raise
    raise ShopRefused(f"{platform} cannot issue coupons")


def _cafe24(connector: Any, coupon: Any, customer: Any, params: Mapping[str, Any]) -> tuple[str, str]:
    number = str(params.get("shop_coupon") or "").strip()
    if not number:
        raise ShopRefused("the coupon node names no Cafe24 coupon number")
    if customer.source != "cafe24" or not customer.external_id:
        raise ShopRefused("the customer is not a Cafe24 member")
    from engine.sync.api.cafe24 import API_VERSION

    connector.require("mall.write_promotion")
    headers = {"Authorization": f"Bearer {connector._access_token()}", "Content-Type": "application/json",
               "X-Cafe24-Api-Version": API_VERSION}
    body = {"shop_no": 1, "request": {"issued_member_scope": "M", "member_id": customer.external_id,
                                      "allow_duplication": "F", "send_sms_for_issue": "F"}}
    response = connector.http.request("POST", connector._url(f"/api/v2/admin/coupons/{number}/issues"),
                                      json=body, headers=headers)
    answer = connector.http.json(response)
    issue = (answer or {}).get("issues") or {}
    return number, str(issue.get("coupon_no") or number)


SHOPIFY_CREATE = """mutation dangolCoupon($discount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $discount) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}"""


def _shopify(connector: Any, coupon: Any, customer: Any) -> tuple[str, str]:
    code = shop_code(coupon)
    value: dict[str, Any] = ({"percentage": min(coupon.amount, 100) / 100} if coupon.discount_type == "percent"
                             else {"discountAmount": {"amount": str(coupon.amount), "appliesOnEachItem": False}})
    if customer.source == "shopify" and customer.external_id:
        selection: dict[str, Any] = {"customers": {"add": [f"gid://shopify/Customer/{customer.external_id}"]}}
    else:
        selection = {"all": True}  # a customer Shopify does not know: the one-use code is theirs by being sent to them
    discount = {"title": f"Dangol {code}", "code": code, "startsAt": coupon.issued_at.isoformat(),
                "endsAt": coupon.expires_at.isoformat() if coupon.expires_at else None,
                "customerSelection": selection, "customerGets": {"value": value, "items": {"all": True}},
                "usageLimit": 1, "appliesOncePerCustomer": True}
    data = connector.query(SHOPIFY_CREATE, {"discount": discount})
    answer = data.get("discountCodeBasicCreate") or {}
    errors = answer.get("userErrors") or []
    if errors:
        if any(error.get("code") == "TAKEN" or "taken" in str(error.get("message", "")).lower() for error in errors):
            return code, ""  # made by an earlier try whose answer was lost
        raise ShopRefused("; ".join(str(error.get("message")) for error in errors)[:200])
    made = answer.get("codeDiscountNode") or {}
    return code, str(made.get("id") or "")


def _woocommerce(connector: Any, coupon: Any, customer: Any) -> tuple[str, str]:
    from engine.sync.api.http import SyncError

    if not customer.email:
        raise ShopRefused("the customer has no e-mail address to restrict the WooCommerce coupon to")
    code = shop_code(coupon).lower()
    body = {"code": code, "discount_type": "percent" if coupon.discount_type == "percent" else "fixed_cart",
            "amount": str(coupon.amount), "usage_limit": 1, "usage_limit_per_user": 1,
            "email_restrictions": [customer.email],
            "date_expires_gmt": coupon.expires_at.strftime("%Y-%m-%dT%H:%M:%S") if coupon.expires_at else None}
    url = f"{connector.value('url')}/wp-json/wc/v3/coupons"
    auth = (connector.value("consumer_key"), connector.value("consumer_secret"))
    try:
        response = connector.http.request("POST", url, json=body, auth=auth)
    except SyncError as exc:
        if exc.platform_code == "woocommerce_rest_coupon_code_already_exists":
            return code, ""  # made by an earlier try whose answer was lost
        raise
    made = connector.http.json(response) or {}
    return str(made.get("code") or code), str(made.get("id") or "")


def connected_shop(db: Database) -> str | None:
    with db.session() as session:
        for name in SHOP_PLATFORMS:
            row = session.get(SyncState, "api:" + name)
            if row is not None and (row.details or {}).get("connected"):
                return name
    return None


def shop_connector(db: Database, name: str, http: Any = None) -> Any:
    from engine.sync.api import connector_class
    from engine.sync.api.http import Http
    from engine.sync.api.run import _read_secrets, _saver

    cls = connector_class(name)
    with db.session() as session:
        row = session.get(SyncState, "api:" + name)
        plain = dict(((row.details if row is not None else None) or {}).get("config") or {})
    return cls(http or Http(cls.label), plain, _read_secrets(cls), _saver(name))


# --- the pass ---------------------------------------------------------------------------------------------------

@dataclass
class ResolveSummary:
    issued: int = 0
    empty: int = 0
    refused: int = 0
    retry: int = 0
    released: int = 0


def has_work(db: Database) -> bool:
    """A coupon still wanted, or a message held for one (a later message of the journey renders the same
    placeholder from the enrollment's data after its coupon was obtained)."""
    with db.session() as session:
        if session.scalar(select(Coupon.id).where(Coupon.status == "wanted").limit(1)) is not None:
            return True
        return session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.status == "held", OutboxMessage.reason == "coupon_wanted").limit(1)) is not None


def _release_later_messages(db: Database, summary: ResolveSummary) -> None:
    """Messages held with `coupon_wanted` whose coupons were obtained already: their codes put in, queued."""
    with db.write_session() as session:
        rows = session.execute(select(OutboxMessage.id, OutboxMessage.body, OutboxMessage.subject).where(
            OutboxMessage.status == "held", OutboxMessage.reason == "coupon_wanted").limit(500)).all()
        for row in rows:
            keys = set(_PLACEHOLDER.findall(row.body + row.subject))
            found = session.execute(select(Coupon.pending_key, Coupon.code, Coupon.status).where(
                Coupon.pending_key.in_(keys))).all()
            if any(status == "failed" for _, _, status in found):  # given up: held for the owner, not retried
                session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
                    reason="coupon_shop_refused"))
                continue
            body, subject = row.body, row.subject
            for key, code, status in found:
                if key is not None and status == "issued":
                    body, subject = body.replace(key, code), subject.replace(key, code)
            if (body, subject) == (row.body, row.subject):
                continue
            done = PENDING_PREFIX not in body and PENDING_PREFIX not in subject
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
                body=body, subject=subject, **({"status": "queued", "reason": None} if done else {})))
            summary.released += int(done)


_PLACEHOLDER = re.compile(re.escape(PENDING_PREFIX) + r"[0-9]+:[^\]\s]+\]\]")


def resolve_coupons(db: Database, clock: Clock, *, http: Any = None,
                    issuer: Callable[..., tuple[str, str]] = issue_at_shop, offline: bool = False) -> ResolveSummary:
    """Obtain the codes of `wanted` coupons and send the messages held for them (each runner pass).

    `offline` (simulate's copy of the shop): a shop coupon gets a stand-in code and the shop is never called."""
    summary = ResolveSummary()
    if not has_work(db):
        return summary
    now = clock.now()
    with db.session() as session:
        wanted = session.scalars(select(Coupon).where(Coupon.status == "wanted").order_by(Coupon.id).limit(200)).all()
        session.expunge_all()
    connector: Any = None
    platform: str | None = None
    empty: set[str] = set()
    waiting: list[Any] = []
    for coupon in wanted:
        if coupon.source == "pool":
            if coupon.pool in empty:  # one empty answer a pass is enough: the others wait for the import too
                summary.empty += 1
                waiting.append(coupon)
                continue
            with db.write_session() as session:
                code = _take(session, coupon.pool or "", coupon, now)
                if code is None:
                    summary.empty += 1
                    empty.add(coupon.pool or "")
                    _hold(session, coupon, "coupon_pool_empty", now)
                    continue
                _issued(session, coupon, code, None, now, summary)
            continue
        # shop: the call is made here, outside any transaction; the row is written after
        if offline:
            with db.write_session() as session:
                _issued(session, coupon, f"SIMULATED-{coupon.id}", None, now, summary)
            continue
        if connector is None:
            platform = connected_shop(db)
            if platform is None:
                with db.write_session() as session:
                    _refused(session, coupon, "no shop is connected", now, summary)
                continue
            connector = shop_connector(db, platform, http)
        assert platform is not None
        with db.session() as session:
            customer = session.get(Customer, coupon.customer_id)
            params = _node_params(session, coupon)
            session.expunge_all()
        try:
            code, ref = issuer(platform, connector, coupon, customer, params)
        except ShopRefused as exc:
            with db.write_session() as session:
                _refused(session, coupon, str(exc), now, summary)
            continue
        except Exception as exc:  # a transient failure after the client's own retries: the next pass tries again
            log.warning("coupon %s: the shop did not issue it yet (%s)", coupon.id, type(exc).__name__)
            with db.write_session() as session:
                tries = coupon.attempts + 1
                if tries >= MAX_SHOP_TRIES:
                    _refused(session, coupon, f"the shop did not answer ({tries} tries)", now, summary)
                else:
                    session.execute(update(Coupon).where(Coupon.id == coupon.id).values(
                        attempts=tries, error=str(exc)[:300]))
                    summary.retry += 1
            continue
        with db.write_session() as session:
            _issued(session, coupon, code, ref, now, summary)
    if waiting:
        with db.write_session() as session:
            for coupon in waiting:
                _hold(session, coupon, "coupon_pool_empty", now)
    _release_later_messages(db, summary)
    return summary


def _node_params(session: Session, coupon: Any) -> dict[str, Any]:
    from storage.models import Enrollment, JourneyVersion

    if coupon.pending_key is None or coupon.node_id is None:
        return {}
    enrollment_id = int(coupon.pending_key[len(PENDING_PREFIX):].split(":")[0])
    version = session.scalar(select(JourneyVersion.graph).join(Enrollment, Enrollment.version_id == JourneyVersion.id)
                             .where(Enrollment.id == enrollment_id))
    for node in (version or {}).get("nodes", []):
        if node.get("id") == coupon.node_id:
            return dict(node.get("params") or {})
    return {}


def _held_rows(session: Session, coupon: Any) -> list[Any]:
    return list(session.execute(select(OutboxMessage.id, OutboxMessage.body, OutboxMessage.subject,
                                       OutboxMessage.reason, OutboxMessage.journey_id, OutboxMessage.node_id,
                                       OutboxMessage.enrollment_id)
                                .where(OutboxMessage.customer_id == coupon.customer_id,
                                       OutboxMessage.status == "held",
                                       OutboxMessage.reason.in_(HOLD_REASONS))).all())


def _issued(session: Session, coupon: Any, code: str, ref: str | None, now: datetime, summary: ResolveSummary) -> None:
    session.execute(update(Coupon).where(Coupon.id == coupon.id, Coupon.status == "wanted").values(
        code=code, status="issued", shop_ref=ref or None, error=None, attempts=coupon.attempts + 1))
    summary.issued += 1
    key = coupon.pending_key or ""
    for row in _held_rows(session, coupon):
        if key not in row.body and key not in row.subject:
            continue
        body, subject = row.body.replace(key, code), row.subject.replace(key, code)
        still = PENDING_PREFIX in body or PENDING_PREFIX in subject  # a second coupon not obtained yet
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
            body=body, subject=subject, **({} if still else {"status": "queued", "reason": None})))
        if not still:
            summary.released += 1
    session.add(StepLog(enrollment_id=_enrollment(coupon), journey_id=coupon.journey_id, node_id=coupon.node_id,
                        customer_id=coupon.customer_id, at=now, event="action", reason="coupon_issued",
                        detail={"code": code}))


def _enrollment(coupon: Any) -> int | None:
    key = coupon.pending_key or ""
    try:
        return int(key[len(PENDING_PREFIX):].split(":")[0])
    except ValueError:
        return None


def _hold(session: Session, coupon: Any, reason: str, now: datetime) -> None:
    """The messages waiting for this coupon held with `reason`; the timeline says it once."""
    if coupon.error != reason:
        session.execute(update(Coupon).where(Coupon.id == coupon.id).values(error=reason))
    for row in _held_rows(session, coupon):
        if (coupon.pending_key or "") in row.body + row.subject and row.reason != reason:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(reason=reason))
            session.add(StepLog(enrollment_id=row.enrollment_id, journey_id=row.journey_id, node_id=row.node_id,
                                customer_id=coupon.customer_id, at=now, event="held", reason=reason,
                                detail={"pool": coupon.pool} if coupon.pool else {}))


def _refused(session: Session, coupon: Any, why: str, now: datetime, summary: ResolveSummary) -> None:
    session.execute(update(Coupon).where(Coupon.id == coupon.id).values(status="failed", error=why[:300]))
    summary.refused += 1
    _hold(session, coupon, "coupon_shop_refused", now)
