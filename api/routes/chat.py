"""The chat API: conversations, messages, transcript."""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api import conversations as store
from api.deps import RasaDep, SessionDep, SettingsDep
from api.models import Delivery, Sender
from api.rasa_client import RasaUnavailable, to_payloads
from api.schemas import (
    ConversationCreate,
    ConversationOut,
    ErrorOut,
    MessageIn,
    MessageResult,
    Reply,
    Transcript,
    TranscriptMessage,
)
from knowledge.languages import is_supported
from knowledge.phrases import phrase

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/conversations", tags=["chat"])
DEFAULT_LANGUAGE = "en"


def _check_lang(lang: str | None) -> str | None:
    if lang is not None and not is_supported(lang):
        raise HTTPException(
            status_code=422,
            detail=f"unknown language {lang!r}; use one of nb, en, uk, ar, ti, so, fa",
        )
    return lang


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="no such conversation")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConversationOut)
def create_conversation(body: ConversationCreate, session: SessionDep) -> ConversationOut:
    conversation = store.create(session, _check_lang(body.lang))
    log.info("conversation created")
    return ConversationOut(
        id=conversation.id,
        language=conversation.language,
        state=conversation.state,
        created_at=conversation.created_at,
    )


@router.post(
    "/{conversation_id}/messages",
    response_model=MessageResult,
    responses={503: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def post_message(
    conversation_id: str, body: MessageIn, session: SessionDep, rasa: RasaDep, settings: SettingsDep
) -> MessageResult | JSONResponse:
    lang_choice = _check_lang(body.lang)
    text = body.text.strip()
    conversation = store.get(session, conversation_id, lock=True)
    if conversation is None:
        raise _not_found()
    lang = lang_choice or conversation.language or DEFAULT_LANGUAGE
    if not text:
        raise HTTPException(status_code=422, detail=phrase("empty_message", lang))
    if len(text) > settings.max_message_chars:
        raise HTTPException(
            status_code=413, detail=phrase("too_long", lang, limit=settings.max_message_chars)
        )
    conversation.language = lang
    incoming = store.add_message(
        session, conversation, sender=Sender.person, text=text, language=lang, delivery=Delivery.pending
    )
    session.commit()  # stored before anything is forwarded: nothing is lost if Rasa is down

    try:
        raw = await rasa.send(conversation.id, text, {"lang": lang})
        payloads = to_payloads(raw, lang)
        if not payloads:
            raise RasaUnavailable("Rasa answered with no reply (is the action server down?)")
        replies = [Reply.model_validate(p) for p in payloads]
    except (RasaUnavailable, ValidationError) as exc:
        log.warning("message %s stored but not answered: %s", incoming.id, exc)
        error = ErrorOut(
            error="assistant_unavailable",
            detail=str(exc) if isinstance(exc, RasaUnavailable) else "the assistant gave an invalid reply",
            message=phrase("unavailable", lang),
            stored=True,
        )
        return JSONResponse(status_code=503, content=error.model_dump())

    conversation = store.get(session, conversation_id, lock=True) or conversation
    incoming.delivery = Delivery.answered.value
    for reply in replies:
        store.add_message(
            session,
            conversation,
            sender=Sender.bot,
            text=reply.text,
            language=reply.language,
            kind=reply.kind.value,
            payload=reply.model_dump(mode="json", exclude={"text", "language", "kind"}),
        )
    session.commit()
    log.info(
        "message %s answered with %d reply(ies): %s", incoming.id, len(replies), [r.kind for r in replies]
    )
    return MessageResult(
        conversation_id=conversation.id, message_id=incoming.id, language=lang, replies=replies
    )


@router.get("/{conversation_id}", response_model=Transcript)
def get_transcript(conversation_id: str, session: SessionDep) -> Transcript:
    conversation = store.get(session, conversation_id)
    if conversation is None:
        raise _not_found()
    items = []
    for m in store.messages(session, conversation.id):
        reply = None
        if m.sender != Sender.person.value and m.kind:
            reply = Reply.model_validate(
                {**m.payload, "text": m.text, "language": m.language, "kind": m.kind}
            )
        items.append(
            TranscriptMessage(
                seq=m.seq,
                sender=m.sender,
                text=m.text,
                language=m.language,
                kind=m.kind,
                delivery=m.delivery,
                created_at=m.created_at,
                reply=reply,
            )
        )
    return Transcript(
        id=conversation.id,
        language=conversation.language,
        state=conversation.state,
        created_at=conversation.created_at,
        messages=items,
    )
