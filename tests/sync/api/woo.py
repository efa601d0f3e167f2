"""A WooCommerce shop as its REST API v3 answers (`/wp-json/wc/v3/orders`), on a pytest-httpserver.

It filters by `modified_after` (with `dates_are_gmt`), orders by id, pages by `per_page`/`page` with the
`X-WP-Total`/`X-WP-TotalPages` headers, and checks HTTP basic auth with the consumer key and secret, as the
documentation describes. Tests change orders (`touch`) and make it fail on purpose (`fail_next`).
"""

from __future__ import annotations

import base64
import json
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

KEY, SECRET = "ck_test", "cs_test"
T0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


class FakeWoo:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.orders: dict[int, dict[str, Any]] = {}
        self.requests: list[dict[str, str]] = []
        self.failures: deque[Response] = deque()
        self.fail_on_page: dict[int, Response] = {}
        self.delay = 0.0  # seconds before each answer (a slow shop)
        server.expect_request("/wp-json/wc/v3/orders").respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def add(self, order_id: int, *, customer_id: int = 0, total: str = "30000.00", status: str = "processing",
            created: datetime = T0, phone: str = "010-1234-5678", email: str = "buyer@example.com",
            first: str = "길동", last: str = "홍", items: int = 1) -> dict[str, Any]:
        order = {
            "id": order_id, "number": str(order_id), "status": status, "currency": "KRW",
            "date_created": _iso(created + timedelta(hours=9)), "date_created_gmt": _iso(created),
            "date_modified": _iso(created + timedelta(hours=9)), "date_modified_gmt": _iso(created),
            "date_paid_gmt": _iso(created), "discount_total": "0.00", "total": total, "customer_id": customer_id,
            "billing": {"first_name": first, "last_name": last, "email": email, "phone": phone},
            "line_items": [{"id": order_id * 10 + n, "name": f"상품 {n}", "product_id": 100 + n, "quantity": 1,
                            "subtotal": total, "total": total, "price": float(total.replace(",", ""))}
                           for n in range(items)],
            "coupon_lines": [],
        }
        self.orders[order_id] = order
        return order

    def touch(self, order_id: int, when: datetime, **changes: Any) -> None:
        self.orders[order_id].update(changes, date_modified_gmt=_iso(when))

    def handle(self, request: Request) -> Response:
        self.requests.append(dict(request.args))
        if self.delay:
            time.sleep(self.delay)
        auth = request.headers.get("Authorization", "")
        if auth != "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode():
            return Response(json.dumps({"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list "
                                        "resources.", "data": {"status": 401}}), 401, content_type="application/json")
        if self.failures:
            return self.failures.popleft()
        page = int(request.args.get("page", 1))
        if page in self.fail_on_page:
            return self.fail_on_page.pop(page)
        per_page = int(request.args.get("per_page", 10))
        found = sorted(self.orders.values(), key=lambda order: order["id"])
        since = request.args.get("modified_after")
        if since:
            assert request.args.get("dates_are_gmt") == "true"
            found = [order for order in found if order["date_modified_gmt"] > since]
        pages = max(1, -(-len(found) // per_page))
        body = found[(page - 1) * per_page : page * per_page]
        return Response(json.dumps(body, ensure_ascii=False), 200, content_type="application/json",
                        headers={"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)})
