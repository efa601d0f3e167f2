"""Yes/no conditions: rules over a customer's facts, matched all or any."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Fields whose value is a set: `contains` asks membership.
SET_FIELDS = frozenset({"bought_category", "bought_product", "has_tag", "got_message_in_journey", "in_segment"})
# Facts that cost a query of their own; loaded only when a rule asks for them.
COSTLY = frozenset({"bought_category", "bought_product", "has_tag", "is_vip", "rfm_score", "customer_field",
                    "in_segment"})


def needed_facts(rules: Iterable[Mapping[str, Any]]) -> set[str]:
    return {str(rule.get("field")) for rule in rules}


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(str(value).replace(",", "").replace("원", ""))
    except ValueError:
        return None


def rule_holds(rule: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    field = str(rule.get("field"))
    op = str(rule.get("op", "eq"))
    wanted = rule.get("value")
    if field == "customer_field":
        actual = (facts.get("attributes") or {}).get(str(rule.get("name", "")))
    elif field in SET_FIELDS:
        members = facts.get(field) or set()
        if op in {"contains", "eq", "is_true"}:
            return str(wanted) in members
        if op in {"not_contains", "ne", "is_false"}:
            return str(wanted) not in members
        return False
    else:
        actual = facts.get(field)
    if op == "is_true":
        return bool(actual)
    if op == "is_false":
        return not actual
    if op in {"gt", "gte", "lt", "lte"}:
        left, right = _number(actual), _number(wanted)
        if left is None or right is None:
            return False  # an unknown figure never satisfies a comparison
        return {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op]
    if op in {"contains", "not_contains"}:
        found = str(wanted) in str(actual or "")
        return found if op == "contains" else not found
    left_num, right_num = _number(actual), _number(wanted)
    same = left_num == right_num if left_num is not None and right_num is not None else str(actual) == str(wanted)
    if isinstance(actual, bool) or isinstance(wanted, bool):
        same = bool(actual) == (str(wanted).lower() in {"true", "1", "yes"} if isinstance(wanted, str) else bool(wanted))
    return same if op == "eq" else not same


def condition_holds(params: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    rules = list(params.get("rules") or [])
    if not rules:
        return True
    results = (rule_holds(rule, facts) for rule in rules)
    return any(results) if params.get("match") == "any" else all(results)
