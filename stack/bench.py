"""Benchmark full turns through the API: ``python -m stack.bench [--url URL] [--turns N] [--concurrency C]``.

Without ``--url`` it starts its own stack (trained model, Rasa, action server, API on free
loopback ports, a fresh SQLite file) and stops it afterwards. Questions are the knowledge
base's example questions in all seven languages, plus a share of crisis messages (answered
by the API's crisis screen, without Rasa). Prints p50/p95/p99 per reply kind, throughput and
errors. Figures go into the README with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import httpx

from knowledge import build

CRISIS_SAMPLES = ("jeg vil ta livet mitt", "he is hitting me right now", "моя дитина не дихає")


def questions(seed: int = 3) -> list[tuple[str, str]]:
    items = [(q, lang) for a in build.load_all() for lang, qs in a.examples.items() for q in qs]
    random.Random(seed).shuffle(items)  # noqa: S311 - a reproducible workload, not a secret
    return items


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def run(url: str, turns: int, concurrency: int, crisis_share: float) -> dict[str, list[float]]:
    pool = questions()
    timings: dict[str, list[float]] = defaultdict(list)
    errors = 0
    counter = iter(range(turns))
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def worker(n: int) -> None:
            nonlocal errors
            rng = random.Random(n)  # noqa: S311
            cid = None
            for i in counter:
                if cid is None or i % 10 == 0:  # a new conversation every ten turns
                    lang = pool[i % len(pool)][1]
                    cid = (await client.post("/api/conversations", json={"lang": lang})).json()["id"]
                if rng.random() < crisis_share:
                    text, lang = rng.choice(CRISIS_SAMPLES), "nb"
                    cid_now = (await client.post("/api/conversations", json={"lang": lang})).json()["id"]
                else:
                    text, lang = pool[i % len(pool)]
                    cid_now = cid
                started = time.perf_counter()
                response = await client.post(
                    f"/api/conversations/{cid_now}/messages", json={"text": text, "lang": lang}
                )
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    errors += 1
                    timings["error"].append(elapsed)
                    continue
                replies = response.json()["replies"]
                kind = replies[0]["kind"] if replies else "none"
                timings[kind].append(elapsed)
                timings["all"].append(elapsed)

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return timings


def report(timings: dict[str, list[float]], seconds: float, concurrency: int) -> str:
    lines = [
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, "
        f"{__import__('os').cpu_count()} cores; concurrency {concurrency}",
        "kind        count    p50 ms   p95 ms   p99 ms   mean ms",
    ]
    for kind in sorted(timings, key=lambda k: (k != "all", k)):
        values = timings[kind]
        lines.append(
            f"{kind:10} {len(values):6} {percentile(values, 50):9.1f} {percentile(values, 95):8.1f} "
            f"{percentile(values, 99):8.1f} {statistics.fmean(values):9.1f}"
        )
    total = len(timings.get("all", []))
    lines.append(f"throughput: {total / seconds:.1f} turns/s; errors: {len(timings.get('error', []))}")
    return "\n".join(lines)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemorySampler:
    """Peak resident memory of each process, sampled twice a second while the load runs."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_mb(pid))
            self._stop.wait(0.5)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def bare_rasa(rasa_url: str, turns: int) -> list[float]:
    """The same questions straight to Rasa's REST channel (no gateway), one at a time."""
    pool = questions()
    timings = []
    async with httpx.AsyncClient(base_url=rasa_url, timeout=60) as client:
        for i in range(turns):
            text, lang = pool[i % len(pool)]
            body = {"sender": f"bare-{i // 10}", "message": text, "metadata": {"lang": lang}}
            started = time.perf_counter()
            response = await client.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.bench")
    parser.add_argument("--url", help="use a running assistant instead of starting one")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--crisis-share", type=float, default=0.1)
    args = parser.parse_args(argv)
    with ExitStack() as stack_cm:
        url = args.url
        if not url:
            from api.migrate import upgrade
            from api.settings import Settings
            from stack.model import ensure_model
            from stack.processes import Stack, free_port, services

            tmp = Path(stack_cm.enter_context(tempfile.TemporaryDirectory()))
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_url=f"sqlite:///{tmp / 'bench.db'}",
                var_dir=tmp,
                api_port=free_port(),
                rasa_port=free_port(),
                action_port=free_port(),
                rate_limit_per_client=1_000_000,
                rate_limit_per_conversation=1_000_000,
            )
            upgrade(settings.database_url)
            model = ensure_model()
            running = stack_cm.enter_context(Stack(services(settings, model.path, tmp), tmp / "log"))
            url = f"http://127.0.0.1:{settings.api_port}"
            pids = {s.name: s.process.pid for s in running.services if s.process is not None}
            baseline = {name: rss_mb(pid) for name, pid in pids.items()}
        started = time.perf_counter()
        with MemorySampler(pids if not args.url else {}) as memory:
            timings = asyncio.run(run(url, args.turns, args.concurrency, args.crisis_share))
        print(report(timings, time.perf_counter() - started, args.concurrency))
        if not args.url:
            time.sleep(5)
            print("\nmemory (MB)   before   peak    5 s after")
            for name, pid in pids.items():
                print(f"{name:13} {baseline[name]:7.0f} {memory.peak[name]:7.0f} {rss_mb(pid):9.0f}")
            bare = asyncio.run(bare_rasa(settings.rasa_url, min(args.turns, 200)))
            full = [t for t in timings.get("answer", []) + timings.get("clarify", [])]
            ratio = percentile(full, 50) / percentile(bare, 50)
            print(
                f"\nbare Rasa (REST channel, same questions, one at a time): p50 {percentile(bare, 50):.1f} ms, "
                f"p95 {percentile(bare, 95):.1f} ms; full turn p50 / bare Rasa p50 = {ratio:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
