"""The KPI report over 1,000,000 orders of 200,000 customers (issue 16).

- report_1m_orders_s: `engine.results.kpis.build_report` for a year (2025-03-01‥2026-02-28) beside the year
  before, every KPI and the 12-month cohort table (the best of three warm runs, as a UI refresh would be);
- report_1m_orders_s_floor: the same figures by hand-written SQL in bare sqlite3 on the same file, in this
  run (the bench checks that both give the same figures); report_1m_orders_ratio = the two divided;
- report_cli_1m_orders_s: `python main.py report --json` on it, a real process (imports and all);
- report_1m_orders_cpu_s and …_cpu_s_floor: the CPU seconds of the two (SQLite runs in this process), which
  other programs on a busy machine do not inflate as they do the wall-clock figures.

The database is built once (bare sqlite3 bulk inserts, see results_setup.py) and cached in the temp folder.
`DANGOL_BENCH_SCALE=0.1 python bench/run.py results` runs a tenth of the size.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import results_setup

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("DANGOL_BENCH_SCALE", "1"))
ORDERS = int(1_000_000 * SCALE)
CUSTOMERS = int(200_000 * SCALE)
FIRST, LAST = date(2025, 3, 1), date(2026, 2, 28)
SEOUL = ZoneInfo("Asia/Seoul")
COUNTED = "('paid', 'shipped', 'delivered', 'confirmed')"


def _engine(path: Path) -> tuple[float, float, dict]:
    from engine.results.kpis import Period, build_report
    from storage.db import open_database

    db = open_database(path)
    best, cpu, report = float("inf"), float("inf"), None
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        report = build_report(db, Period(FIRST, LAST))
        best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    db.close()
    assert report is not None
    return best, cpu, report.to_json()


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SEOUL)


def floor_figures(con: sqlite3.Connection) -> dict:
    """Every figure of the report (defaults: at risk 90, lapsed 365, VIP 300,000원 or 3 orders in 180 days)."""
    days = (LAST - FIRST).days + 1
    s, e = _midnight(FIRST), _midnight(LAST + timedelta(days=1))
    s0 = s - timedelta(days=days)
    lapse, year, vip = timedelta(days=365), timedelta(days=365), timedelta(days=180)
    month = [_midnight(date((LAST.year * 12 + LAST.month - 1 - k) // 12, (LAST.year * 12 + LAST.month - 1 - k) % 12 + 1,
                            1)) for k in range(11, -1, -1)]
    q = {name: _text(value) for name, value in (("s", s), ("e", e), ("s0", s0))}
    flags = ", ".join(f"max(case when +ordered_at >= '{_text(low)}' and +ordered_at < '{_text(high)}' then 1 else 0 end)"
                      f" as m{k}" for k, (low, high) in enumerate(zip(month, [*month[1:], e], strict=True)))
    per_customer = f"""
        select +customer_id as cid, min(ordered_at) as first_at, max(ordered_at) as last_at,
          sum(case when +ordered_at >= '{q['s']}' then 1 else 0 end) as p_n,
          sum(case when +ordered_at >= '{q['s']}' then amount else 0 end) as p_rev,
          sum(case when +ordered_at >= '{q['s0']}' and +ordered_at < '{q['s']}' then 1 else 0 end) as q_n,
          sum(case when +ordered_at >= '{q['s0']}' and +ordered_at < '{q['s']}' then amount else 0 end) as q_rev,
          max(case when +ordered_at >= '{q['s0']}' and +ordered_at < '{q['s']}' then ordered_at end) as q_last,
          max(case when +ordered_at < '{q['s0']}' then ordered_at end) as q_prev,
          sum(case when +ordered_at >= '{_text(e - vip)}' then amount else 0 end) as p_vs,
          sum(case when +ordered_at >= '{_text(e - vip)}' then 1 else 0 end) as p_vn,
          sum(case when +ordered_at >= '{_text(e - year)}' then 1 else 0 end) as p_ny,
          max(case when +ordered_at < '{_text(e - lapse)}' then ordered_at end) as p_ref,
          sum(case when +ordered_at >= '{_text(s - vip)}' and +ordered_at < '{q['s']}' then amount else 0 end) as q_vs,
          sum(case when +ordered_at >= '{_text(s - vip)}' and +ordered_at < '{q['s']}' then 1 else 0 end) as q_vn,
          sum(case when +ordered_at >= '{_text(s - year)}' and +ordered_at < '{q['s']}' then 1 else 0 end) as q_ny,
          max(case when +ordered_at < '{_text(s - lapse)}' then ordered_at end) as q_ref,
          {flags}
        from orders where status in {COUNTED} and +ordered_at < '{q['e']}' group by +customer_id"""
    buyers = con.execute("select count(*) from customer_stats where order_count > 0").fetchone()[0]
    # where the scores 2‥5 start (segments.rfm_cuts): above the m-th smallest figure, m = ceil((k - 1)·n / 5)
    below = [-(-(k - 1) * buyers // 5) for k in range(2, 6)]
    starts_f: list = []
    seen = 0
    for value, count in con.execute("select order_count, count(*) from customer_stats where order_count > 0"
                                    " group by order_count order by order_count"):
        while len(starts_f) < 4 and seen >= below[len(starts_f)]:
            starts_f.append(value)
        seen += count
    starts_r: list = []
    for m in below:
        mth = con.execute("select last_order_at from customer_stats where last_order_at is not null"
                          " order by last_order_at limit 1 offset ?", (m - 1,)).fetchone()[0]
        start = con.execute("select min(last_order_at) from customer_stats where last_order_at > ?",
                            (mth,)).fetchone()[0]
        if start is None:
            break
        starts_r.append(start)

    def score(column: str, starts: list) -> str:
        whens = " ".join(f"when {column} >= '{start}' then {k}" if isinstance(start, str) else
                         f"when {column} >= {start} then {k}" for k, start in reversed(list(enumerate(starts, 2))))
        return f"case when cs.order_count > 0 then case {whens} else 1 end end"

    def period(name: str, low: str, high: datetime, prev: str, last: str) -> str:
        member = "pc.cid is not null"
        bought = f"{member} and pc.{name}_n > 0"
        at_risk, lapsed = _text(datetime.fromisoformat(low).replace(tzinfo=UTC) - timedelta(days=90)), \
            _text(datetime.fromisoformat(low).replace(tzinfo=UTC) - lapse)
        return f"""
          sum(pc.{name}_n) as {name}_orders, sum(pc.{name}_rev) as {name}_revenue,
          sum(case when {bought} then 1 else 0 end) as {name}_buyers,
          sum(case when {bought} and (pc.{name}_n >= 2 or {prev} is not null) then 1 else 0 end) as {name}_repeat,
          sum(case when {bought} then julianday({last}) - julianday(coalesce({prev}, pc.first_at)) else 0 end)
            as {name}_gap_days,
          sum(case when {bought} then pc.{name}_n - (case when {prev} is null then 1 else 0 end) else 0 end)
            as {name}_gaps,
          sum(case when {bought} and (pc.{name}_vs >= 300000 or pc.{name}_vn >= 3) then pc.{name}_rev else 0 end)
            as {name}_vip,
          sum(case when {member} and pc.{name}_ref >= '{_text(high - 2 * lapse)}' then 1 else 0 end) as {name}_base,
          sum(case when {member} and pc.{name}_ref >= '{_text(high - 2 * lapse)}'
                   and {'pc.last_at' if name == 'p' else 'coalesce(pc.q_last, pc.q_prev)'} < '{_text(high - lapse)}'
                   then 1 else 0 end) as {name}_churned,
          sum(case when {member} then pc.{name}_ny else 0 end) as {name}_ny,
          sum(case when {member} and pc.{name}_ny > 0 then 1 else 0 end) as {name}_by,
          sum(case when {bought} and {prev} is null then pc.{name}_rev else 0 end) as {name}_new,
          sum(case when {bought} and {prev} > '{at_risk}' then pc.{name}_rev else 0 end) as {name}_active,
          sum(case when {bought} and {prev} <= '{at_risk}' and {prev} > '{lapsed}' then pc.{name}_rev else 0 end)
            as {name}_at_risk,
          sum(case when {bought} and {prev} <= '{lapsed}' then pc.{name}_rev else 0 end) as {name}_lapsed"""

    cohort = " ".join(f"when pc.cid is not null and pc.first_at >= '{_text(low)}' and pc.first_at < '{_text(high)}'"
                      f" then {k}" for k, (low, high) in enumerate(zip(month, [*month[1:], e], strict=True)))
    sums = ", ".join(f"sum(pc.m{k}) as m{k}" for k in range(12))
    sql = f"""
        with pc as ({per_customer})
        select {score('cs.last_order_at', starts_r)} as r, {score('cs.order_count', starts_f)} as f, c.grade,
          case {cohort} end as cohort, count(*) as customers,
          {period('p', q['s'], e, 'coalesce(pc.q_last, pc.q_prev)', 'pc.last_at')},
          {period('q', q['s0'], s, 'pc.q_prev', 'pc.q_last')}, {sums}
        from pc left join customers c on c.id = pc.cid left join customer_stats cs on cs.customer_id = pc.cid
        group by 1, 2, 3, 4"""
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor]
    total = {name: sum(row[name] or 0 for row in rows) for name in names if name.startswith(("p_", "q_", "m"))}
    sizes = [sum(row["customers"] for row in rows if row["cohort"] == k) for k in range(12)]
    return {"revenue": total["p_revenue"], "orders": total["p_orders"], "buyers": total["p_buyers"],
            "previous_revenue": total["q_revenue"], "churned": total["p_churned"], "gaps": total["p_gaps"],
            "vip_revenue": total["p_vip"], "cohort_sizes": sizes, "rfm_buyers": rfm_buyers(rows)}


def rfm_buyers(rows: list[dict]) -> dict[str, int]:
    """The period's buyers by named RFM group, from the floor's grouped rows (the groups are the app's table)."""
    from engine.customers.segments import rfm_group

    found: dict[str, int] = {}
    for row in rows:
        if row["r"] is not None and row["p_buyers"]:
            key = rfm_group(int(row["r"]), int(row["f"]))
            found[key] = found.get(key, 0) + int(row["p_buyers"])
    return found


def _floor(path: Path) -> tuple[float, float, dict]:
    con = sqlite3.connect(path)
    for pragma in ("cache_size=-65536", "mmap_size=268435456", "temp_store=MEMORY"):  # as the app's connections
        con.execute(f"PRAGMA {pragma}")
    best, cpu, figures = float("inf"), float("inf"), {}
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        figures = floor_figures(con)
        best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    con.close()
    return best, cpu, figures


def _cli(path: Path) -> float:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path), "report", "--from", str(FIRST),
                           "--to", str(LAST), "--json"], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return time.perf_counter() - start


def run() -> dict[str, float]:
    path = results_setup.database(ORDERS, CUSTOMERS)
    ours, ours_cpu, report = _engine(path)
    bare, bare_cpu, figures = _floor(path)
    current = report["current"]
    mine = {"revenue": current["revenue"], "orders": current["orders"], "buyers": current["buyers"],
            "previous_revenue": report["previous"]["revenue"], "churned": current["churned"], "gaps": current["gaps"],
            "vip_revenue": current["vip_revenue"], "cohort_sizes": report["cohorts"]["sizes"],
            "rfm_buyers": {key: value["buyers"] for key, value in current["by_rfm"].items() if value["buyers"]}}
    if mine != figures:
        raise RuntimeError(f"the report and the floor disagree: {mine} != {figures}")
    return {"report_1m_orders_s": round(ours, 2), "report_1m_orders_s_floor": round(bare, 2),
            "report_1m_orders_ratio": round(ours / bare, 2), "report_cli_1m_orders_s": round(_cli(path), 2),
            # CPU seconds of this process (SQLite runs in it): what the load of other programs does not inflate
            "report_1m_orders_cpu_s": round(ours_cpu, 2), "report_1m_orders_cpu_s_floor": round(bare_cpu, 2)}
