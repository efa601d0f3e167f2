"""The webhook channel against a real local HTTP server: sent, refused (4xx), retried (5xx, timeout)."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from engine.delivery.adapters.base import OutgoingMessage, SendError
from engine.delivery.adapters.webhook import WebhookChannel
from engine.runtime.run import Engine
from storage.models import OutboxMessage
from tests.runtime.shop import Shop
from tests.runtime.test_rules import INFO, build

MESSAGE = OutgoingMessage("k1", "sms", "sms", "+821012345678", "", "안녕하세요", False, 1)


def test_sent_with_the_idempotency_key(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/send", method="POST", headers={"Idempotency-Key": "k1"},
                              json={"key": "k1", "channel": "sms", "kind": "sms", "to": "+821012345678",
                                    "subject": "", "body": "안녕하세요", "ad": False}).respond_with_json({"id": "m-77"})
    assert WebhookChannel(httpserver.url_for("/send")).send(MESSAGE).provider_id == "m-77"


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (422, True), (429, False), (500, False), (503, False)])
def test_refusals_and_transient_errors(httpserver: HTTPServer, status: int, permanent: bool) -> None:
    httpserver.expect_request("/send").respond_with_data("nope", status=status)
    with pytest.raises(SendError) as caught:
        WebhookChannel(httpserver.url_for("/send")).send(MESSAGE)
    assert caught.value.permanent is permanent and caught.value.code == f"http_{status}"


def test_unreachable_is_transient() -> None:
    with pytest.raises(SendError) as caught:
        WebhookChannel("http://127.0.0.1:9/send").send(MESSAGE)
    assert caught.value.code == "network" and not caught.value.permanent


def test_bad_url() -> None:
    with pytest.raises(ValueError):
        WebhookChannel("ftp://example.com")


def test_engine_retries_a_failing_webhook_then_sends(shop: Shop, httpserver: HTTPServer) -> None:
    build(shop, [("message.sms", INFO)])
    customer = shop.signup("2026-03-02 10:00")
    httpserver.expect_ordered_request("/send").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/send").respond_with_json({"id": "ok-1"})
    channel = WebhookChannel(httpserver.url_for("/send"))
    engine = Engine(shop.db, {"sms": channel, "email": channel, "kakao": channel, "owner": channel})
    first = engine.run_once(shop.clock)
    assert first["retried"] == 1 and first["sent"] == 0
    with shop.db.session() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.customer_id == customer))
        assert (row.status, row.reason) == ("queued", "http_503")
        retry_at = row.not_before
    shop.clock.set(retry_at)
    assert engine.run_once(shop.clock)["sent"] == 1
    with shop.db.session() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.customer_id == customer))
        assert (row.status, row.provider_id, row.attempts) == ("sent", "ok-1", 2)
