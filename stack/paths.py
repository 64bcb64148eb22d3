"""Where things live in the project tree."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT_DIR = ROOT / "bot"
BOT_VENV = Path(os.environ.get("BOT_VENV", ROOT / ".venv-bot"))
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA = BOT_VENV / "bin" / "rasa"
MODELS_DIR = Path(os.environ.get("MODEL_DIR", ROOT / "models"))
