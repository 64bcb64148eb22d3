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
    # the seq of the message that began the conversation's current Rasa session (see turns.py)
    rasa_session_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Message.seq"
    )
    handoffs: Mapped[list[Handoff]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    notes: Mapped[list[Note]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    feedback: Mapped[list[Feedback]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


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


class Role(StrEnum):
    staff = "staff"  # the queue, transcripts, replies, notes
    editor = "editor"  # the unanswered-questions report for content work
    admin = "admin"  # everything, including the access log


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # what the person sees as "who is answering" (a role, not a name), e.g. "Helsesykepleier"
    display_role: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StaffSession(Base):
    """Server-side sessions: the cookie holds a random token; the table holds its hash."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccessLog(Base):
    """Who opened which transcript when (Normen factsheet 15). Kept after the conversation is gone."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))


class Feedback(Base):
    """Helpful / not helpful on one bot message, for editors."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    article_id: Mapped[str | None] = mapped_column(String(60))
    helpful: Mapped[bool] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
