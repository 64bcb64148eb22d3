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


def run_in_bot_env(script: str, stdin: str | None = None) -> str:
    """Run a Python snippet in the real bot env (Rasa 3.6, Python 3.10); its last line of output."""
    import subprocess

    from stack.model import rasa_env
    from stack.paths import BOT_VENV, ROOT

    result = subprocess.run(
        [str(BOT_VENV / "bin" / "python"), "-c", script],
        input=stdin,
        capture_output=True,
        text=True,
        env=rasa_env(),
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]
