"""Staff pages: login, the queue, transcripts with Norwegian beside the original, replies, notes,
closing, take-over, the access log (admins) and the unanswered-questions report (editors).

Server-rendered (Jinja2, autoescaped), no JavaScript, every POST checked against the session's
CSRF token. Every opening of a transcript is written to the access log.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api import conversations as store
from api import handoffs
from api.deps import SessionDep
from api.models import (
    OPEN_HANDOFF,
    AccessLog,
    Conversation,
    ConversationState,
    Feedback,
    Handoff,
    HandoffReason,
    HandoffStatus,
    Message,
    Note,
    Priority,
    Role,
    Sender,
    StaffSession,
    StaffUser,
    utcnow,
)
from api.safety.normalise import normalise
from api.schemas import Kind, ProvenanceOut, Reply
from api.security import clean_text
from api.staff import auth
from api.translation import TranslationService
from knowledge.languages import BY_CODE, MASTER
from knowledge.phrases import phrase

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(prefix="/staff", tags=["staff"], include_in_schema=False)
OUTCOMES = ("answered", "referred to a service", "emergency services contacted", "no reply from the person", "other")
MAX_TEXT = 4000
WHO = {"person": "Personen", "bot": "Assistenten", "system": "System"}


class NotLoggedIn(Exception):
    """Raised by the auth dependency; the app turns it into a redirect to the login page."""


@dataclass(frozen=True)
class Staff:
    user: StaffUser
    session: StaffSession


def _secure_cookies(request: Request) -> bool:
    return bool(request.app.state.settings.app_env == "production")


def current_staff(request: Request, session: SessionDep) -> Staff:
    found = auth.session_for(session, request.cookies.get(auth.COOKIE))
    if found is None:
        raise NotLoggedIn
    user = session.get(StaffUser, found.user_id)
    if user is None or not user.active:
        raise NotLoggedIn
    return Staff(user, found)


def require(*roles: Role) -> Any:
    allowed = {r.value for r in roles} | {Role.admin.value}

    def dependency(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
        if staff.user.role not in allowed:
            raise HTTPException(status_code=403, detail="your role may not open this page")
        return staff

    return Depends(dependency)


StaffDep = Annotated[Staff, require(Role.staff)]
EditorDep = Annotated[Staff, require(Role.editor)]
AdminDep = Annotated[Staff, require()]
AnyStaffDep = Annotated[Staff, Depends(current_staff)]


def check_csrf(staff: Staff, csrf: str | None) -> None:
    if not auth.csrf_ok(staff.session, csrf):
        raise HTTPException(status_code=403, detail="the form has expired or did not come from this site (CSRF)")


def _page(request: Request, name: str, staff: Staff | None, **context: Any) -> HTMLResponse:
    context |= {"user": staff.user if staff else None, "csrf": staff.session.csrf_token if staff else ""}
    return templates.TemplateResponse(request, name, context)


def _translator(request: Request) -> TranslationService:
    service: TranslationService = request.app.state.translation
    return service


def _lang_name(code: str | None) -> str:
    lang = BY_CODE.get(code or "")
    return f"{lang.native_name} ({lang.code})" if lang else (code or "?")


def _ago(then: dt.datetime, now: dt.datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} t {minutes % 60} min"


def _local(at: dt.datetime, tz: str) -> str:
    """A time as staff read it: in the service's time zone (TIMEZONE), not the server's."""
    return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


# --- login -------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _page(request, "login.html", None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> Response:
    try:
        _user, token = auth.login(session, username, password)
    except auth.AuthError as exc:
        return _page(request, "login.html", None, error=str(exc), username=username)
    response = RedirectResponse("/staff/", status_code=303)
    response.set_cookie(
        auth.COOKIE,
        token,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(request),
        path="/staff",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, staff: AnyStaffDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    auth.logout(session, request.cookies.get(auth.COOKIE))
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/staff")
    return response


@router.get("/static/staff.css", include_in_schema=False)
def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "staff.css", media_type="text/css")


# --- queue and live conversations ----------------------------------------------------------------------


def _last_topic(session: Session, conversation_id: str) -> str | None:
    stmt = (
        select(Message.payload)
        .where(Message.conversation_id == conversation_id, Message.sender == Sender.bot.value)
        .order_by(Message.seq.desc())
    )
    for payload in session.scalars(stmt):
        if payload and payload.get("topic"):
            return str(payload["topic"])
    return None


@router.get("/", response_class=HTMLResponse)
def queue(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    now = utcnow()
    urgent_first = (Handoff.priority != Priority.urgent.value).asc()
    stmt = (
        select(Handoff, Conversation)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .where(Handoff.status.in_(OPEN_HANDOFF))
        .order_by(urgent_first, Handoff.created_at)
    )
    names = {u.id: u.username for u in session.scalars(select(StaffUser))}
    rows = [
        {
            "id": h.id,
            "conversation_id": c.id,
            "priority": h.priority,
            "waiting": _ago(h.created_at, now),
            "language_name": _lang_name(c.language),
            "topic": _last_topic(session, c.id),
            "reason": h.reason,
            "detail": h.detail,
            "taken_by": names.get(h.taken_by) if h.taken_by else None,
            "taken_by_me": h.taken_by == staff.user.id,
        }
        for h, c in session.execute(stmt)
    ]
    return _page(request, "queue.html", staff, rows=rows)


def _handoff_or_404(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.status not in OPEN_HANDOFF:
        raise HTTPException(status_code=404, detail="no such open handoff")
    return handoff


@router.post("/handoffs/{handoff_id}/take")
def take(session: SessionDep, staff: StaffDep, handoff_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    handoff = _handoff_or_404(session, handoff_id)
    handoffs.take(handoff, staff.user.id)
    session.commit()
    return RedirectResponse(f"/staff/conversations/{handoff.conversation_id}", status_code=303)


@router.post("/handoffs/{handoff_id}/release")
def release(session: SessionDep, staff: StaffDep, handoff_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    handoff = _handoff_or_404(session, handoff_id)
    handoffs.take(handoff, None)
    session.commit()
    return RedirectResponse("/staff/", status_code=303)


@router.get("/live", response_class=HTMLResponse)
def live(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    tz = request.app.state.settings.timezone
    since = utcnow() - dt.timedelta(days=1)
    counts = (
        select(Message.conversation_id, func.count(Message.id).label("n")).group_by(Message.conversation_id).subquery()
    )
    stmt = (
        select(Conversation, counts.c.n)
        .join(counts, counts.c.conversation_id == Conversation.id)
        .where(Conversation.updated_at >= since)
        .order_by(Conversation.updated_at.desc())
        .limit(200)
    )
    rows = [
        {
            "id": c.id,
            "updated": _local(c.updated_at, tz),
            "language_name": _lang_name(c.language),
            "count": n,
            "state": c.state,
        }
        for c, n in session.execute(stmt)
    ]
    return _page(request, "live.html", staff, rows=rows)


# --- one conversation ----------------------------------------------------------------------------------


def _conversation_or_404(session: Session, conversation_id: str) -> Conversation:
    conversation = store.get(session, conversation_id, lock=True)
    if conversation is None:
        raise HTTPException(status_code=404, detail="no such conversation")
    return conversation


def _log_access(session: Session, staff: Staff, conversation_id: str, action: str) -> None:
    session.add(
        AccessLog(user_id=staff.user.id, username=staff.user.username, conversation_id=conversation_id, action=action)
    )


def _to_norwegian(service: TranslationService, text: str, lang: str | None) -> tuple[str | None, bool]:
    """(Norwegian text or None when no model, machine-translated?)."""
    if not lang or lang == MASTER:
        return text, False
    translated = service.translate(text, lang, MASTER)
    return translated, translated is not None


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def transcript(
    request: Request, session: SessionDep, staff: StaffDep, conversation_id: str, flash: str | None = None
) -> HTMLResponse:
    tz = request.app.state.settings.timezone
    conversation = _conversation_or_404(session, conversation_id)
    _log_access(session, staff, conversation.id, "open transcript")
    session.commit()
    service = _translator(request)
    names = {u.id: u.username for u in session.scalars(select(StaffUser))}
    messages, articles = [], []
    for m in store.messages(session, conversation.id):
        payload = m.payload or {}
        if payload.get("article_id") and payload["article_id"] not in articles:
            articles.append(payload["article_id"])
        if m.sender == Sender.staff.value and payload.get("original"):
            norwegian, machine = payload["original"], False
        else:
            norwegian, machine = _to_norwegian(service, m.text, m.language)
        lang = BY_CODE.get(m.language or "")
        messages.append(
            {
                "seq": m.seq,
                "who": payload.get("staff_role")
                or {"person": "Personen", "bot": "Assistenten"}.get(m.sender, m.sender),
                "time": _local(m.created_at, tz),
                "kind": m.kind,
                "text": m.text,
                "language": m.language,
                "dir": "rtl" if lang and lang.rtl else "auto",
                "norwegian": norwegian,
                "machine": machine,
                "redacted": ", ".join(payload.get("redacted") or []),
            }
        )
    notes = [
        {"time": _local(n.created_at, tz), "author": names.get(n.author_id or -1, "?"), "text": n.text}
        for n in session.scalars(select(Note).where(Note.conversation_id == conversation.id).order_by(Note.id))
    ]
    lang_code = conversation.language or "en"
    return _page(
        request,
        "transcript.html",
        staff,
        conversation_id=conversation.id,
        state=conversation.state,
        language_name=_lang_name(conversation.language),
        handoff=handoffs.current(session, conversation.id),
        articles=articles,
        messages=messages,
        notes=notes,
        outcomes=OUTCOMES,
        flash=flash,
        translation_available=lang_code == MASTER or service.can_translate(lang_code, MASTER),
        reply_translated=lang_code == MASTER or service.can_translate(MASTER, lang_code),
    )


def _back(conversation_id: str, flash: str) -> RedirectResponse:
    return RedirectResponse(f"/staff/conversations/{conversation_id}?flash={quote(flash)}", status_code=303)


def _clean(text: str) -> str:
    cleaned = clean_text(text)
    if not cleaned:
        raise HTTPException(status_code=422, detail="the text is empty")
    if len(cleaned) > MAX_TEXT:
        raise HTTPException(status_code=413, detail=f"the text is longer than {MAX_TEXT} characters")
    return cleaned


def staff_reply(service: TranslationService, text_nb: str, lang: str, role: str) -> Reply:
    """A staff reply as the person receives it: in their language when a model exists, labelled."""
    if lang == MASTER:
        return Reply(
            text=text_nb,
            language=MASTER,
            kind=Kind.handoff,
            staff_role=role,
            provenance=ProvenanceOut(method="human", review="reviewed"),
        )
    translated = service.translate(text_nb, MASTER, lang)
    if translated:
        return Reply(
            text=translated,
            language=lang,
            kind=Kind.handoff,
            staff_role=role,
            original=text_nb,
            notes=[phrase("staff_translated_label", lang)],
            provenance=ProvenanceOut(method="machine", review="unreviewed"),
        )
    return Reply(
        text=text_nb,
        language=MASTER,
        kind=Kind.handoff,
        staff_role=role,
        notes=[phrase("fallback_language_note", lang, language=BY_CODE[MASTER].native_name)],
        provenance=ProvenanceOut(method="human", review="reviewed"),
    )


@router.post("/conversations/{conversation_id}/reply")
def reply(
    request: Request,
    session: SessionDep,
    staff: StaffDep,
    conversation_id: str,
    text: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(staff, csrf)
    conversation = _conversation_or_404(session, conversation_id)
    if conversation.state != ConversationState.handoff.value:
        raise HTTPException(status_code=409, detail="take the conversation over before replying")
    message = staff_reply(_translator(request), _clean(text), conversation.language or "en", staff.user.display_role)
    handoff = handoffs.current(session, conversation.id)
    if handoff is not None and handoff.status == HandoffStatus.waiting.value:
        handoffs.take(handoff, staff.user.id)
    store.add_reply(session, conversation, message, sender=Sender.staff)
    _log_access(session, staff, conversation.id, "reply")
    session.commit()
    return _back(conversation.id, "Svaret er sendt.")


@router.post("/conversations/{conversation_id}/notes")
def add_note(
    session: SessionDep,
    staff: StaffDep,
    conversation_id: str,
    text: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(staff, csrf)
    conversation = _conversation_or_404(session, conversation_id)
    session.add(Note(conversation_id=conversation.id, author_id=staff.user.id, text=_clean(text)))
    session.commit()
    return _back(conversation.id, "Notatet er lagret.")


@router.post("/conversations/{conversation_id}/close")
def close(
    session: SessionDep,
    staff: StaffDep,
    conversation_id: str,
    outcome: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Close the handoff with an outcome; the conversation goes back to the assistant."""
    check_csrf(staff, csrf)
    if outcome not in OUTCOMES:
        raise HTTPException(status_code=422, detail=f"outcome must be one of {list(OUTCOMES)}")
    conversation = _conversation_or_404(session, conversation_id)
    if not handoffs.end(session, conversation, HandoffStatus.closed, outcome):
        raise HTTPException(status_code=409, detail="this conversation is not with staff")
    lang = conversation.language or "en"
    back = Reply(text=phrase("handoff_cancelled", lang), language=lang, kind=Kind.smalltalk)
    store.add_reply(session, conversation, back, sender=Sender.system)
    _log_access(session, staff, conversation.id, f"close: {outcome}")
    session.commit()
    return RedirectResponse("/staff/", status_code=303)


@router.post("/conversations/{conversation_id}/takeover")
def takeover(session: SessionDep, staff: StaffDep, conversation_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    """Staff take over a live conversation: the bot goes silent in it."""
    check_csrf(staff, csrf)
    conversation = _conversation_or_404(session, conversation_id)
    handoffs.take(handoffs.request(session, conversation, HandoffReason.staff), staff.user.id)
    _log_access(session, staff, conversation.id, "take over")
    session.commit()
    return _back(conversation.id, "Du har tatt over samtalen.")


# --- admin and editor pages ----------------------------------------------------------------------------


@router.get("/access-log", response_class=HTMLResponse)
def access_log(request: Request, session: SessionDep, staff: AdminDep) -> HTMLResponse:
    tz = request.app.state.settings.timezone
    rows = [
        {"at": _local(r.at, tz), "username": r.username, "conversation_id": r.conversation_id, "action": r.action}
        for r in session.scalars(select(AccessLog).order_by(AccessLog.id.desc()).limit(500))
    ]
    return _page(request, "access_log.html", staff, rows=rows)


def unanswered_groups(session: Session, service: TranslationService, tz: str, limit: int = 200) -> list[dict[str, Any]]:
    """Person messages the bot met with a fallback (or a clarify with suggestions), grouped."""
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.sender.in_([Sender.person.value, Sender.bot.value]))
            .order_by(Message.conversation_id, Message.seq)
        )
    )
    groups: dict[str, dict[str, Any]] = {}
    languages: dict[str, Counter[str]] = defaultdict(Counter)
    for previous, current in itertools.pairwise(messages):
        if previous.conversation_id != current.conversation_id or previous.sender != Sender.person.value:
            continue
        suggestions = any(
            str(b.get("payload", "")).startswith("/kb_") for b in (current.payload or {}).get("buttons", [])
        )
        missed = current.kind == Kind.fallback.value or (current.kind == Kind.clarify.value and suggestions)
        if not missed or previous.text.startswith("/"):
            continue
        key = normalise(previous.text)
        group = groups.setdefault(key, {"text": previous.text, "language": previous.language, "count": 0})
        group["count"] += 1
        group["last"] = _local(previous.created_at, tz)
        languages[key][previous.language or "?"] += 1
    result = []
    for key, group in sorted(groups.items(), key=lambda kv: -int(kv[1]["count"]))[:limit]:
        lang = BY_CODE.get(group["language"] or "")
        norwegian, _machine = _to_norwegian(service, group["text"], group["language"])
        result.append(
            group
            | {
                "languages": ", ".join(languages[key]),
                "dir": "rtl" if lang and lang.rtl else "auto",
                "norwegian": norwegian,
            }
        )
    return result


@router.get("/unanswered", response_class=HTMLResponse)
def unanswered(request: Request, session: SessionDep, staff: EditorDep) -> HTMLResponse:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"helpful": 0, "not_helpful": 0})
    for f in session.scalars(select(Feedback)):
        counts[f.article_id or "–"]["helpful" if f.helpful else "not_helpful"] += 1
    feedback = [{"article_id": k, **v} for k, v in sorted(counts.items(), key=lambda kv: -kv[1]["not_helpful"])]
    groups = unanswered_groups(session, _translator(request), request.app.state.settings.timezone)
    return _page(request, "unanswered.html", staff, groups=groups, feedback=feedback)


def install(app: FastAPI) -> None:
    """Add the staff pages to the app: the router and the redirect to the login page."""
    app.include_router(router)

    @app.exception_handler(NotLoggedIn)
    async def _to_login(request: Request, _exc: NotLoggedIn) -> Response:
        if request.method == "GET":
            return RedirectResponse("/staff/login", status_code=303)
        return HTMLResponse("<h1>401</h1><p>Log in first.</p>", status_code=401)
