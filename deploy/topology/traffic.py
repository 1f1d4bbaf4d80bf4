"""HTTPS traffic through nginx, and the figures each phase prints (requests, errors, p50/p95)."""

from __future__ import annotations

import http.client
import ssl
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# --- Figures --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Outcomes of one phase's requests, split idempotent (GET) / not (POST)."""

    name: str
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    failed_get: int = 0
    failed_post: int = 0
    posts: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0  # the traffic's window
    ends_at: float = float("inf")  # requests finished by then count for the rate
    in_window: int = 0

    def add(self, method: str, ok: bool, latency: float, what: str) -> None:
        with self.lock:
            self.requests += 1
            self.in_window += time.monotonic() <= self.ends_at
            self.latencies.append(latency)
            if method == "POST":
                self.posts += 1
            if not ok:
                if method == "POST":
                    self.failed_post += 1
                else:
                    self.failed_get += 1
                if len(self.failures) < 10:
                    self.failures.append(what)

    def line(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
        rate = f", {self.rate():.1f} req/s" if self.seconds else ""
        return (
            f"{self.name}: {self.requests} requests ({self.posts} POST){rate}, errors: "
            f"{self.failed_get} idempotent, {self.failed_post} non-idempotent; p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms"
        )

    def rate(self) -> float:
        return self.in_window / self.seconds


FIGURES: list[str] = []


# --- HTTPS traffic ------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTPS connection to nginx, reopened after an error (as a browser would)."""

    def __init__(self, port: int):
        self.port = port
        self.context = ssl.create_default_context()
        self.conn: http.client.HTTPSConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, http.client.HTTPMessage]:
        if self.conn is None:
            self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=self.context)
        try:
            self.conn.request(method, path, body=body, headers={"Accept-Language": "zh-CN", **(headers or {})})
            response = self.conn.getresponse()
            return response.status, response.read(), response.headers
        except Exception:
            self.conn.close()
            self.conn = None
            raise


def run_traffic(
    tally: Tally,
    port: int,
    seconds: float,
    *,
    get_threads: int,
    paths: Callable[[int], str],
    post: Callable[[Client, int], bool] | None = None,
    during: Callable[[float], None] | None = None,
) -> None:
    """`get_threads` clients GET `paths(i)` in a loop, one more POSTs with `post` (when given), for
    `seconds`; `during(elapsed)` runs in this thread meanwhile (the fault to inject)."""
    stop = threading.Event()

    def getter(n: int) -> None:
        client, i = Client(port), n * 1000
        while not stop.is_set():
            path, i = paths(i), i + 1
            started = time.monotonic()
            try:
                status, _, _ = client.request("GET", path)
                ok, what = status == 200, f"GET {path}: HTTP {status}"
            except Exception as error:  # a failed request is what is counted here
                ok, what = False, f"GET {path}: {type(error).__name__}: {error}"
            tally.add("GET", ok, time.monotonic() - started, what)

    def poster() -> None:
        client, i = Client(port), 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                ok, what = post(client, i), f"POST #{i}"
            except Exception as error:
                ok, what = False, f"POST #{i}: {type(error).__name__}: {error}"
            tally.add("POST", ok, time.monotonic() - started, what)
            i += 1
            time.sleep(0.2)  # a department's system submits now and then, not in a tight loop

    threads = [threading.Thread(target=getter, args=(n,), daemon=True) for n in range(get_threads)]
    if post is not None:
        threads.append(threading.Thread(target=poster, daemon=True))
    began = time.monotonic()
    tally.ends_at, tally.seconds = began + seconds, seconds
    for thread in threads:
        thread.start()
    while (elapsed := time.monotonic() - began) < seconds:
        if during is not None:
            during(elapsed)
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=40)
