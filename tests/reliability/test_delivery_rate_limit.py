"""A provider's rate limit, respected by the dispatcher: a fake NHN Cloud answering in 300 ms and refusing
(429) past 10 requests a second gets ≥ 95 % of its limit (several requests in flight) and never a 429;
a bulk channel's requests carry up to its own `many_max` (1,000 for NHN), grouped by what can share one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

import main
from engine import config
from engine.delivery.adapters import nhn
from storage.models import OutboxMessage
from tests.reliability.fake_nhn import FakeNhn
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FakeNhn]]:
    made: list[FakeNhn] = []
    yield made
    for fake in made:
        fake.stop()


def nhn_engine(shop: Shop, fake: FakeNhn, monkeypatch: pytest.MonkeyPatch) -> Any:
    from engine.runtime.run import Engine

    monkeypatch.setattr(nhn, "SMS_URL", fake.url)
    with shop.db.session() as session:
        config.set_values(session, {"sms.provider": "nhn", "sms.nhn_app_key": "app", "sms.nhn_secret_key": "secret",
                                    "sms.sender": "02-1234-5678"})
    channels = main._channels(shop.db, shop.clock)
    shop.engine = Engine(shop.db, channels)
    return channels["sms"]


def statuses(shop: Shop) -> dict[str, int]:
    with shop.db.session() as session:
        return dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def test_a_10_per_second_provider_with_300ms_answers_gets_95_percent_of_its_limit_and_no_429(
        shop: Shop, fakes: list[FakeNhn], monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeNhn(latency=0.3, limit=10)
    fakes.append(fake)
    build(shop, [("message.sms", {"is_ad": False, "body": "{{ customer.name }}님, 주문 안내입니다.",
                                  "lateness": "send_late"})])
    for _ in range(30):
        shop.signup("2026-03-02 09:59")
    channel = nhn_engine(shop, fake, monkeypatch)
    channel.rate_per_s = 10  # the provider's documented limit, on the adapter
    started = time.monotonic()
    assert shop.run("2026-03-02 10:00")["sent"] == 30
    elapsed = time.monotonic() - started
    assert fake.refused_429 == 0 and fake.busiest_second() <= 10
    assert fake.requests == 30, (fake.requests, fake.recipients)  # each body is personal: one request each
    assert fake.max_inflight >= 3  # 10/s at 300 ms needs three in flight
    assert fake.rate() >= 9.5, fake.rate()
    assert elapsed < 30 / 9.5 + 1.5
    assert statuses(shop) == {"sent": 30}


def test_without_a_declared_limit_requests_still_overlap_and_all_are_recorded_once(
        shop: Shop, fakes: list[FakeNhn], monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeNhn(latency=0.2)
    fakes.append(fake)
    build(shop, [("message.sms", {"is_ad": False, "body": "{{ customer.name }}님, 안내입니다.", "lateness": "send_late"})])
    for _ in range(12):
        shop.signup("2026-03-02 09:59")
    nhn_engine(shop, fake, monkeypatch)
    started = time.monotonic()
    assert shop.run("2026-03-02 10:00")["sent"] == 12
    assert time.monotonic() - started < 12 * 0.2 * 0.6  # four at a time, not one after another
    assert fake.max_inflight >= 3 and fake.requests == 12 and statuses(shop) == {"sent": 12}
    assert shop.run("2026-03-02 10:05")["sent"] == 0 and fake.requests == 12  # nothing twice


def test_a_broadcast_goes_1000_recipients_a_request(shop: Shop, fakes: list[FakeNhn],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeNhn()
    fakes.append(fake)
    build(shop, [("message.sms", {"is_ad": False, "body": "이번 주 배송은 금요일에 출발합니다.", "lateness": "send_late"})])
    for _ in range(1200):
        shop.signup("2026-03-02 09:59")
    nhn_engine(shop, fake, monkeypatch)
    assert shop.run("2026-03-02 10:00")["sent"] == 1200
    assert fake.requests == 2 and fake.recipients == 1200  # 1,000 + 200, not 12 of 100
    assert statuses(shop) == {"sent": 1200}
