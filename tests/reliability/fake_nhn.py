"""A fake NHN Cloud SMS API (v3.0 send endpoints) on 127.0.0.1 for rate and bulk measurements: each request
answers after `latency` seconds, many at once (a threaded server); past `limit` requests in any second it
answers 429 (and counts it), as a provider enforcing its rate would. Used by the delivery tests and by
bench/bench_delivery.py."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeNhn:
    def __init__(self, latency: float = 0.0, limit: int | None = None) -> None:
        self.latency = latency
        self.limit = limit
        self.lock = threading.Lock()
        self.arrivals: list[float] = []  # accepted requests' arrival times (monotonic)
        self.window: deque[float] = deque()
        self.recipients = 0
        self.requests = 0
        self.refused_429 = 0
        self.inflight = 0
        self.max_inflight = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                arrived = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                status, answer = fake.answer(arrived, payload)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, arrived: float, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            while self.window and self.window[0] <= arrived - 1.0:
                self.window.popleft()
            if self.limit is not None and len(self.window) >= self.limit:
                self.refused_429 += 1
                return 429, {"header": {"isSuccessful": False, "resultCode": 429, "resultMessage": "Too Many Requests"}}
            self.window.append(arrived)
            self.arrivals.append(arrived)
            self.requests += 1
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            if self.latency:
                time.sleep(self.latency)
            recipients = payload.get("recipientList") or []
            with self.lock:
                self.recipients += len(recipients)
            results = [{"recipientSeq": seq, "recipientNo": item.get("recipientNo"), "resultCode": 0,
                        "resultMessage": "SUCCESS", "recipientGroupingKey": item.get("recipientGroupingKey")}
                       for seq, item in enumerate(recipients, start=1)]
            return 200, {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
                         "body": {"data": {"requestId": f"fake-{self.requests}", "statusCode": "2",
                                           "sendResultList": results}}}
        finally:
            with self.lock:
                self.inflight -= 1

    def rate(self) -> float:
        """Accepted requests a second, first arrival to last (what the provider saw)."""
        if len(self.arrivals) < 2:
            return 0.0
        return (len(self.arrivals) - 1) / (self.arrivals[-1] - self.arrivals[0])

    def busiest_second(self) -> int:
        """The most accepted requests within any one second."""
        times = self.arrivals
        best, start = 0, 0
        for end in range(len(times)):
            while times[end] - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
