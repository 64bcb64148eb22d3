from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.db import dispose_all
from api.main import create_app
from api.migrate import upgrade
from api.settings import Settings
from tests import postgres
from tests.helpers import make_settings


@pytest.fixture(scope="session")
def postgres_admin_url() -> str | None:
    return postgres.server_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_admin_url: str | None) -> Iterator[str]:
    """Each database test runs on a fresh SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if postgres_admin_url is None:
        pytest.skip("PostgreSQL unavailable: " + "; ".join(postgres.SKIP_REASON))
    url = postgres.create_database(postgres_admin_url)
    try:
        yield url
    finally:
        dispose_all()
        postgres.drop_database(postgres_admin_url, url)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings on a fresh database; Rasa's port has nothing listening (it is 'down')."""
    s = make_settings(tmp_path, database_url=database_url)
    upgrade(s.database_url)
    return s


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver") as c:  # Secure cookies need https
        yield c


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if postgres.SKIP_REASON:
        line = "!" * 30 + " PostgreSQL TESTS SKIPPED: " + "; ".join(postgres.SKIP_REASON) + " " + "!" * 30
        terminalreporter.write_line(line, red=True, bold=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with small cost parameters in tests (production uses argon2-cffi's defaults)."""
    from argon2 import PasswordHasher

    from api.staff import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
