"""Shop API sync (issue 12): 10,000 changed orders from a local WooCommerce-shaped server, stats included.

- first_sync_10k_s: the first sync of a shop with 10,000 orders (3,000 members, guests), into an empty store.
- incremental_sync_10k_s: every one of those orders changed at the shop (a status change), synced again:
  100 pages of 100, each page with its cursor in one transaction, status events and customer stats
  written. Target ≤ 5 s.
- incremental_sync_calls: HTTP calls of that sync.

The server is a `ThreadingHTTPServer` on 127.0.0.1 answering as WooCommerce's REST API v3 does (the same
shapes as tests/sync/api/woo.py), so the figure is our client, parsing and writing, not the network.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ORDERS = 10_000
MEMBERS = 3_000
KEY, SECRET = "ck_bench", "cs_bench"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def _orders() -> dict[int, dict[str, Any]]:
    out = {}
    for n in range(1, ORDERS + 1):
        created = T0 + timedelta(minutes=7 * n)
        member = (n % (MEMBERS + 1000)) + 1
        guest = member > MEMBERS
        total = f"{10_000 + (n % 50) * 1_000}.00"
        out[n] = {
            "id": n, "number": str(n), "status": "processing", "currency": "KRW",
            "date_created_gmt": _iso(created), "date_modified_gmt": _iso(created), "date_paid_gmt": _iso(created),
            "discount_total": "0.00", "total": total, "customer_id": 0 if guest else member,
            "billing": {"first_name": "길동", "last_name": "홍", "email": f"c{member}@example.com",
                        "phone": f"010-{2000 + member // 10000:04d}-{member % 10000:04d}"},
            "line_items": [{"id": n * 10 + k, "name": f"상품 {n % 40 + k}", "product_id": 100 + k, "quantity": 1,
                            "subtotal": total, "total": str(int(float(total)) // 2), "price": float(total) / 2}
                           for k in range(2)],
            "coupon_lines": [],
        }
    return out


def _server(orders: dict[int, dict[str, Any]]) -> ThreadingHTTPServer:
    expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    ordered = [orders[key] for key in sorted(orders)]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.end_headers()
                return
            query = {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}
            since = query.get("modified_after")
            found = [order for order in ordered if not since or order["date_modified_gmt"] > since]
            per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
            body = json.dumps(found[(page - 1) * per_page : page * per_page], ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-WP-Total", str(len(found)))
            self.send_header("X-WP-TotalPages", str(max(1, -(-len(found) // per_page))))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run() -> dict[str, float]:
    saved = {key: os.environ.get(key) for key in ("DANGOL_HOME", "PYTHON_KEYRING_BACKEND")}
    try:
        return _run()
    finally:  # the other benchmarks of the same run see the environment as it was
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DANGOL_HOME"] = folder  # a keyring of the benchmark's own (a file), never the user's
        os.environ["PYTHON_KEYRING_BACKEND"] = "tests.file_keyring.Keyring"
        from engine.clock import FixedClock
        from engine.sync.api.run import connect, sync_source
        from storage.db import open_database

        orders = _orders()
        server = _server(orders)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        db = open_database(Path(folder) / "shop.db")
        now = T0 + timedelta(days=60)
        connect(db, "woocommerce", {"url": url, "consumer_key": KEY, "consumer_secret": SECRET}, now)
        start = time.perf_counter()
        first = sync_source(db, "woocommerce", FixedClock(now))
        first_s = time.perf_counter() - start
        assert first.status == "ok" and first.written.orders_created == ORDERS, first.to_json()
        later = now + timedelta(hours=1)
        for order in orders.values():  # every order shipped at the shop since the last sync
            order["status"] = "completed"
            order["date_modified_gmt"] = _iso(now + timedelta(minutes=30))
        start = time.perf_counter()
        second = sync_source(db, "woocommerce", FixedClock(later))
        incremental_s = time.perf_counter() - start
        assert second.status == "ok" and second.written.status_changes == ORDERS, second.to_json()
        server.shutdown()
        db.close()
    return {"first_sync_10k_s": round(first_s, 2), "incremental_sync_10k_s": round(incremental_s, 2),
            "incremental_sync_calls": second.calls}
