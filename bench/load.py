"""Concurrent clients against a running MetroKB server: bounded in time and in count, every request accounted for."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import numpy as np


@dataclass
class LoadResult:
    clients: int
    seconds: float  # wall time of the run
    sent: int  # requests started
    answered: int  # responses received (any status)
    ok: int  # 200 with a well-formed answer
    errors: Counter = field(default_factory=Counter)  # status code or exception name -> count
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def lost(self) -> int:
        """Requests that got no response at all."""
        return self.sent - self.answered

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return float(np.percentile(self.latencies_ms, p)) if self.latencies_ms else float("nan")


async def _run(
    base_url: str,
    questions: list[str],
    clients: int,
    seconds: float,
    max_requests: int,
    headers: dict[str, str],
    timeout: float,
    stop: threading.Event | None,
) -> LoadResult:
    result = LoadResult(clients=clients, seconds=0.0, sent=0, answered=0, ok=0)
    pick = itertools.cycle(questions)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits, headers=headers) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline and result.sent < max_requests and not (stop and stop.is_set()):
                question = next(pick)
                result.sent += 1
                started = time.perf_counter()
                try:
                    response = await client.post("/ask", json={"question": question})
                except httpx.HTTPError as exc:
                    result.errors[type(exc).__name__] += 1
                    continue
                result.answered += 1
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                if response.status_code == 200 and "answer" in response.json():
                    result.ok += 1
                else:
                    result.errors[str(response.status_code)] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        result.seconds = time.perf_counter() - started
    return result


def run_load(
    base_url: str,
    questions: list[str],
    clients: int,
    seconds: float,
    max_requests: int = 100_000,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
    stop: threading.Event | None = None,
) -> LoadResult:
    """`clients` concurrent clients POST /ask in a loop for `seconds`, until `max_requests` are sent or `stop` is set."""
    run = lambda: asyncio.run(_run(base_url, questions, clients, seconds, max_requests, headers or {}, timeout, stop))  # noqa: E731
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop in this thread: run here
        return run()
    # Called from code whose event loop is running in this thread (a test or a notebook): a thread of its own.
    done: list[LoadResult] = []
    worker = threading.Thread(target=lambda: done.append(run()))
    worker.start()
    worker.join()
    return done[0]
