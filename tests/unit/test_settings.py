from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.settings import DEV_SECRET, Settings, parse_opening_hours


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_defaults_are_sqlite_and_loopback() -> None:
    s = make()
    assert s.database_url.startswith("sqlite:///")
    assert s.rasa_url == "http://127.0.0.1:5005"
    assert s.action_server_url == "http://127.0.0.1:5055/webhook"
    assert s.retention_days == 30


def test_default_secret_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        make(app_env="production")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        make(app_env="production", secret_key=DEV_SECRET)
    assert make(app_env="production", secret_key="x" * 40).app_env == "production"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RASA_PORT", "6000")
    monkeypatch.setenv("RETENTION_DAYS", "7")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    s = make()
    assert s.rasa_url == "http://127.0.0.1:6000"
    assert s.retention_days == 7
    assert s.database_url.startswith("postgresql://")


def test_opening_hours_parsed_and_bad_ones_explained() -> None:
    spans = parse_opening_hours("mon-fri 09:00-15:00; sat 10:00-13:00")
    assert spans[0].days == (0, 1, 2, 3, 4)
    assert spans[1].start == dt.time(10, 0)
    with pytest.raises(ValidationError, match="cannot read"):
        make(opening_hours="weekdays 9-15")
    with pytest.raises(ValidationError, match="ends before it starts"):
        make(opening_hours="mon 15:00-09:00")
