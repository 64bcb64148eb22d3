"""Scale-out on loopback: two Rasa servers sharing a Redis lock store and a PostgreSQL tracker
store behind one API. Message order within a conversation holds under interleaved load, and
stopping one Rasa server mid-run loses no message: its conversations continue on the other."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from api.db import dispose_all, session_scope
from api.migrate import upgrade
from api.models import Message, Sender
from knowledge.loader import ARTICLES_DIR
from stack.model import ModelResult
from stack.processes import Service, Stack, free_port, rasa_replica, services
from tests import postgres
from tests.helpers import make_settings

pytestmark = pytest.mark.integration
CONVERSATIONS = 6
TURNS = 6
QUESTIONS = [
    "how do i change my fastlege",
    "what can my fastlege help with",
    "hello",
    "thanks",
    "what is a helsestasjon",
]


def _redis_url() -> Iterator[str | None]:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                yield "redis://127.0.0.1:6379/7"
                return
    except OSError:
        pass
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""])
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclasses.dataclass
class Cluster:
    stack: Stack
    api: str
    rasa: list[Service]
    database_url: str


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, model: ModelResult, postgres_admin_url: str | None
) -> Iterator[Cluster]:
    redis = _redis_url()
    redis_url = next(redis)
    if postgres_admin_url is None or redis_url is None:
        pytest.skip(
            "!!! SCALE-OUT TEST SKIPPED: needs PostgreSQL and Redis on loopback (or their binaries) "
            f"(postgres: {postgres_admin_url is not None}, redis: {redis_url is not None})"
        )
    tmp = tmp_path_factory.mktemp("cluster")
    knowledge = tmp / "articles"
    shutil.copytree(ARTICLES_DIR, knowledge)
    database_url = postgres.create_database(postgres_admin_url)
    ports = [free_port(), free_port()]
    settings = make_settings(
        tmp,
        database_url=database_url,
        redis_url=redis_url,
        knowledge_dir=knowledge,
        rasa_port=ports[0],
        rasa_urls=",".join(f"http://127.0.0.1:{p}" for p in ports),
        rate_limit_per_client=1_000_000,
        rate_limit_per_conversation=1_000_000,
    )
    upgrade(settings.database_url)
    action, rasa_a, api = services(settings, model.path, tmp)
    rasa_b = rasa_replica(rasa_a, "rasa-b", ports[1])
    stack = Stack([action, rasa_a, rasa_b, api], tmp / "log")
    try:
        with stack:
            yield Cluster(stack, f"http://127.0.0.1:{settings.api_port}", [rasa_a, rasa_b], database_url)
    finally:
        dispose_all()
        postgres.drop_database(postgres_admin_url, database_url)
        for _ in redis:
            pass


async def _conversation(client: httpx.AsyncClient, turns: int, sent: dict[str, list[str]]) -> list[int]:
    cid = (await client.post("/api/conversations", json={"lang": "en"})).json()["id"]
    sent[cid] = []
    codes = []
    for i in range(turns):
        question = f"{QUESTIONS[i % len(QUESTIONS)]} {i}"
        sent[cid].append(question)
        response = await client.post(f"/api/conversations/{cid}/messages", json={"text": question, "lang": "en"})
        codes.append(response.status_code)
    return codes


async def _load(api: str, conversations: int, turns: int, sent: dict[str, list[str]]) -> list[int]:
    async with httpx.AsyncClient(base_url=api, timeout=60) as client:
        results = await asyncio.gather(*(_conversation(client, turns, sent) for _ in range(conversations)))
    return [code for codes in results for code in codes]


def _check_order(database_url: str, sent: dict[str, list[str]]) -> None:
    with session_scope(database_url) as session:
        for cid, questions in sent.items():
            stored = session.scalars(
                select(Message.text)
                .where(Message.conversation_id == cid, Message.sender == Sender.person.value)
                .order_by(Message.seq)
            ).all()
            assert list(stored) == questions, cid
            rows = session.execute(
                text("SELECT data FROM events WHERE sender_id = :c AND type_name = 'user' ORDER BY id"), {"c": cid}
            ).all()
            assert [json.loads(r[0])["text"] for r in rows] == questions, f"Rasa saw another order in {cid}"


def test_order_holds_under_interleaved_load_on_two_servers(cluster: Cluster) -> None:
    sent: dict[str, list[str]] = {}
    codes = asyncio.run(_load(cluster.api, CONVERSATIONS, TURNS, sent))
    assert codes == [200] * (CONVERSATIONS * TURNS)
    _check_order(cluster.database_url, sent)
    health = httpx.get(f"{cluster.api}/health", timeout=10).json()
    assert all(health["components"]["rasa"]["servers"].values())


def test_stopping_one_rasa_server_mid_run_loses_no_message(cluster: Cluster) -> None:
    sent: dict[str, list[str]] = {}

    async def run() -> list[int]:
        load = asyncio.create_task(_load(cluster.api, CONVERSATIONS, TURNS * 2, sent))
        await asyncio.sleep(3)
        await asyncio.to_thread(cluster.stack.stop, cluster.rasa[0])  # SIGTERM: Rasa finishes what it has
        return await load

    codes = asyncio.run(run())
    assert codes == [200] * (CONVERSATIONS * TURNS * 2), codes
    _check_order(cluster.database_url, sent)
    servers = httpx.get(f"{cluster.api}/health", timeout=10).json()["components"]["rasa"]["servers"]
    assert list(servers.values()) == [False, True]


def test_the_lock_store_is_redis_and_the_tracker_store_postgresql(cluster: Cluster) -> None:
    endpoints = Path(cluster.stack.get("api").log_path or "").parent.parent / "endpoints.yml"
    config = endpoints.read_text()
    assert "type: redis" in config and "dialect: postgresql" in config
