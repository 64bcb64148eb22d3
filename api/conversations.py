"""Conversation and message storage (the API's own data access)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Conversation, Delivery, Message, Sender, utcnow
from api.schemas import Reply


def create(session: Session, language: str | None) -> Conversation:
    conversation = Conversation(language=language)
    session.add(conversation)
    session.commit()
    return conversation


def get(session: Session, conversation_id: str, *, lock: bool = False) -> Conversation | None:
    stmt = select(Conversation).where(Conversation.id == conversation_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def add_message(
    session: Session,
    conversation: Conversation,
    *,
    sender: Sender,
    text: str,
    language: str | None,
    kind: str | None = None,
    delivery: Delivery = Delivery.sent,
    payload: dict[str, Any] | None = None,
) -> Message:
    """Append a message with the next sequence number (the caller holds the conversation lock)."""
    last = session.scalar(select(func.max(Message.seq)).where(Message.conversation_id == conversation.id))
    message = Message(
        conversation_id=conversation.id,
        seq=(last or 0) + 1,
        sender=sender.value,
        text=text,
        language=language,
        kind=kind,
        delivery=delivery.value,
        payload=payload or {},
    )
    session.add(message)
    conversation.updated_at = utcnow()
    session.flush()
    return message


def add_reply(session: Session, conversation: Conversation, reply: Reply, sender: Sender = Sender.bot) -> Message:
    """Store a reply as the person will see it again in the transcript."""
    return add_replies(session, conversation, [reply], sender)[0]


def add_replies(
    session: Session, conversation: Conversation, replies: list[Reply], sender: Sender = Sender.bot
) -> list[Message]:
    """Store a turn's replies with consecutive sequence numbers: one query and one flush for all
    of them (the caller holds the conversation lock)."""
    last = session.scalar(select(func.max(Message.seq)).where(Message.conversation_id == conversation.id)) or 0
    stored = [
        Message(
            conversation_id=conversation.id,
            seq=last + i,
            sender=sender.value,
            text=reply.text,
            language=reply.language,
            kind=reply.kind.value,
            delivery=Delivery.sent.value,
            payload=reply.model_dump(mode="json", exclude={"text", "language", "kind"}),
        )
        for i, reply in enumerate(replies, start=1)
    ]
    session.add_all(stored)
    conversation.updated_at = utcnow()
    session.flush()
    return stored


def messages(session: Session, conversation_id: str, after: int = 0) -> list[Message]:
    stmt = select(Message).where(Message.conversation_id == conversation_id, Message.seq > after).order_by(Message.seq)
    return list(session.scalars(stmt))


def recent_person_messages(session: Session, conversation_id: str, seconds: int) -> int:
    since = utcnow() - dt.timedelta(seconds=seconds)
    stmt = select(func.count(Message.id)).where(
        Message.conversation_id == conversation_id,
        Message.sender == Sender.person.value,
        Message.created_at >= since,
    )
    return session.scalar(stmt) or 0


def message_at(session: Session, conversation_id: str, seq: int) -> Message | None:
    stmt = select(Message).where(Message.conversation_id == conversation_id, Message.seq == seq)
    return session.scalars(stmt).first()
