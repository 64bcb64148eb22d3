"""Opening and escalating handoffs to staff (the API's own data access for them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import (
    OPEN_HANDOFF,
    Conversation,
    ConversationState,
    Handoff,
    HandoffReason,
    HandoffStatus,
    Priority,
    utcnow,
)


def current(session: Session, conversation_id: str) -> Handoff | None:
    stmt = (
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_HANDOFF))
        .order_by(Handoff.id.desc())
    )
    return session.scalars(stmt).first()


def request(
    session: Session,
    conversation: Conversation,
    reason: HandoffReason,
    priority: Priority = Priority.normal,
    detail: str | None = None,
) -> Handoff:
    """Open a handoff, or raise the priority of the one already open; the bot goes silent."""
    handoff = current(session, conversation.id)
    if handoff is None:
        handoff = Handoff(conversation_id=conversation.id, reason=reason.value, priority=priority.value, detail=detail)
        session.add(handoff)
    elif priority is Priority.urgent and handoff.priority != Priority.urgent.value:
        handoff.priority = Priority.urgent.value
        handoff.reason = reason.value
        handoff.detail = detail
    conversation.state = ConversationState.handoff.value
    session.flush()
    return handoff


def end(session: Session, conversation: Conversation, status: HandoffStatus, outcome: str | None = None) -> bool:
    """Close or cancel the open handoff; the bot answers again. False when none was open."""
    handoff = current(session, conversation.id)
    conversation.state = ConversationState.bot.value
    if handoff is None:
        return False
    handoff.status = status.value
    handoff.closed_at = utcnow()
    handoff.outcome = outcome
    session.flush()
    return True


def take(handoff: Handoff, user_id: int | None) -> None:
    """A staff member takes the handoff (``None``: released back to the queue)."""
    if user_id is None:
        handoff.status, handoff.taken_by, handoff.taken_at = HandoffStatus.waiting.value, None, None
    else:
        handoff.status, handoff.taken_by, handoff.taken_at = HandoffStatus.taken.value, user_id, utcnow()
