"""Benchmark the whole stack: ``python -m stack.bench [options]`` (``--help`` lists them).

Without ``--url`` it starts its own stack (trained model, action server, one or more Rasa
servers, API on free loopback ports; a fresh SQLite file, or a fresh PostgreSQL database with
``--postgres``) and stops it afterwards. ``--concurrency`` simulated conversations run at once,
each with its own server-issued id; between its messages a conversation waits ``--think``
seconds on average (uniform between half and one and a half times that; 0 = closed loop, the
next message the moment the reply arrives). Messages are the knowledge base's example questions
in all seven languages, with a share of crisis messages (answered by the API's crisis screen,
without Rasa) and of requests for a person (the handoff, then "back to the assistant").

Prints p50/p95/p99 latency per reply kind, throughput, errors, peak memory and CPU time per
turn of each process, then the same questions straight to Rasa's REST channel (bare Rasa) and
the ratio of a full turn to it. ``--long N`` adds one conversation of N turns and prints its
latency per hundred turns. Figures go into the README with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from knowledge import build

CRISIS_SAMPLES = ("jeg vil ta livet mitt", "he is hitting me right now", "моя дитина не дихає")
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/6"
TICKS = os.sysconf("SC_CLK_TCK")


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


async def run(
    url: str,
    turns: int,
    concurrency: int,
    crisis_share: float,
    handoff_share: float = 0.0,
    think: float = 0.0,
) -> dict[str, list[float]]:
    """``turns`` messages in all, over ``concurrency`` conversations; latency per reply kind."""
    pool = questions()
    timings: dict[str, list[float]] = defaultdict(list)
    counter = iter(range(turns))
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def post(cid: str, text: str, lang: str) -> None:
            started = time.perf_counter()
            response = await client.post(f"/api/conversations/{cid}/messages", json={"text": text, "lang": lang})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                timings["error"].append(elapsed)
                return
            replies = response.json()["replies"]
            kind = replies[0]["kind"] if replies else "none"
            timings[kind].append(elapsed)
            timings["all"].append(elapsed)
            if any(r["kind"] in ("handoff", "crisis") for r in replies):  # back to the bot for the next turn
                await client.post(f"/api/conversations/{cid}/handoff/cancel")

        async def worker(n: int) -> None:
            rng = random.Random(n)  # noqa: S311 - a reproducible workload
            cid = None
            for i in counter:
                text, lang = pool[i % len(pool)]
                if cid is None or i % 10 == 0:  # a new conversation every ten turns
                    cid = (await client.post("/api/conversations", json={"lang": lang})).json()["id"]
                draw = rng.random()
                if draw < crisis_share:
                    text = rng.choice(CRISIS_SAMPLES)
                elif draw < crisis_share + handoff_share:
                    text = "/ask_human"
                await post(cid, text, lang)
                if think:
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return timings


async def long_conversation(url: str, turns: int) -> list[float]:
    """One conversation of ``turns`` English questions, one after another."""
    pool = [q for q, lang in questions() if lang == "en"]
    times: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        cid = (await client.post("/api/conversations", json={"lang": "en"})).json()["id"]
        for i in range(turns):
            started = time.perf_counter()
            response = await client.post(f"/api/conversations/{cid}/messages", json={"text": pool[i % len(pool)]})
            times.append((time.perf_counter() - started) * 1000)
            kinds = [r["kind"] for r in response.json().get("replies", [])] if response.status_code == 200 else []
            if not kinds or "handoff" in kinds or "crisis" in kinds:
                await client.post(f"/api/conversations/{cid}/handoff/cancel")
    return times


def report(timings: dict[str, list[float]], seconds: float, concurrency: int, think: float) -> str:
    lines = [
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} cores; {concurrency} conversations, think time {think:g} s",
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


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (the action server's Sanic runs a worker process)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its descendants."""
    total = 0.0
    for member in process_tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) / 1024 for line in lines if line.startswith("VmRSS:"))
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process and its live descendants (from /proc)."""
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


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
    run_id = uuid.uuid4().hex[:6]
    async with httpx.AsyncClient(base_url=rasa_url, timeout=60) as client:
        for i in range(turns):
            text, lang = pool[i % len(pool)]
            body = {"sender": f"bare-{run_id}-{i // 10}", "message": text, "metadata": {"lang": lang}}
            started = time.perf_counter()
            response = await client.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one benchmark run, dropped afterwards."""
    import psycopg

    name = f"assistant_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from api.db import dispose_all

        dispose_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.bench")
    parser.add_argument("--url", help="use a running assistant instead of starting one")
    parser.add_argument("--turns", type=int, default=300, help="messages in all")
    parser.add_argument("--concurrency", type=int, default=1, help="conversations at once")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between a conversation's messages")
    parser.add_argument("--crisis-share", type=float, default=0.1)
    parser.add_argument("--handoff-share", type=float, default=0.05)
    parser.add_argument("--long", type=int, default=0, help="also one conversation of this many turns")
    parser.add_argument("--rasa-servers", type=int, default=1, help="several Rasa servers (needs --postgres)")
    parser.add_argument("--postgres", nargs="?", const=POSTGRES_ADMIN, help="a PostgreSQL server's admin URL")
    parser.add_argument("--redis", default=REDIS, help="the Redis lock store for several Rasa servers")
    args = parser.parse_args(argv)
    if args.rasa_servers > 1 and not args.postgres:
        parser.error("several Rasa servers share a tracker store: give --postgres")
    with ExitStack() as stack_cm:
        url = args.url
        pids: dict[str, int] = {}
        rasa_url = ""
        if not url:
            from api.migrate import upgrade
            from api.settings import Settings
            from stack.model import ensure_model
            from stack.processes import Stack, free_port, rasa_replica, services

            tmp = Path(stack_cm.enter_context(tempfile.TemporaryDirectory()))
            database_url = f"sqlite:///{tmp / 'bench.db'}"
            if args.postgres:
                database_url = stack_cm.enter_context(postgres_database(args.postgres))
            ports = [free_port() for _ in range(args.rasa_servers)]
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_url=database_url,
                var_dir=tmp,
                api_port=free_port(),
                rasa_port=ports[0],
                rasa_urls=",".join(f"http://127.0.0.1:{p}" for p in ports) if len(ports) > 1 else "",
                redis_url=args.redis if len(ports) > 1 else "",
                action_port=free_port(),
                rate_limit_per_client=1_000_000,
                rate_limit_per_conversation=1_000_000,
            )
            upgrade(settings.database_url)
            model = ensure_model()
            action, rasa, api = services(settings, model.path, tmp)
            replicas = [rasa_replica(rasa, f"rasa-{i + 1}", p) for i, p in enumerate(ports[1:])]
            running = stack_cm.enter_context(Stack([action, rasa, *replicas, api], tmp / "log"))
            url = f"http://127.0.0.1:{settings.api_port}"
            rasa_url = settings.rasa_url
            pids = {s.name: s.process.pid for s in running.services if s.process is not None}
        print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; Rasa servers: {args.rasa_servers}")
        asyncio.run(run(url, 30, 1, 0.0))  # warm-up, not counted
        baseline = {name: rss_mb(pid) for name, pid in pids.items()}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        started = time.perf_counter()
        with MemorySampler(pids) as memory:
            timings = asyncio.run(
                run(url, args.turns, args.concurrency, args.crisis_share, args.handoff_share, args.think)
            )
        seconds = time.perf_counter() - started
        print(report(timings, seconds, args.concurrency, args.think))
        if pids:
            turns_done = max(1, len(timings.get("all", [])))
            cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
            time.sleep(5)
            print("\nprocess        memory MB: before   peak  5 s after   CPU ms/turn  CPU share of one core")
            for name, pid in pids.items():
                print(
                    f"{name:13} {baseline[name]:17.0f} {memory.peak[name]:6.0f} {rss_mb(pid):10.0f}"
                    f" {cpu[name] * 1000 / turns_done:13.1f} {cpu[name] / seconds:12.0%}"
                )
        if args.long:
            times = asyncio.run(long_conversation(url, args.long))
            print(f"\none conversation of {args.long} turns, one after another:")
            for start in range(0, len(times), 100):
                part = times[start : start + 100]
                print(
                    f"  turns {start + 1:4}-{start + len(part):4}: p50 {percentile(part, 50):6.1f} ms, "
                    f"p95 {percentile(part, 95):6.1f} ms"
                )
        if rasa_url:
            bare = asyncio.run(bare_rasa(rasa_url, min(args.turns, 300)))
            full = timings.get("answer", []) + timings.get("clarify", [])
            ratio = percentile(full, 50) / percentile(bare, 50)
            print(
                f"\nbare Rasa (REST channel, same questions, one at a time): p50 {percentile(bare, 50):.1f} ms, "
                f"p95 {percentile(bare, 95):.1f} ms; full turn p50 (answers and clarifications) / bare Rasa p50 "
                f"= {ratio:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
