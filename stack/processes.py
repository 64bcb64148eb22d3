"""Start the three processes (action server, Rasa, API), wait until each is ready, stop them.

Each child runs in its own process group with its output in ``<log_dir>/<name>.log``; when one
fails to start, the error names it and its log.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx
import yaml
from sqlalchemy.engine import make_url

from api.settings import Settings
from stack.model import rasa_env
from stack.paths import BOT_DIR, RASA, ROOT

log = logging.getLogger(__name__)


class StartupFailed(Exception):
    def __init__(self, name: str, reason: str, log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        tail = ""
        if log_path.exists():
            lines = log_path.read_text(errors="replace").splitlines()[-15:]
            tail = "\n    " + "\n    ".join(lines)
        super().__init__(f"{name} failed to start: {reason}. Its log: {log_path}{tail}")


@dataclass
class Service:
    name: str
    cmd: list[str]
    ready_url: str
    env: dict[str, str] = field(default_factory=dict)
    start_timeout: float = 300.0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (for test and benchmark stacks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tracker_store_config(database_url: str) -> dict[str, object]:
    """Rasa's SQL tracker store in the same database as the API (SQLite file or PostgreSQL)."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": url.database}
    if backend == "postgresql":
        config: dict[str, object] = {
            "type": "SQL",
            "dialect": "postgresql",
            "url": url.host or "127.0.0.1",  # Rasa passes an endpoint's url on as the SQL host
            "port": url.port or 5432,
            "db": url.database,
            "username": url.username or "postgres",
        }
        if url.password:
            config["password"] = url.password
        return config
    raise ValueError(f"unsupported database for Rasa's tracker store: {backend}")


def lock_store_config(redis_url: str) -> dict[str, object]:
    """Rasa's Redis lock store: several Rasa servers never process one conversation at once."""
    url = make_url(redis_url)
    config: dict[str, object] = {
        "type": "redis",
        "url": url.host or "127.0.0.1",
        "port": url.port or 6379,
        "db": int(url.database or 0),
        "key_prefix": "norway_assistant",
    }
    if url.password:
        config["password"] = url.password
    return config


def write_endpoints(settings: Settings, path: Path) -> Path:
    config: dict[str, object] = {
        "action_endpoint": {"url": settings.action_server_url},
        "tracker_store": tracker_store_config(settings.database_url),
    }
    if settings.redis_url:
        config["lock_store"] = lock_store_config(settings.redis_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def services(settings: Settings, model: Path, run_dir: Path) -> list[Service]:
    env_common = settings.as_env()
    endpoints = write_endpoints(settings, run_dir / "endpoints.yml")
    python = sys.executable
    action = Service(
        name="action-server",
        cmd=[python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
        ready_url=f"http://127.0.0.1:{settings.action_port}/health",
        env={**env_common, "SANIC_HOST": "127.0.0.1"},
        start_timeout=120,
    )
    rasa = Service(
        name="rasa",
        cmd=[
            str(RASA),
            "run",
            "--interface",
            "127.0.0.1",
            "--port",
            str(settings.rasa_port),
            "--model",
            str(model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(BOT_DIR / "credentials.yml"),
        ],
        ready_url=f"http://127.0.0.1:{settings.rasa_port}/",
        env={**rasa_env(), **env_common},
        start_timeout=400,
    )
    api = Service(
        name="api",
        cmd=[
            python,
            "-m",
            "uvicorn",
            "--factory",
            "api.main:app_factory",
            "--host",
            settings.api_host,
            "--port",
            str(settings.api_port),
            "--no-access-log",
        ],
        ready_url=f"http://{settings.api_host}:{settings.api_port}/health",
        env=env_common,
        start_timeout=60,
    )
    return [action, rasa, api]


def rasa_replica(rasa: Service, name: str, port: int) -> Service:
    """Another Rasa server like ``rasa`` (same model, endpoints and credentials) on ``port``."""
    old = rasa.cmd[rasa.cmd.index("--port") + 1]
    return dataclasses.replace(
        rasa,
        name=name,
        cmd=[str(port) if part == old else part for part in rasa.cmd],
        ready_url=f"http://127.0.0.1:{port}/",
        process=None,
        log_path=None,
    )


class Stack:
    """Context manager: starts the services in order, waits for each, stops all on exit."""

    def __init__(self, services: list[Service], log_dir: Path, extra_env: dict[str, str] | None = None):
        self.services = services
        self.log_dir = log_dir
        self.extra_env = extra_env or {}

    def start(self, service: Service) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        service.log_path = self.log_dir / f"{service.name}.log"
        env = {**os.environ, **service.env, **self.extra_env}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(ROOT)) if p)
        with service.log_path.open("ab") as out:
            service.process = subprocess.Popen(
                service.cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        log.info("started %s (pid %s)", service.name, service.process.pid)

    def wait_ready(self, service: Service, accept: tuple[int, ...] = (200,)) -> float:
        assert service.process is not None and service.log_path is not None
        started = time.monotonic()
        deadline = started + service.start_timeout
        while time.monotonic() < deadline:
            code = service.process.poll()
            if code is not None:
                raise StartupFailed(service.name, f"it exited with code {code}", service.log_path)
            try:
                response = httpx.get(service.ready_url, timeout=2)
                if response.status_code in accept:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise StartupFailed(service.name, f"not ready after {service.start_timeout:.0f} s", service.log_path)

    def get(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def up(self) -> dict[str, float]:
        """Start everything; the API's /health answers 503 until Rasa is up, so accept both."""
        times: dict[str, float] = {}
        t0 = time.monotonic()
        for service in self.services:
            self.start(service)
        for service in self.services:
            accept = (200, 503) if service.name == "api" else (200,)
            self.wait_ready(service, accept)
            times[service.name] = time.monotonic() - t0
        return times

    def stop(self, service: Service, timeout: float = 15) -> None:
        process = service.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass
        log.info("stopped %s", service.name)

    def down(self) -> None:
        for service in reversed(self.services):
            self.stop(service)

    def __enter__(self) -> Stack:
        try:
            self.up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.down()
