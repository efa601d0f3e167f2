"""A channel that POSTs each message as JSON to a URL: the owner's own gateway, Make, Zapier, or a test.

The outbox key goes in the `Idempotency-Key` header, so a receiver can drop a repeat. 2xx is sent;
4xx is a permanent refusal (the message is marked failed with the reason); 5xx, 429 and network errors
are transient (the message is retried later with a backoff).
"""

from __future__ import annotations

from typing import Any

import httpx

from engine.delivery.adapters.base import OutgoingMessage, SendError, SendResult

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class WebhookChannel:
    def __init__(self, url: str, client: httpx.Client | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("the webhook URL must start with http:// or https://")
        self.url = url
        self.client = client or httpx.Client(timeout=TIMEOUT)

    def send(self, message: OutgoingMessage) -> SendResult:
        payload: dict[str, Any] = {
            "key": message.idem_key, "channel": message.channel, "kind": message.kind, "to": message.recipient,
            "subject": message.subject, "body": message.body, "ad": message.is_ad,
        }
        try:
            response = self.client.post(self.url, json=payload, headers={"Idempotency-Key": message.idem_key})
        except httpx.TimeoutException:
            raise SendError("timeout", "the webhook did not answer in time") from None
        except httpx.HTTPError as exc:
            raise SendError("network", f"cannot reach the webhook: {type(exc).__name__}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise SendError(f"http_{response.status_code}", "the webhook is busy or failing; will retry")
        if response.status_code >= 400:
            raise SendError(f"http_{response.status_code}", response.text[:300], permanent=True)
        provider_id = message.idem_key
        try:
            data = response.json()
            if isinstance(data, dict) and data.get("id"):
                provider_id = str(data["id"])
        except ValueError:
            pass
        return SendResult(provider_id)
