"""The process runner: a child that fails to start is named, with the end of its log."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from stack.processes import Service, Stack, StartupFailed, free_port, lock_store_config, tracker_store_config


def test_a_child_that_exits_is_named_with_its_log(tmp_path: Path) -> None:
    crash = Service(
        name="rasa",
        cmd=[sys.executable, "-c", "import sys; print('model file is missing'); sys.exit(3)"],
        ready_url=f"http://127.0.0.1:{free_port()}/",
        start_timeout=20,
    )
    stack = Stack([crash], tmp_path / "log")
    with pytest.raises(StartupFailed) as failure:
        stack.__enter__()
    message = str(failure.value)
    assert "rasa failed to start: it exited with code 3" in message
    assert str(tmp_path / "log" / "rasa.log") in message
    assert "model file is missing" in message


def test_a_child_that_never_gets_ready_times_out_and_is_stopped(tmp_path: Path) -> None:
    slow = Service(
        name="action-server",
        cmd=[sys.executable, "-c", "import time; time.sleep(60)"],
        ready_url=f"http://127.0.0.1:{free_port()}/health",
        start_timeout=2,
    )
    with pytest.raises(StartupFailed, match="action-server failed to start: not ready after 2 s"):
        Stack([slow], tmp_path / "log").__enter__()
    assert slow.process is not None and slow.process.poll() is not None  # stopped, not left behind


def test_store_configs_for_rasa() -> None:
    assert tracker_store_config("sqlite:////tmp/x.db") == {"type": "SQL", "dialect": "sqlite", "db": "/tmp/x.db"}
    pg = tracker_store_config("postgresql://postgres@127.0.0.1:5432/test")
    assert pg["url"] == "127.0.0.1" and pg["db"] == "test" and "host" not in pg  # Rasa passes url as the host
    assert lock_store_config("redis://127.0.0.1:6379/2")["db"] == 2
