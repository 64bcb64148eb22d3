"""The run command itself: starts everything on loopback, prints the URLs, and Ctrl-C stops every
child. Also: Rasa and the action server listen on 127.0.0.1 only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from stack.paths import ROOT
from stack.processes import free_port
from tests.integration.conftest import RunningStack

pytestmark = pytest.mark.integration


def _children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(proc.name))
    return found


def test_run_command_starts_everything_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    ports = {"API_PORT": free_port(), "RASA_PORT": free_port(), "ACTION_PORT": free_port()}
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "stack", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    output = []
    deadline = time.monotonic() + 420
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        output.append(line)
        if "Press Ctrl-C to stop." in line or proc.poll() is not None:
            break
    text = "".join(output)
    assert "The assistant is ready" in text, text
    assert f"http://localhost:{ports['API_PORT']}/api/conversations" in text
    health = httpx.get(f"http://127.0.0.1:{ports['API_PORT']}/health", timeout=10).json()
    assert health["components"]["rasa"]["ok"] and health["components"]["action_server"]["ok"]
    children = _children(proc.pid)
    assert len(children) == 3
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "all processes stopped." in rest
    for child in children:
        assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def _listening(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port``, read from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def test_rasa_and_the_action_server_listen_on_loopback_only(running: RunningStack) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1
    for port in (running.settings.rasa_port, running.settings.action_port):
        addresses = _listening(port)
        assert addresses, f"nothing listens on {port}"
        assert addresses <= loopback, f"port {port} listens on {addresses}"
