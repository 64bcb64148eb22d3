"""The chat API's contract (request and response bodies)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from knowledge.model import Topic  # one list of topics, in the article format


class Kind(StrEnum):
    answer = "answer"
    clarify = "clarify"
    handoff = "handoff"
    crisis = "crisis"
    smalltalk = "smalltalk"
    fallback = "fallback"
    error = "error"


class Button(BaseModel):
    title: str
    payload: str


class SourceOut(BaseModel):
    url: str
    title: str
    checked: dt.date | None = None


class ProvenanceOut(BaseModel):
    """How the text in this language was made, and whether a person has checked it."""

    method: str = Field(description="human | machine | draft")
    review: str = Field(description="reviewed | unreviewed")
    stale: bool = Field(default=False, description="the Norwegian master changed after this translation")
    master_version: int | None = None
    source_version: int | None = None


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str
    language: str
    kind: Kind
    buttons: list[Button] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    article_id: str | None = None
    topic: Topic | None = None
    title: str | None = None
    status: str | None = None
    sources: list[SourceOut] = Field(default_factory=list)
    last_verified: dt.date | None = None
    provenance: ProvenanceOut | None = None
    handoff_reason: str | None = Field(default=None, description="set by the bot when it hands over")
    staff_role: str | None = Field(default=None, description="who is answering, when staff answer")
    original: str | None = Field(default=None, description="the text before machine translation")


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: str | None = Field(default=None, description="nb, en, uk, ar, ti, so or fa")


class ConversationOut(BaseModel):
    id: str
    language: str | None
    state: str
    created_at: dt.datetime


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    lang: str | None = None


class MessageResult(BaseModel):
    conversation_id: str
    message_id: int
    language: str
    replies: list[Reply]


class TranscriptMessage(BaseModel):
    seq: int
    sender: str
    text: str
    language: str | None
    kind: str | None
    delivery: str
    created_at: dt.datetime
    reply: Reply | None = None


class Transcript(BaseModel):
    id: str
    language: str | None
    state: str
    created_at: dt.datetime
    messages: list[TranscriptMessage]


class ErrorOut(BaseModel):
    error: str
    detail: str
    message: str | None = Field(default=None, description="a short text for the person, in their language")
    stored: bool = False


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, description="the seq of the assistant's message, from the transcript")
    helpful: bool
