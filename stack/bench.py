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
            stack_cm.enter_context(Stack(services(settings, model.path, tmp), tmp / "log"))
            url = f"http://127.0.0.1:{settings.api_port}"
        started = time.perf_counter()
        timings = asyncio.run(run(url, args.turns, args.concurrency, args.crisis_share))
        print(report(timings, time.perf_counter() - started, args.concurrency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
