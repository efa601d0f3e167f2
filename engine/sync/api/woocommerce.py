"""WooCommerce REST API v3 (`/wp-json/wc/v3`), with a consumer key and secret the owner makes in
WooCommerce › Settings › Advanced › REST API (read access is enough).

Orders changed since the cursor (`modified_after`, UTC with `dates_are_gmt`), 100 a page in order of id, so
a page never shifts while orders change during the sync (`X-WP-TotalPages` says when to stop). Each order
carries its buyer: `customer_id` is the member id (0: a guest, matched by phone, then email), `billing` the
name, phone and email. Order ids are the ones the WooCommerce CSV export shows, so a file import and the API
name the same order once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from engine.shopdata import OrderIn, OrderItemIn
from engine.sync.api.base import Batch, Connector, Field
from engine.sync.api.http import SyncError
from engine.sync.sources import WOOCOMMERCE
from engine.sync.values import parse_money

PER_PAGE = 100
OVERLAP = timedelta(minutes=10)  # the next sync looks back this far before this one's start (clock skew)


def _shop_url(text: str) -> str:
    value = text.strip().rstrip("/")
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError("bad_setting", f"'{text}' is not a shop address (example: https://myshop.com)",
                        f"'{text}'은(는) 쇼핑몰 주소가 아닙니다 (예: https://myshop.com)")
    return value


def _gmt(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _won(value: Any) -> int:
    amount = parse_money(value)
    return int(amount or 0)


class WooCommerce(Connector):
    name = "woocommerce"
    label = "우커머스"
    label_en = "WooCommerce"
    fields = (
        Field("url", "쇼핑몰 주소", "Shop address", example="https://myshop.com", parse=_shop_url),
        Field("consumer_key", "컨슈머 키", "Consumer key", secret=True, example="ck_…"),
        Field("consumer_secret", "컨슈머 시크릿", "Consumer secret", secret=True, example="cs_…"),
    )
    note_ko = "WooCommerce › 설정 › 고급 › REST API에서 '읽기' 권한 키를 만들어 붙여 넣으세요."
    note_en = "Make a key with Read access in WooCommerce › Settings › Advanced › REST API and paste it here."

    def _get(self, path: str, params: Mapping[str, Any]) -> tuple[Any, int | None]:
        response = self.http.request("GET", f"{self.value('url')}/wp-json/wc/v3/{path}", params=dict(params),
                                     auth=(self.value("consumer_key"), self.value("consumer_secret")))
        pages = response.headers.get("X-WP-TotalPages")
        return self.http.json(response), int(pages) if pages and pages.isdigit() else None

    def check(self, now: datetime) -> str:
        body, _ = self._get("orders", {"per_page": 1})
        if not isinstance(body, list):
            raise SyncError("bad_response", "WooCommerce did not answer with a list of orders; check the shop address",
                            "우커머스가 주문 목록으로 답하지 않았습니다. 쇼핑몰 주소를 확인하세요")
        return f"WooCommerce {urlsplit(self.value('url')).hostname}"

    def pull(self, cursor: Mapping[str, Any], now: datetime) -> Iterator[Batch]:
        if "page" in cursor:  # an interrupted sync: the same window, from the page after the last one written
            since, page, started = cursor.get("run_since"), int(cursor["page"]) + 1, str(cursor["run_started"])
        else:
            since, page, started = cursor.get("since"), 1, now.isoformat()
        while True:
            params: dict[str, Any] = {"per_page": PER_PAGE, "page": page, "orderby": "id", "order": "asc"}
            if since:
                params.update(modified_after=_gmt(since).replace(tzinfo=None).isoformat(timespec="seconds"),  # type: ignore[union-attr]
                              dates_are_gmt="true")
            body, pages = self._get("orders", params)
            if not isinstance(body, list):
                raise SyncError("bad_response", "WooCommerce answered orders in an unknown form",
                                "우커머스 주문 응답의 형식을 알 수 없습니다")
            records = [order for order in (self._order(raw) for raw in body) if order is not None]
            last = not body or len(body) < PER_PAGE or (pages is not None and page >= pages)
            if last:
                done = (_gmt(started) or now) - OVERLAP
                yield Batch(records, {"since": done.isoformat()}, {"page": page})
                return
            yield Batch(records, {"run_since": since, "page": page, "run_started": started}, {"page": page})
            page += 1

    def _order(self, raw: Mapping[str, Any]) -> OrderIn | None:
        status = WOOCOMMERCE.status(str(raw.get("status") or ""))
        if status is None:  # a status a plugin added (e.g. "wc-awaiting-shipment"): not one we can count
            return None
        billing = raw.get("billing") or {}
        name = " ".join(part for part in (billing.get("last_name"), billing.get("first_name")) if part) or None
        customer = raw.get("customer_id")
        items = tuple(
            OrderItemIn(product_name=str(item.get("name") or ""), quantity=int(item.get("quantity") or 1),
                        unit_price=_won(item.get("price")), amount=_won(item.get("total")),
                        external_id=str(item["id"]) if item.get("id") is not None else None)
            for item in raw.get("line_items") or ())
        coupons = [line.get("code") for line in raw.get("coupon_lines") or () if line.get("code")]
        ordered = _gmt(raw.get("date_created_gmt")) or _gmt(raw.get("date_created"))
        if ordered is None:
            return None
        return OrderIn(
            source=self.name, external_id=str(raw["id"]), ordered_at=ordered, amount=_won(raw.get("total")),
            status=status, customer_external_id=str(customer) if customer else None, buyer_name=name,
            buyer_phone=billing.get("phone") or None, buyer_email=billing.get("email") or None,
            discount=_won(raw.get("discount_total")), coupon_code=coupons[0] if coupons else None,
            paid_at=_gmt(raw.get("date_paid_gmt")), status_changed_at=_gmt(raw.get("date_modified_gmt")), items=items)
