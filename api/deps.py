"""Dependencies shared by the routes (FastAPI ``Annotated`` aliases)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.db import get_sessionmaker
from api.rasa_client import RasaClient
from api.settings import Settings

# Dependencies are ``async def`` on purpose: FastAPI runs plain ``def`` dependencies in its thread
# pool, one hop each per request; these do no blocking work (a session connects on first use).


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    session = get_sessionmaker(request.app.state.settings.database_url)()
    try:
        yield session
    finally:
        session.close()


async def get_rasa(request: Request) -> RasaClient:
    client: RasaClient = request.app.state.rasa
    return client


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
