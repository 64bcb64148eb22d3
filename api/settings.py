"""Settings from the environment or a ``.env`` file (pydantic-settings).

Every setting is listed, with its default, in the README's settings table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-insecure-secret-key"  # noqa: S105 - refused outside development

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(?P<d1>[a-z]{3})(?:-(?P<d2>[a-z]{3}))?\s+(?P<h1>\d{1,2}:\d{2})-(?P<h2>\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class OpeningSpan:
    days: tuple[int, ...]
    start: dt.time
    end: dt.time


def parse_opening_hours(text: str) -> tuple[OpeningSpan, ...]:
    """Parse e.g. ``"mon-fri 09:00-15:00; sat 10:00-13:00"``; raise ValueError with a hint."""
    spans: list[OpeningSpan] = []
    for part in (p.strip().lower() for p in text.split(";")):
        if not part:
            continue
        m = _SPAN.match(part)
        if not m or m["d1"] not in _DAYS or (m["d2"] and m["d2"] not in _DAYS):
            raise ValueError(f"opening hours: cannot read {part!r}; write e.g. 'mon-fri 09:00-15:00; sat 10:00-13:00'")
        first = _DAYS.index(m["d1"])
        last = _DAYS.index(m["d2"]) if m["d2"] else first
        start, end = dt.time.fromisoformat(m["h1"].zfill(5)), dt.time.fromisoformat(m["h2"].zfill(5))
        if end <= start or last < first:
            raise ValueError(f"opening hours: {part!r} ends before it starts")
        spans.append(OpeningSpan(tuple(range(first, last + 1)), start, end))
    return tuple(spans)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ROOT / ".env", env_file_encoding="utf-8", extra="ignore")

    app_env: Literal["development", "test", "production"] = "development"
    secret_key: str = DEV_SECRET
    database_url: str = f"sqlite:///{ROOT / 'var' / 'assistant.db'}"

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    rasa_port: int = Field(default=5005, ge=1, le=65535)
    action_port: int = Field(default=5055, ge=1, le=65535)
    rasa_url: str = ""  # default: http://127.0.0.1:{rasa_port}
    rasa_urls: str = ""  # several Rasa servers, comma-separated (scale-out); default: rasa_url
    redis_url: str = ""  # Rasa's lock store when several Rasa servers share the tracker store
    action_server_url: str = ""  # default: http://127.0.0.1:{action_port}/webhook
    rasa_timeout_seconds: float = Field(default=20.0, gt=0)

    opening_hours: str = "mon-fri 09:00-15:00"
    timezone: str = "Europe/Oslo"
    expected_reply_minutes: int = Field(default=30, ge=1)
    retention_days: int = Field(default=30, ge=1)
    handoff_retention_days: int = Field(default=90, ge=1)

    max_message_chars: int = Field(default=2000, ge=1)
    max_request_bytes: int = Field(default=32_768, ge=256)
    rate_limit_per_conversation: int = Field(default=20, ge=1)  # person messages a minute
    rate_limit_per_client: int = Field(default=120, ge=1)  # requests a minute from one address
    retention_interval_minutes: int = Field(default=60, ge=1)
    knowledge_dir: Path = ROOT / "knowledge" / "articles"
    translation_models_dir: Path | None = None
    log_level: str = "INFO"
    var_dir: Path = ROOT / "var"

    @field_validator("opening_hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        parse_opening_hours(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @model_validator(mode="after")
    def _derived_and_secret(self) -> Settings:
        if not self.rasa_url:
            self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        if not self.action_server_url:
            self.action_server_url = f"http://127.0.0.1:{self.action_port}/webhook"
        self.rasa_url = self.rasa_url.rstrip("/")
        if self.app_env != "development" and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ValueError(
                "SECRET_KEY must be set to a random value of at least 32 characters outside development "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    def as_env(self) -> dict[str, str]:
        """These settings as environment variables, for the processes the run command starts."""
        return {name.upper(): str(value) for name, value in self.model_dump().items() if value is not None}

    @property
    def rasa_servers(self) -> list[str]:
        urls = [u.strip().rstrip("/") for u in self.rasa_urls.split(",") if u.strip()]
        return urls or [self.rasa_url]

    @property
    def opening_spans(self) -> tuple[OpeningSpan, ...]:
        return parse_opening_hours(self.opening_hours)


@lru_cache
def get_settings() -> Settings:
    return Settings()
