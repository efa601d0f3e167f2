"""One bad message text must not stop the shop: it is refused before publishing, a render is bounded in time
and size, and a text that still fails at run time fails that customer at that node while every other
customer and journey goes on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.journey import Journey, ValidationContext, validate
from engine.messaging.render import Renderer, RenderError
from engine.runtime.stats import failures, journey_numbers
from engine.timeline import timeline
from storage.db import open_database
from storage.models import Enrollment, OutboxMessage, StepLog
from tests.conftest import ROOT
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build

SHOP = ValidationContext({"name": "단골상회", "contact": "02-123-4567", "optout_number": "080-123-4567"})
GOOD = {"is_ad": False, "body": "{{ customer.first_name }}님, 가입을 환영합니다.", "lateness": "send_late"}

LOOPS = "".join(f"{{% for v{i} in customer.name * 5 %}}" for i in range(8)) + "x" + "{% endfor %}" * 8
POISON = {
    "missing attribute": "{{ customer.name.nope }}",
    "class of a text": "{{ ''.__class__ }}",
    "attr filter": "{{ customer|attr('__class__') }}",
    "class through set": "{% set x = customer %}{{ x.__class__ }}",
    "division by zero": "{{ 100 // customer.order_count }}",
    "attribute a variable lacks": "{{ shop.owner }}",
    "huge repetition": "{{ 'x' * 10**9 }}",
    "name repeated": "{{ customer.name * 100000000 }}",
    "eight nested loops": LOOPS,
    "doubling": "{% set x = 'aaaaaaaaaa' %}" + "{% set x = x ~ x %}" * 40 + "{{ x }}",
    "recursive macro": "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    "huge width": "{{ '%999999999d' % 1 }}",
    "padding method": "{{ customer.name.ljust(1000000000) }}",
    "format method": "{{ '{:>999999999}'.format(1) }}",
    "huge power": "{{ 9**9**9 }}",
    "over the LMS size": "가" * 1001,
}


def journey_with(body: str, kind: str = "message.sms") -> Journey:
    journey = Journey(name="독")
    journey.add_node("trigger.signed_up", node_id="t")
    journey.add_node(kind, {"body": body, "subject": "안내"}, node_id="m")
    journey.connect("t", "out", "m")
    return journey


@pytest.mark.parametrize("body", POISON.values(), ids=POISON.keys())
def test_validation_refuses_each_poison_text_quickly(body: str) -> None:
    started = time.perf_counter()
    issues = validate(journey_with(body), SHOP)
    assert time.perf_counter() - started < 2
    errors = [issue for issue in issues if issue.is_error and issue.node_id == "m"]
    assert errors, f"accepted: {body[:60]}"
    assert all("{" not in issue.message("ko") and issue.message("en") for issue in errors)


def test_a_kakao_text_over_its_limit_is_refused() -> None:
    issues = validate(journey_with("안내 " * 400, kind="message.kakao"), SHOP)
    failed = [issue for issue in issues if issue.code == "render_failed"]
    assert failed and failed[0].params["code"] == "too_long"
    assert "1,000" in failed[0].message("ko")


def test_a_text_that_fails_only_for_an_empty_customer_names_that_customer() -> None:
    issue = next(i for i in validate(journey_with("{{ 1000 // customer.order_count }}"), SHOP)
                 if i.code == "render_failed")
    assert issue.params["sample"] == "빈 고객"
    assert "빈 고객" in issue.message("ko") and "every field empty" in issue.message("en")


@pytest.mark.parametrize("body", [POISON[name] for name in ("huge repetition", "name repeated", "eight nested loops",
                                                             "doubling", "recursive macro", "huge width",
                                                             "huge power")])
def test_a_render_is_bounded_in_time_and_memory(body: str) -> None:
    variables = {"customer": {"name": "김민지" * 30, "order_count": 3}, "shop": {"name": "단골"}}
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(RenderError) as caught:
        Renderer().render(body, variables)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert caught.value.code in {"too_big", "too_slow", "unsafe_template"}
    assert seconds < 1.5
    assert peak < 64 * 2**20


def test_the_usual_texts_still_render() -> None:
    variables = {"customer": {"name": "김민지", "first_name": "민지", "total_spent": 352000},
                 "shop": {"name": "단골상회"}, "order": {"items": [{"name": "토너"}, {"name": "크림"}]}}
    text = ("{{ customer.first_name }}님, {{ shop.name|josa('에서') }} {{ customer.total_spent|won }} 구매 "
            "{% for item in order.items %}{{ item.name }}{% if not loop.last %}, {% endif %}{% endfor %} "
            "{{ order.items|length }}개 {{ customer.name|replace('김', '이') }} {{ customer.name ~ '님' }}")
    assert Renderer().render(text, variables) == "민지님, 단골상회에서 352,000원 구매 토너, 크림 2개 이민지 김민지님"


# --- at run time: the poison journey beside a healthy one ------------------------------------------------

def force_publish(shop: Shop, monkeypatch: pytest.MonkeyPatch, body: str, name: str) -> str:
    """A journey published by an older release whose validation let this text through."""
    monkeypatch.setattr("engine.runtime.publish.validate", lambda *args, **kwargs: [])
    try:
        return build(shop, [("message.sms", {**GOOD, "body": body})], name=name)
    finally:
        monkeypatch.undo()


def signups(shop: Shop, count: int = 12) -> list[int]:
    return [shop.signup(f"2026-03-02 10:{minute:02d}", name=f"김고객{minute}") for minute in range(1, count + 1)]


def healthy_messages(shop: Shop, journey_id: str) -> list[tuple[Any, ...]]:
    with shop.db.session() as session:
        return [tuple(row) for row in session.execute(
            select(OutboxMessage.customer_id, OutboxMessage.node_id, OutboxMessage.body, OutboxMessage.status)
            .where(OutboxMessage.journey_id == journey_id).order_by(OutboxMessage.customer_id))]


def test_a_poison_journey_fails_its_customers_and_the_healthy_one_sends_as_alone(
        demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = []
    for poisoned in (False, True):
        folder = tmp_path / ("poisoned" if poisoned else "alone")
        folder.mkdir()
        (folder / "shop.db").write_bytes(demo_template.read_bytes())
        shop = Shop(open_database(folder / "shop.db"), folder)
        healthy = build(shop, [("message.sms", GOOD)], name="환영")
        poison = force_publish(shop, monkeypatch, "{{ customer.name.nope }} 안녕", "독") if poisoned else None
        customers = signups(shop)
        summary = shop.run("2026-03-02 11:00")
        results.append(healthy_messages(shop, healthy))
        if poison is None:
            continue
        assert summary["render_failed"] == len(customers)
        with shop.db.session() as session:
            stuck = session.execute(select(Enrollment.status, Enrollment.node_id, Enrollment.end_reason)
                                    .where(Enrollment.journey_id == poison)).all()
            assert sorted(set(stuck)) == [("failed", "s0", "render_error")] and len(stuck) == len(customers)
            assert not session.scalars(select(OutboxMessage).where(OutboxMessage.journey_id == poison)).all()
            log = session.scalars(select(StepLog).where(StepLog.journey_id == poison, StepLog.event == "failed")).first()
            assert log.detail["code"] == "unknown_variable" and "nope" in log.detail["error"]
            story = [entry for entry in timeline(session, customers[0]) if entry.event == "failed"]
            assert story and "메시지 문장에 오류" in story[0].text(ZoneInfo("Asia/Seoul"), "ko")
            assert journey_numbers(session, poison).nodes["s0"].failed == {"render_error": len(customers)}
            notice = failures(session)
            assert [(f.journey, f.node_id, f.customers) for f in notice] == [("독", "s0", len(customers))]
        # the next pass has nothing left to fail: no "tick failed" loop
        assert shop.run("2026-03-02 11:05")["render_failed"] == 0
    alone, beside = results
    assert alone and beside == alone
    assert all(status == "sent" for *_, status in alone)


def test_under_the_real_runner_the_healthy_journey_keeps_sending(
        demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shop.db").write_bytes(demo_template.read_bytes())
    shop = Shop(open_database(tmp_path / "shop.db"), tmp_path)
    healthy = build(shop, [("message.sms", GOOD)], name="환영")
    for index, body in enumerate((POISON["missing attribute"], POISON["huge repetition"], POISON["recursive macro"])):
        force_publish(shop, monkeypatch, body, f"독{index}")
    customers = signups(shop, 6)
    shop.db.close()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "shop.db"), "--now",
                           "2026-03-02T11:00", "runner", "--max-ticks", "1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=90, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    db = open_database(tmp_path / "shop.db")
    with db.session() as session:
        sent = session.scalars(select(OutboxMessage.customer_id).where(OutboxMessage.journey_id == healthy,
                                                                      OutboxMessage.status == "sent")).all()
        assert sorted(sent) == sorted(customers)
        failed = session.scalars(select(Enrollment.end_reason).where(Enrollment.journey_id != healthy)).all()
        assert failed == ["render_error"] * (3 * len(customers))
    db.close()
