"""The run command: set up the database, build training data, train if needed, start everything."""

from __future__ import annotations

import logging
import signal
import sys
import time
from types import FrameType

from pydantic import ValidationError

from api.db import session_scope
from api.migrate import upgrade
from api.retention import purge
from api.settings import Settings
from knowledge import build
from knowledge.loader import KnowledgeError
from stack.model import TrainingFailed, ensure_model
from stack.paths import ROOT
from stack.processes import Stack, StartupFailed, services

log = logging.getLogger("stack")


def _say(text: str) -> None:
    print(text, flush=True)


def prepare(settings: Settings) -> None:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    changed = build.write(build.generate(build.load_all()))
    for path in changed:
        _say(f"  regenerated {path.relative_to(ROOT)} from the knowledge files")


def _retention(settings: Settings) -> None:
    """The scheduled retention job (see api.retention); a failure is logged, not fatal."""
    try:
        with session_scope(settings.database_url) as session:
            purge(session, settings)
    except Exception:
        log.exception("retention job failed; it runs again in %d minutes", settings.retention_interval_minutes)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings()
    except ValidationError as exc:
        _say(f"Settings are invalid (environment or .env):\n{exc}")
        return 2
    log_dir = settings.var_dir / "log"
    try:
        _say("• database migrations and training data")
        prepare(settings)
        _say("• Rasa model")
        model = ensure_model(log_dir=log_dir)
        what = f"trained in {model.seconds:.0f} s" if model.trained else "unchanged: training skipped"
        _say(f"  {what} ({model.path.name})")
    except KnowledgeError as exc:
        _say(f"A knowledge file is invalid: {exc}\nRun: .venv/bin/python -m knowledge validate")
        return 1
    except TrainingFailed as exc:
        _say(str(exc))
        return 1

    stack = Stack(services(settings, model.path, settings.var_dir), log_dir)
    stopping = False

    def _stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    _say("• starting the action server, Rasa (this takes a minute or two) and the API")
    try:
        times = stack.up()
    except StartupFailed as exc:
        _say(str(exc))
        stack.down()
        return 1
    _say(
        "\nThe assistant is ready "
        f"(action server {times['action-server']:.0f} s, Rasa {times['rasa']:.0f} s, "
        f"API {times['api']:.0f} s):\n"
        f"  chat page     http://localhost:{settings.api_port}/\n"
        f"  staff pages   http://localhost:{settings.api_port}/staff/  (accounts: python -m api.staff create-user)\n"
        f"  chat API      http://localhost:{settings.api_port}/api/conversations\n"
        f"  API docs      http://localhost:{settings.api_port}/docs\n"
        f"  health        http://localhost:{settings.api_port}/health\n"
        f"  (internal)    Rasa {settings.rasa_url}, actions {settings.action_server_url}\n"
        f"  logs          {log_dir}\n"
        "Press Ctrl-C to stop."
    )
    exit_code = 0
    next_purge = 0.0
    while not stopping:
        if time.monotonic() >= next_purge:
            next_purge = time.monotonic() + settings.retention_interval_minutes * 60
            _retention(settings)
        dead = [s for s in stack.services if not s.running]
        if dead:
            for s in dead:
                _say(f"{s.name} stopped unexpectedly; its log: {s.log_path}")
            exit_code = 1
            break
        time.sleep(0.5)
    _say("\nstopping ...")
    stack.down()
    _say("all processes stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
