"""A PostgreSQL server for the tests: the machine's own on 127.0.0.1:5432 (trust auth), else a
throwaway one started from the PostgreSQL binaries if they exist, else none (the tests that
need it are skipped and the run says so in a line nobody can miss)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

DEFAULT_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SKIP_REASON: list[str] = []


def _reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def _throwaway() -> str | None:
    initdb, pg_ctl = _find_binary("initdb"), _find_binary("pg_ctl")
    if not initdb or not pg_ctl:
        return None
    data = Path(tempfile.mkdtemp(prefix="pg-test-"))
    port = 55432 + os.getpid() % 1000
    user = "postgres"
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(data, "postgres") if shutil.which("runuser") else None
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*run_as, initdb, "-D", str(data), "-U", user, "-A", "trust"], check=True, capture_output=True)
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "-w", "start"],
        check=True,
        capture_output=True,
    )
    atexit.register(lambda: subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "fast", "stop"], check=False))
    url = f"postgresql://{user}@127.0.0.1:{port}/postgres"
    for _ in range(20):
        if _reachable(url):
            return url
        time.sleep(0.5)
    return None


def server_url() -> str | None:
    """The admin URL of a usable server, or None (with the reason in SKIP_REASON)."""
    if _reachable(DEFAULT_URL):
        return DEFAULT_URL
    try:
        url = _throwaway()
    except (OSError, subprocess.CalledProcessError) as exc:
        SKIP_REASON.append(f"no PostgreSQL at {DEFAULT_URL} and a throwaway server failed to start: {exc}")
        return None
    if url is None:
        SKIP_REASON.append(f"no PostgreSQL at {DEFAULT_URL} and no PostgreSQL binaries (initdb, pg_ctl) to start one")
    return url


def create_database(admin_url: str) -> str:
    name = f"assistant_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
