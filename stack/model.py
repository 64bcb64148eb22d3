"""Train the Rasa model only when its inputs changed.

The fingerprint is a SHA-256 over every training input (pipeline config, domain, rules,
NLU data, and the locked Rasa version); the model is stored as ``models/<fingerprint>.tar.gz``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from stack.paths import BOT_DIR, MODELS_DIR, RASA, ROOT

log = logging.getLogger(__name__)


class TrainingFailed(Exception):
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        super().__init__(f"Rasa training failed; see its log: {log_path}")


def training_inputs(root: Path = ROOT) -> list[Path]:
    bot, nlu = root / "bot", root / "data" / "nlu"
    files = [bot / "config.yml", bot / "requirements.lock", *sorted((bot / "components").glob("*.py"))]
    files += sorted((bot / "domain").glob("*.yml")) + sorted((bot / "data").glob("*.yml"))
    files += sorted(nlu.glob("*.yml"))
    return files


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:20]


@dataclass(frozen=True)
class ModelResult:
    path: Path
    trained: bool
    seconds: float


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONWARNINGS": "ignore",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONPATH": str(BOT_DIR),  # our custom Rasa components live in bot/components
        }
    )
    return env


def ensure_model(models_dir: Path = MODELS_DIR, log_dir: Path | None = None) -> ModelResult:
    """Return the model for the current inputs, training it first if there is none."""
    fp = fingerprint()
    target = models_dir / f"{fp}.tar.gz"
    if target.exists():
        log.info("model up to date (fingerprint %s): training skipped", fp)
        return ModelResult(target, trained=False, seconds=0.0)
    models_dir.mkdir(parents=True, exist_ok=True)
    log_dir = log_dir or ROOT / "var" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    train_log = log_dir / "rasa-train.log"
    partial = f"partial-{fp}"
    cmd = [
        str(RASA),
        "train",
        "--config",
        str(BOT_DIR / "config.yml"),
        "--domain",
        str(BOT_DIR / "domain"),
        "--data",
        str(ROOT / "data" / "nlu"),
        str(BOT_DIR / "data"),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        partial,
    ]
    log.info("training the Rasa model (fingerprint %s); log: %s", fp, train_log)
    started = time.monotonic()
    with train_log.open("w") as out:
        code = subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=rasa_env())
    produced = models_dir / f"{partial}.tar.gz"
    if code != 0 or not produced.exists():
        raise TrainingFailed(train_log)
    produced.replace(target)
    seconds = time.monotonic() - started
    log.info("model trained in %.0f s: %s", seconds, target)
    return ModelResult(target, trained=True, seconds=seconds)
