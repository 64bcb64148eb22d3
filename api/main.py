"""The FastAPI application: the only public entry point of the assistant."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.rasa_client import RasaClient
from api.routes import chat, health
from api.safety.crisis import crisis_screen
from api.security import BodySizeLimit, SecurityHeaders, SlidingWindow
from api.settings import Settings, get_settings
from api.staff import routes as staff
from api.translation import for_settings
from api.web import routes as web
from knowledge.loader import KnowledgeStore

log = logging.getLogger(__name__)


def _error_name(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase.lower().replace(" ", "_")
    except ValueError:
        return "error"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.rasa = RasaClient(settings.rasa_servers, settings.rasa_timeout_seconds)
        app.state.translation = for_settings(settings)
        try:
            yield
        finally:
            await app.state.rasa.close()

    app = FastAPI(
        title="Norway rights assistant",
        version="0.1.0",
        summary="Answers on health care, the GP, residence and child welfare, in seven languages.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.knowledge = KnowledgeStore(settings.knowledge_dir)
    app.state.client_limiter = SlidingWindow(settings.rate_limit_per_client)
    crisis_screen()  # a malformed crisis lexicon stops the start, with the reason, instead of a silent gap
    app.add_middleware(SecurityHeaders, production=settings.app_env == "production")
    app.add_middleware(BodySizeLimit, limit=settings.max_request_bytes)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if request.url.path.startswith("/staff"):
            return staff.templates.TemplateResponse(
                request,
                "error.html",
                {"status": exc.status_code, "heading": f"{exc.status_code}", "message": detail, "user": None},
                status_code=exc.status_code,
            )
        return JSONResponse(
            status_code=exc.status_code,
            content={"error": _error_name(exc.status_code), "detail": detail},
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in exc.errors()]
        return JSONResponse(status_code=422, content={"error": "invalid_request", "detail": "; ".join(problems)})

    app.include_router(chat.router)
    app.include_router(health.router)
    staff.install(app)
    web.mount(app)
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory api.main:app_factory``."""
    logging.basicConfig(level=get_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return create_app()
