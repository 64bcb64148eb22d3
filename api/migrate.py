"""Apply the Alembic migrations: ``python -m api.migrate`` (the run command does this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from api.db import normalise_url
from api.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url or get_settings().database_url), "head")


if __name__ == "__main__":
    upgrade()
