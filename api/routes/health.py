"""``/health``: the state of each component, for the run command and operators."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.db import get_engine
from api.deps import RasaDep, SettingsDep

router = APIRouter(tags=["health"])


async def _action_server_up(url: str) -> bool:
    health = url.rsplit("/webhook", 1)[0] + "/health"
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            response = await client.get(health)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


@router.get("/health")
async def health(request: Request, settings: SettingsDep, rasa: RasaDep) -> JSONResponse:
    try:
        with get_engine(settings.database_url).connect() as conn:
            conn.execute(text("SELECT 1"))
        database: dict[str, Any] = {"ok": True}
    except Exception as exc:
        database = {"ok": False, "error": type(exc).__name__}
    servers = await rasa.server_states()
    store = request.app.state.knowledge
    store.refresh()
    knowledge = {
        "ok": not store.status.errors,
        "articles": store.status.articles,
        "errors": store.status.errors,
    }
    components: dict[str, dict[str, Any]] = {
        "api": {"ok": True},
        "database": database,
        "rasa": {"ok": any(servers.values()), "url": settings.rasa_url, "servers": servers},
        "action_server": {"ok": await _action_server_up(settings.action_server_url)},
        "knowledge": knowledge,
        "translation": {"ok": True, **request.app.state.translation.status()},
    }
    serving = all(components[c]["ok"] for c in ("database", "rasa", "action_server"))
    body = {"status": "ok" if serving and knowledge["ok"] else "degraded", "components": components}
    return JSONResponse(status_code=200 if serving else 503, content=body)
