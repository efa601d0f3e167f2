"""Property: whatever message text validation accepts renders, within its limits, for every customer of the
shop; whatever cannot render is refused before publishing.

Texts come from a small grammar of Jinja constructs, filters and variables, good and bad mixed (typos,
Python insides, filters that are not offered, huge repetitions, loops, sets)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.customers.segments import thresholds
from engine.journey import Journey, validate
from engine.journey_store import validation_context
from engine.messaging.adlaw import ShopInfo
from engine.messaging.compose import compose
from engine.messaging.render import LIMITS, Renderer, RenderError
from engine.messaging.samples import empty_sample
from engine.messaging.variables import message_variables
from engine.runtime.facts import load_facts
from storage.db import open_database
from storage.models import Customer

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SHOP = {"name": "단골상회", "contact": "02-123-4567", "optout_number": "080-123-4567", "email": "", "url": ""}

GOOD_VARIABLES = ["customer.name", "customer.first_name", "customer.total_spent", "customer.order_count",
                  "customer.last_order_at", "customer.email", "customer.phone", "shop.name", "shop.url",
                  "coupon.code", "coupon.discount", "recommended.product"]
BAD_VARIABLES = ["customer.nope", "customer.name.nope", "customer.__class__", "shop.owner", "range",
                 "customer['_x']"]
GOOD_FILTERS = ["", "", "", "|won", "|josa('을/를')", "|first_name", "|upper", "|length", "|default('고객')",
                "|string", "|trim", "|truncate(10)", "|replace('김', '이')"]
BAD_FILTERS = ["|center(1000000)", "|attr('__class__')", "|random", "|wordwrap(5)", "|shout"]


def mostly(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """Good names most of the time (so that many texts pass and are rendered), bad ones now and then."""
    return st.integers(0, 7).flatmap(lambda pick: st.sampled_from(bad if pick == 0 else good))


VARIABLES = mostly(GOOD_VARIABLES, BAD_VARIABLES)
FILTERS = mostly(GOOD_FILTERS, BAD_FILTERS)
NUMBERS = mostly(["2", "3", "10", "1000"], ["10**9", "0"])


@st.composite
def expressions(draw: st.DrawFn) -> str:
    base = draw(VARIABLES) + draw(FILTERS)
    shape = draw(mostly(["plain", "plain", "concat", "method"], ["times", "plus", "div", "index", "power"]))
    number = draw(NUMBERS)
    return {
        "plain": base,
        "times": f"{base} * {number}",
        "plus": f"{base} + {draw(VARIABLES)}",
        "concat": f"{base} ~ {draw(VARIABLES)}",
        "div": f"{number} // {draw(VARIABLES)}",
        "method": f"{base}.{draw(mostly(['upper()', 'strip()'], ['ljust(100000000)', 'format(1)']))}",
        "index": f"{base}[0]",
        "power": f"{number} ** {number}",
    }[shape]


def texts() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from(["안녕하세요 ", "님, ", "쿠폰: ", "\n"]),
        expressions().map(lambda expr: "{{ " + expr + " }}"),
    )

    def wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        shapes = [
            st.lists(children, min_size=1, max_size=4).map("".join),
            st.tuples(expressions(), children).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}"),
            st.tuples(expressions(), children).map(lambda t: f"{{% for x in {t[0]} %}}{t[1]}{{{{ x }}}}{{% endfor %}}"),
            st.tuples(expressions(), children).map(lambda t: f"{{% set v = {t[0]} %}}{t[1]}{{{{ v }}}}"),
            children.map(lambda c: f"{{% macro m() %}}{c}{{% endmacro %}}{{{{ m() }}}}"),  # refused: now and then
        ]
        return st.integers(0, 12).flatmap(lambda pick: shapes[min(pick, 3) if pick else 4])

    return st.recursive(leaf, wrap, max_leaves=8)


@pytest.fixture(scope="module")
def shop_customers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[dict[str, Any]]]:
    """The demo shop's customers as the runner sees them, and the validation context of that shop."""
    from tests.runtime.shop import demo_shop

    db = open_database(tmp_path_factory.mktemp("property") / "shop.db")
    demo_shop(db, customers=120)
    with db.session() as session:
        from engine import config

        for key, value in SHOP.items():
            if value:
                config.set_value(session, f"shop.{key}", value)
    with db.session() as session:
        context = validation_context(session, NOW)
        ids = list(session.scalars(Customer.__table__.select().with_only_columns(Customer.id)))
        facts = load_facts(session, ids, NOW, thresholds(session))
    db.close()
    return context, [*facts.values(), empty_sample(NOW).customer]


def coupon_journey(body: str) -> Journey:
    """Sign-up → coupon → an email with `body`: every variable of the catalogue but order and cart is there."""
    journey = Journey(name="속성")
    journey.add_node("trigger.signed_up", node_id="t")
    journey.add_node("action.coupon", {"code_prefix": "HI"}, node_id="c")
    journey.add_node("message.email", {"subject": "안내", "body": body}, node_id="m")
    journey.connect("t", "out", "c")
    journey.connect("c", "out", "m")
    return journey


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(body=texts())
def test_what_validation_accepts_renders_for_every_customer(shop_customers: Any, body: str) -> None:
    context, customers = shop_customers
    journey = coupon_journey(body)
    started = time.perf_counter()
    errors = [issue for issue in validate(journey, context) if issue.is_error]
    assert time.perf_counter() - started < 3, "validation itself must stay quick"
    if errors:
        return  # refused before publishing: nobody gets it
    shop = ShopInfo(**{key: str(context.shop_settings.get(key) or "") for key in SHOP})  # as the runner reads it
    renderer = Renderer()
    data = empty_sample(NOW).data | {"coupon": {"code": "HI-1", "discount_type": "percent", "amount": 10,
                                                "expires_at": NOW.isoformat()}}
    for customer in customers:
        variables = message_variables(dict(customer), shop, data, ZoneInfo("Asia/Seoul"))
        began = time.perf_counter()
        try:
            message = compose("email", {"subject": "안내", "body": body}, variables, shop, renderer)
        except RenderError as exc:  # pragma: no cover - the property's counterexample
            raise AssertionError(f"accepted but fails for customer {customer.get('id')}: {exc}") from None
        assert time.perf_counter() - began < LIMITS.max_seconds
        assert len(message.body) <= LIMITS.max_chars


def test_the_grammar_makes_both_kinds(shop_customers: Any) -> None:
    """The property above is only worth something if the grammar yields texts validation accepts and texts
    it refuses."""
    context, _ = shop_customers
    verdicts = set()
    for body in ("{{ customer.first_name }}님 {{ coupon.code }}", "{{ customer.name.nope }}"):
        verdicts.add(any(issue.is_error for issue in validate(coupon_journey(body), context)))
    assert verdicts == {True, False}
