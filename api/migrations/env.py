"""Alembic environment: the URL comes from api.migrate.alembic_config."""

from __future__ import annotations

from typing import Any

from alembic import context

import api.models  # noqa: F401 - registers the tables
from api.db import Base, get_engine

config = context.config
RASA_TABLES = {"events"}  # Rasa's tracker store owns these; never touch them


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name in RASA_TABLES)


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    with get_engine(url).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
