"""The KPI report as a text table (Korean or English) and as CSV rows (safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from typing import Any, TextIO

from engine.customers.segments import LIFECYCLE, RFM_GROUP_LABELS, RFM_GROUPS
from engine.results.kpis import FIGURES, LIFECYCLE_LABELS, Change, Figure, Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """A text cell a spreadsheet would read as a formula gets a leading `'`; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def show(value: Any, unit: str, lang: str) -> str:
    if value is None:
        return "—"
    if unit == "won":
        return f"{int(value):,}원" if lang == "ko" else f"₩{int(value):,}"
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:.1f}일" if lang == "ko" else f"{value:.1f} days"
    if unit == "times":
        return f"{value:.2f}회" if lang == "ko" else f"{value:.2f}"
    if unit == "years":
        return f"{value:.2f}년" if lang == "ko" else f"{value:.2f} years"
    return f"{int(value):,}"


def show_change(change: Change) -> str:
    percent = change.percent
    if not change.arrow:
        return "=" if change.current == change.previous and change.current is not None else ""
    return change.arrow + (f" {abs(percent):.1f}%" if percent is not None else "")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(_width(row[col]) for row in rows) for col in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for col, text in enumerate(row):
            pad = " " * (widths[col] - _width(text))
            cells.append(pad + text if col in right else text + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


def _words(lang: str) -> dict[str, str]:
    ko = lang == "ko"
    return {
        "title": "단골여정 리포트" if ko else "Dangol report",
        "before": "이전 기간" if ko else "period before",
        "figure": "지표" if ko else "Figure",
        "now": "이번 기간" if ko else "This period",
        "then": "이전 기간" if ko else "Period before",
        "change": "변화" if ko else "Change",
        "clv": ("CLV = 객단가 {aov} × 연간 구매 {freq} × 유지 {years}" if ko
                else "CLV = AOV {aov} × purchases a year {freq} × years retained {years}"),
        "lifecycle": "기간 시작 시점 고객 단계별 매출" if ko else "Revenue by lifecycle stage at the period's start",
        "rfm": "RFM 그룹별 매출 (오늘 기준)" if ko else "Revenue by RFM group (as of today)",
        "tier": "회원 등급별 매출" if ko else "Revenue by member grade",
        "no_tier": ("회원 등급별 매출: 등급이 있는 고객이 없어 표시하지 않음" if ko
                    else "Revenue by member grade: no customer has a grade, so none is shown"),
        "group": "그룹" if ko else "Group",
        "buyers": "구매 고객" if ko else "Buyers",
        "revenue": "매출" if ko else "Revenue",
        "none": "(없음)" if ko else "(none)",
        "cohorts": ("월별 코호트 재구매율 (첫 구매 월 × 경과 월, %)" if ko
                    else "Monthly cohort retention (first-order month × months after, %)"),
        "cohort": "첫 구매 월" if ko else "First order",
        "size": "고객" if ko else "Customers",
        "days": "일" if ko else " days",
        "guest": "비회원 주문 매출" if ko else "Revenue from unmatched guest orders",
    }


def text_report(report: Report, lang: str) -> str:
    words = _words(lang)
    now, then = report.current, report.previous
    lines = [f"{words['title']}  {now.period.first_day} ~ {now.period.last_day} ({now.period.days}{words['days']})"
             f"  ·  {words['before']} {then.period.first_day} ~ {then.period.last_day}", ""]
    rows = [[words["figure"], words["now"], words["then"], words["change"]]]
    for figure in FIGURES:
        change = report.change(figure.key)
        rows.append([figure.label(lang), show(change.current, figure.unit, lang),
                     show(change.previous, figure.unit, lang), show_change(change)])
    lines += _table(rows, {1, 2})
    lines.append("")
    lines.append(words["clv"].format(aov=show(now.aov, "won", lang), freq=show(now.purchases_per_year, "times", lang),
                                     years=show(now.years_retained, "years", lang)))
    if now.guest_revenue or then.guest_revenue:
        lines.append(f"{words['guest']}: {show(now.guest_revenue, 'won', lang)} / {show(then.guest_revenue, 'won', lang)}")
    for title, split_now, split_then, labels in _splits(report, lang):
        lines += ["", title]
        rows = [[words["group"], words["buyers"], words["revenue"], words["then"], words["change"]]]
        for key, label in labels:
            current, previous = split_now.get(key, {}), split_then.get(key, {})
            change = Change(current.get("revenue", 0), previous.get("revenue", 0))
            rows.append([label, f"{current.get('buyers', 0):,}", show(change.current, "won", lang),
                         show(change.previous, "won", lang), show_change(change)])
        lines += _table(rows, {1, 2, 3})
    if now.by_tier is None and then.by_tier is None:
        lines += ["", words["no_tier"]]
    table = report.cohorts
    lines += ["", words["cohorts"]]
    rows = [[words["cohort"], words["size"], *(f"+{k}" for k in range(len(table.months)))]]
    for index, month in enumerate(table.months):
        rates = table.rates()[index]
        rows.append([month, f"{table.sizes[index]:,}",
                     *("—" if rate is None else f"{rate * 100:.0f}" for rate in rates),
                     *([""] * (len(table.months) - len(rates)))])
    lines += _table(rows, set(range(1, len(table.months) + 2)))
    return "\n".join(lines)


def _splits(report: Report, lang: str) -> list[tuple[str, dict[str, Any], dict[str, Any], list[tuple[str, str]]]]:
    words = _words(lang)
    index = 0 if lang == "ko" else 1
    now, then = report.current, report.previous
    splits = [
        (words["lifecycle"], now.by_lifecycle, then.by_lifecycle,
         [(stage, LIFECYCLE_LABELS[stage][index]) for stage in LIFECYCLE]),
        (words["rfm"], now.by_rfm, then.by_rfm,
         [(key, RFM_GROUP_LABELS[key][index]) for key, *_ in RFM_GROUPS] + [("none", words["none"])]),
    ]
    if now.by_tier is not None or then.by_tier is not None:
        tiers = [*sorted((set(now.by_tier or {}) | set(then.by_tier or {})) - {"none"}), "none"]
        splits.append((words["tier"], now.by_tier or {}, then.by_tier or {},
                       [(tier, words["none"] if tier == "none" else tier) for tier in tiers]))
    return splits


def csv_rows(report: Report, lang: str) -> list[list[Any]]:
    """section, key, label, this period, period before, change %, arrow; then the cohort table. Neutralised."""
    words = _words(lang)
    rows: list[list[Any]] = [["section", "key", "label", "current", "previous", "change_percent", "arrow"]]
    now, then = report.current, report.previous
    rows.append(["period", "from", "", str(now.period.first_day), str(then.period.first_day), "", ""])
    rows.append(["period", "to", "", str(now.period.last_day), str(then.period.last_day), "", ""])
    extra = [Figure("guest_revenue", "", "", "won", "", ""), Figure("vip_revenue", "", "", "won", "", "")]
    for figure in (*FIGURES, *extra):
        change = report.change(figure.key)
        rows.append(["kpi", figure.key, figure.label(lang) or figure.key, change.current, change.previous,
                     change.percent, change.arrow])
    for (_title, split_now, split_then, labels), section in zip(_splits(report, lang), ("lifecycle", "rfm", "tier"),
                                                               strict=False):
        for key, label in labels:
            current, previous = split_now.get(key, {}), split_then.get(key, {})
            change = Change(current.get("revenue", 0), previous.get("revenue", 0))
            rows.append([f"{section}_revenue", key, label, change.current, change.previous, change.percent,
                         change.arrow])
            rows.append([f"{section}_buyers", key, label, current.get("buyers", 0), previous.get("buyers", 0), "", ""])
    table = report.cohorts
    rows.append([])
    rows.append(["cohort", words["size"], *(f"+{k}" for k in range(len(table.months)))])
    for index, month in enumerate(table.months):
        rows.append([month, table.sizes[index], *table.rates()[index]])
    return [[neutralise(cell) for cell in row] for row in rows]


def write_csv(stream: TextIO, report: Report, lang: str, extra: Iterable[list[list[Any]]] = ()) -> None:
    """The report's CSV (`csv_rows`), then each table of `extra` after a blank line; every cell neutralised."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerows(csv_rows(report, lang))
    for table in extra:
        writer.writerow([])
        writer.writerows([[neutralise(cell) for cell in row] for row in table])
