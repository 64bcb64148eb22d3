"""Small helpers shared by the unit and integration tests."""

from __future__ import annotations

import socket
from pathlib import Path

from api.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": "test",
        "secret_key": "t" * 40,
        "database_url": f"sqlite:///{tmp_path / 'test.db'}",
        "var_dir": tmp_path / "var",
        "rasa_port": free_port(),
        "action_port": free_port(),
        "api_port": free_port(),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]
