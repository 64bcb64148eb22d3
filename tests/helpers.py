"""Small helpers shared by the unit and integration tests."""

from __future__ import annotations

from pathlib import Path

from api.settings import Settings
from stack.processes import free_port


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
