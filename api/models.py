"""Database models owned by the API. Rasa's tracker store keeps its own ``events`` table."""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, UTCDateTime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_conversation_id() -> str:
    return secrets.token_urlsafe(24)


class ConversationState(StrEnum):
    bot = "bot"
    handoff = "handoff"
    closed = "closed"


class Sender(StrEnum):
    person = "person"
    bot = "bot"
    staff = "staff"
    system = "system"


class Delivery(StrEnum):
    answered = "answered"  # the bot (or staff) has replied
    pending = "pending"  # stored, not yet answered (e.g. Rasa was down)
    to_staff = "to_staff"  # the conversation is with staff: the bot stays silent
    sent = "sent"  # an outgoing message


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_conversation_id)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default=ConversationState.bot.value)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Message.seq"
    )


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_seq", "conversation_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sender: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str | None] = mapped_column(String(16))
    delivery: Mapped[str] = mapped_column(String(16), default=Delivery.sent.value)
    # article_id, topic, sources, provenance, buttons, last_verified ... as given to the person
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class HandoffReason(StrEnum):
    asked = "asked"  # the person asked for a person
    not_understood = "not_understood"  # two failed understandings in a row
    crisis = "crisis"  # the crisis screen matched
    sensitive = "sensitive"  # violence at home, a child at risk: offered and accepted
    staff = "staff"  # staff took over a live conversation


class Priority(StrEnum):
    urgent = "urgent"
    normal = "normal"


class HandoffStatus(StrEnum):
    waiting = "waiting"
    taken = "taken"
    closed = "closed"
    cancelled = "cancelled"  # the person went back to the bot


OPEN_HANDOFF = (HandoffStatus.waiting.value, HandoffStatus.taken.value)


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str | None] = mapped_column(String(64))  # e.g. the crisis category
    priority: Mapped[str] = mapped_column(String(16), default=Priority.normal.value)
    status: Mapped[str] = mapped_column(String(16), default=HandoffStatus.waiting.value, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    taken_by: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(200))
