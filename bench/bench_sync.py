"""Importing a shop's export file: `python main.py import` on a 1,000,000-line Cafe24-style CSV in CP949.

- import_1m_rows_s: the whole import into an empty database (a real process: parse, write, stats), with
  import_rss_mb its peak memory;
- import_1m_rows_s_floor: the same lines parsed with the `csv` module and written by bare
  `sqlite3.executemany` into the same tables (customers, orders, order_items, shop_events), in this run;
- reimport_same_file_s: the same file again (reimport_changed: rows it changed, which must be 0).

`DANGOL_BENCH_SCALE=0.1 python bench/run.py sync` runs a tenth of the size.
"""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("DANGOL_BENCH_SCALE", "1"))
LINES = int(1_000_000 * SCALE)
CUSTOMERS = max(10, LINES // 10)
HEADER = ["주문번호", "품목별 주문번호", "주문일시", "결제일시(입금확인일)", "주문 상태", "주문자ID", "주문자명",
          "주문자 이메일", "주문자 휴대전화", "상품명(한국어 쇼핑몰)", "상품옵션", "상품코드", "수량", "판매가",
          "메인카테고리 이름", "총 주문금액(KRW)", "총 결제금액(KRW)"]
STATUSES = ["배송완료", "배송중", "구매확정", "상품준비중", "취소완료", "반품완료"]


def make_file(path: Path) -> None:
    """Orders of one to three lines, 100,000 members (at full size), 500 products, a year of dates."""
    randomness = random.Random(1)
    products = [f"상품{i} 세트" for i in range(500)]
    with open(path, "w", encoding="cp949", newline="") as out:
        out.write(",".join(HEADER) + "\r\n")
        line = order = 0
        while line < LINES:
            order += 1
            count = randomness.choice((1, 1, 2, 3))
            member = randomness.randrange(CUSTOMERS)
            when = f"2025-{1 + order % 12:02d}-{1 + order % 28:02d} {order % 24:02d}:{order % 60:02d}:{order % 59:02d}"
            status = randomness.choice(STATUSES)
            for item in range(count):
                if line >= LINES:
                    break
                line += 1
                product = randomness.randrange(500)
                price = (product + 1) * 1000
                out.write(f"2025{order:010d},2025{order:010d}-{item + 1:02d},{when},{when},{status},user{member},"
                          f"고객{member},user{member}@example.com,010-{1000 + member // 10000:04d}-{member % 10000:04d},"
                          f"{products[product]},색상=빨강,P{product:05d},1,\"{price:,}\",카테고리{product % 20},"
                          f"\"{price * count:,}원\",{price * count}.00\r\n")


def _timed_import(database: Path, file: Path, home: str) -> tuple[float, float, dict]:
    """A real `main.py import` process: seconds, peak RSS (MB) and its JSON summary."""
    env = {**os.environ, "DANGOL_HOME": home, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(database), "--now",
                                "2026-03-02T12:00", "import", str(file)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    peak = [0.0]

    def watch() -> None:
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                peak[0] = max(peak[0], watched.memory_info().rss / 2**20)
            except psutil.Error:
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    watcher.join()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"import failed: {err.strip()}")
    return seconds, peak[0], json.loads(out)


def floor(database: Path, file: Path) -> float:
    """The same lines read with `csv` and written by bare sqlite3 into the same tables, one transaction."""
    from storage.db import open_database

    open_database(database).close()  # the same schema, migrated
    start = time.perf_counter()
    customers: dict[str, int] = {}
    orders: dict[str, int] = {}
    customer_rows, order_rows, item_rows, event_rows = [], [], [], []
    with open(file, encoding="cp949", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            member = row[5]
            customer_id = customers.get(member)
            if customer_id is None:
                customer_id = customers[member] = len(customers) + 1
                customer_rows.append((customer_id, "cafe24", member, row[6], row[7], "+82" + row[8].replace("-", "")[1:]))
            order_id = orders.get(row[0])
            if order_id is None:
                order_id = orders[row[0]] = len(orders) + 1
                at = row[2] + ".000000"
                order_rows.append((order_id, "cafe24", row[0], customer_id, row[4],
                                   int(row[16].split(".")[0]), at, at))
                event_rows.append(("order_placed", customer_id, at, row[0], "{}"))
            item_rows.append((order_id, row[1], row[9], row[10], row[14], int(row[12]),
                              int(row[13].replace(",", "")), int(row[13].replace(",", ""))))
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO customers (id, source, external_id, name, email, phone, is_guest, attributes,"
                           " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, '{}', '2026-03-02 03:00:00.000000',"
                           " '2026-03-02 03:00:00.000000')", customer_rows)
    connection.executemany("INSERT INTO orders (id, source, external_id, customer_id, status, amount, discount,"
                           " ordered_at, paid_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?,"
                           " '2026-03-02 03:00:00.000000', '2026-03-02 03:00:00.000000')", order_rows)
    connection.executemany("INSERT INTO order_items (order_id, external_id, product_name, option, category, quantity,"
                           " unit_price, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", item_rows)
    connection.executemany("INSERT INTO shop_events (kind, customer_id, occurred_at, ref, payload, recorded_at)"
                           " VALUES (?, ?, ?, ?, ?, '2026-03-02 03:00:00.000000')", event_rows)
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - start


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file = folder / "orders.csv"
        make_file(file)
        first, rss, _ = _timed_import(folder / "shop.db", file, tmp)
        again, _, summary = _timed_import(folder / "shop.db", file, tmp)
        written = summary["written"]
        changed = (written["orders_created"] + written["orders_updated"] + written["customers_created"]
                   + written["customers_updated"] + written["events"])
        bare = floor(folder / "floor.db", file)
    import bench_apisync  # the API sync figures (incremental_sync_10k_s …) belong to this benchmark too

    return {"import_1m_rows_s": round(first, 1), "import_1m_rows_s_floor": round(bare, 1),
            "import_1m_rows_ratio": round(first / bare, 1), "import_rss_mb": round(rss, 1),
            "reimport_same_file_s": round(again, 1), "reimport_changed": changed, **bench_apisync.run()}
