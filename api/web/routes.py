"""The chat page (``GET /``) and its static files (``/static/``).

The page is rendered with Jinja2 in the person's language (``?lang=``, else ``Accept-Language``,
else English); the emergency numbers are plain HTML, readable without JavaScript. Every text
the page shows comes from ``knowledge/ui.yml`` and is embedded as a JSON data block, so the
script can switch language without another request. No inline script or style: the page
works under the API's strict Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from api.settings import Settings
from knowledge.languages import BY_CODE, CODES, LANGUAGES, MASTER

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
UI_FILE = HERE.parent.parent / "knowledge" / "ui.yml"
DEFAULT_LANGUAGE = "en"

# The topic buttons on the first screen: (text key, payload sent as the person's message).
TOPICS: tuple[tuple[str, str], ...] = (
    ("topic_health", "/kb_health_rights_by_status"),
    ("topic_gp", "/kb_gp_get_a_gp"),
    ("topic_residence", "/kb_residence_asylum_process"),
    ("topic_child_welfare", "/kb_cw_what_barnevernet_does"),
    ("talk_to_person", "/ask_human"),
)
# Texts with placeholders the server fills in from the settings.
FILLED = ("privacy_how_long", "privacy_delete")
# Other names browsers send for our languages.
ALIASES = {"no": "nb", "nn": "nb", "prs": "fa", "fa-af": "fa", "ti-er": "ti", "ti-et": "ti"}

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES_DIR)


@dataclass(frozen=True)
class UiTexts:
    texts: dict[str, dict[str, str]]
    meta: dict[str, dict[str, Any]]


def check_ui_texts(data: Any) -> UiTexts:
    """The file's shape: every text in every language; raise ValueError naming what is missing."""
    if not isinstance(data, dict) or not isinstance(data.get("texts"), dict):
        raise ValueError(f"{UI_FILE.name}: expected a mapping with 'languages' and 'texts'")
    meta = data.get("languages") or {}
    problems = [f"languages: no entry for {code!r}" for code in CODES if code not in meta]
    texts: dict[str, dict[str, str]] = {}
    for key, variants in data["texts"].items():
        if not isinstance(variants, dict):
            problems.append(f"{key}: expected one text per language")
            continue
        missing = [code for code in CODES if not isinstance(variants.get(code), str) or not variants[code].strip()]
        unknown = [code for code in variants if code not in BY_CODE]
        if missing:
            problems.append(f"{key}: no text in {', '.join(missing)}")
        if unknown:
            problems.append(f"{key}: unknown language {', '.join(unknown)}")
        texts[str(key)] = {code: str(variants.get(code, "")) for code in CODES}
    if problems:
        raise ValueError(f"{UI_FILE.name}: " + "; ".join(problems))
    return UiTexts(texts=texts, meta=meta)


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> UiTexts:
    with path.open(encoding="utf-8") as fh:
        return check_ui_texts(yaml.safe_load(fh))


def ui_texts(path: Path = UI_FILE) -> UiTexts:
    """The page's texts; an edited file is read again on the next page load."""
    return _load(path, path.stat().st_mtime_ns)


def filled_texts(ui: UiTexts, settings: Settings) -> dict[str, dict[str, str]]:
    """The texts with the settings' values put in (retention days, the delete button's name)."""
    texts = {key: dict(variants) for key, variants in ui.texts.items()}
    for key in FILLED:
        for code in CODES:
            texts[key][code] = ui.texts[key][code].format(
                days=settings.retention_days,
                handoff_days=settings.handoff_retention_days,
                delete=ui.texts["delete_chat"][code],
            )
    return texts


def negotiate(query_lang: str | None, accept_language: str | None) -> str:
    """``?lang=`` if we speak it, else the best of ``Accept-Language``, else English."""
    if query_lang in BY_CODE:
        return query_lang
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = ALIASES.get(tag) or ALIASES.get(tag.split("-")[0]) or tag.split("-")[0]
        if code in BY_CODE and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


_HTML_UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", ord("'"): "\\u0027"}


def json_for_html(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: UTF-8 (smaller than ``tojson``'s
    ``\\u`` escapes for every non-ASCII letter), with ``<``, ``>``, ``&`` and ``'`` escaped so no
    text can close the block."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_HTML_UNSAFE))  # noqa: S704 - escaped above


@lru_cache(maxsize=1)
def asset_version() -> str:
    """A short hash of the static files, so a changed file is never served from an old cache."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, lang: str | None = None) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    code = negotiate(lang, request.headers.get("accept-language"))
    texts = filled_texts(ui_texts(), settings)
    data = {
        "default_lang": code,
        "languages": [{"code": lang.code, "name": lang.native_name, "rtl": lang.rtl} for lang in LANGUAGES],
        "master": MASTER,
        "max_chars": settings.max_message_chars,
        "topics": [{"key": key, "payload": payload} for key, payload in TOPICS],
        "texts": texts,
    }
    context = {
        "lang": code,
        "dir": "rtl" if BY_CODE[code].rtl else "ltr",
        "t": {key: variants[code] for key, variants in texts.items()},
        "languages": LANGUAGES,
        "topics": TOPICS,
        "max_chars": settings.max_message_chars,
        "version": asset_version(),
        "data": json_for_html(data),
    }
    response = templates.TemplateResponse(request, "chat.html", context)
    response.headers["Content-Language"] = code
    response.headers["Vary"] = "Accept-Language"
    response.headers["Cache-Control"] = "no-cache"
    return response


def mount(app: FastAPI) -> None:
    """Serve the chat page at ``/`` and its files under ``/static/``."""
    ui_texts()  # a broken ui.yml stops the start, with the reason
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
