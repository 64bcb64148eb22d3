"""The chat API: conversations, messages, transcript."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse

from api import conversations as store
from api import handoffs
from api.deps import RasaDep, SessionDep, SettingsDep
from api.models import Feedback, HandoffStatus, Sender
from api.retention import delete_conversation
from api.schemas import (
    ConversationCreate,
    ConversationOut,
    ErrorOut,
    FeedbackIn,
    Kind,
    MessageIn,
    MessageResult,
    Reply,
    Transcript,
    TranscriptMessage,
)
from api.security import clean_text
from api.turns import DEFAULT_LANGUAGE, take_turn
from knowledge.languages import is_supported
from knowledge.phrases import phrase

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/conversations", tags=["chat"])


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
    conversation_id: str,
    body: MessageIn,
    request: Request,
    session: SessionDep,
    rasa: RasaDep,
    settings: SettingsDep,
) -> MessageResult | JSONResponse:
    lang_choice = _check_lang(body.lang)
    text = clean_text(body.text)
    conversation = store.get(session, conversation_id, lock=True)
    if conversation is None:
        raise _not_found()
    lang = lang_choice or conversation.language or DEFAULT_LANGUAGE  # for errors before detection
    client = request.client.host if request.client else "unknown"
    if not request.app.state.client_limiter.allow(client) or (
        store.recent_person_messages(session, conversation.id, seconds=60) >= settings.rate_limit_per_conversation
    ):
        raise HTTPException(status_code=429, detail=phrase("rate_limited", lang), headers={"Retry-After": "30"})
    if not text:
        raise HTTPException(status_code=422, detail=phrase("empty_message", lang))
    if len(text) > settings.max_message_chars:
        raise HTTPException(status_code=413, detail=phrase("too_long", lang, limit=settings.max_message_chars))
    turn = await take_turn(session, settings, rasa, conversation, text, lang_choice, request.app.state.translation)
    lang = turn.language
    if turn.unavailable:
        log.warning("message %s stored but not answered: %s", turn.incoming.id, turn.unavailable)
        error = ErrorOut(
            error="assistant_unavailable",
            detail=turn.unavailable,
            message=phrase("unavailable", lang),
            stored=True,
        )
        return JSONResponse(status_code=503, content=error.model_dump())
    log.info("message %s: %d reply(ies) %s", turn.incoming.id, len(turn.replies), [r.kind for r in turn.replies])
    return MessageResult(
        conversation_id=conversation.id, message_id=turn.incoming.id, language=lang, replies=turn.replies
    )


@router.patch("/{conversation_id}", response_model=ConversationOut)
def set_language(conversation_id: str, body: ConversationCreate, session: SessionDep) -> ConversationOut:
    """The language picker: the conversation continues in ``lang``."""
    conversation = store.get(session, conversation_id)
    if conversation is None:
        raise _not_found()
    conversation.language = _check_lang(body.lang) or conversation.language
    session.commit()
    return ConversationOut(
        id=conversation.id, language=conversation.language, state=conversation.state, created_at=conversation.created_at
    )


@router.post("/{conversation_id}/handoff/cancel", response_model=MessageResult)
def cancel_handoff(conversation_id: str, session: SessionDep) -> MessageResult:
    """The person goes back to the bot; staff see the handoff as cancelled."""
    conversation = store.get(session, conversation_id, lock=True)
    if conversation is None:
        raise _not_found()
    lang = conversation.language or DEFAULT_LANGUAGE
    if not handoffs.end(session, conversation, HandoffStatus.cancelled):
        raise HTTPException(status_code=409, detail="this conversation is not with staff")
    reply = Reply(text=phrase("handoff_cancelled", lang), language=lang, kind=Kind.smalltalk)
    message = store.add_reply(session, conversation, reply, sender=Sender.system)
    session.commit()
    return MessageResult(conversation_id=conversation.id, message_id=message.id, language=lang, replies=[reply])


@router.get("/{conversation_id}", response_model=Transcript)
def get_transcript(
    conversation_id: str, session: SessionDep, after: Annotated[int, Query(ge=0, description="only seq > after")] = 0
) -> Transcript:
    """What the person may see; poll with ``after`` (the last seq you have) for staff replies."""
    conversation = store.get(session, conversation_id)
    if conversation is None:
        raise _not_found()
    items = []
    for m in store.messages(session, conversation.id, after=after):
        reply = None
        if m.sender != Sender.person.value and m.kind:
            reply = Reply.model_validate({**m.payload, "text": m.text, "language": m.language, "kind": m.kind})
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


@router.delete("/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_chat(conversation_id: str, session: SessionDep) -> Response:
    """Delete my chat: the messages, any handoff and feedback, and Rasa's tracker events."""
    if not delete_conversation(session, conversation_id):
        raise _not_found()
    session.commit()
    log.info("conversation deleted on request")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{conversation_id}/feedback", status_code=status.HTTP_201_CREATED)
def feedback(conversation_id: str, body: FeedbackIn, session: SessionDep) -> dict[str, bool]:
    """Helpful / not helpful on one of the assistant's messages; editors see the totals."""
    conversation = store.get(session, conversation_id)
    if conversation is None:
        raise _not_found()
    message = store.message_at(session, conversation.id, body.seq)
    if message is None or message.sender == Sender.person.value:
        raise HTTPException(status_code=422, detail="seq must be one of the assistant's messages in this conversation")
    session.add(
        Feedback(
            conversation_id=conversation.id,
            seq=body.seq,
            article_id=(message.payload or {}).get("article_id"),
            helpful=body.helpful,
        )
    )
    session.commit()
    return {"stored": True}
