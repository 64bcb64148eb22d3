"""Retention: delete old conversations and their Rasa tracker events; delete one on request.

- A conversation whose last activity is older than ``RETENTION_DAYS`` is deleted with its
  messages and Rasa tracker events; one that was handed off to staff is kept for
  ``HANDOFF_RETENTION_DAYS`` instead (and never while its handoff is still open).
- Rasa tracker events older than the longest retention are deleted whatever their sender.
- ``delete_conversation`` is "delete my chat": messages, handoffs, feedback and tracker events.

Run by the run command every ``RETENTION_INTERVAL_MINUTES`` and by ``python -m api.retention``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, delete, exists, inspect, select, text
from sqlalchemy.orm import Session

from api.db import session_scope
from api.models import OPEN_HANDOFF, Conversation, Handoff, StaffSession, utcnow
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    conversations: int
    tracker_events: int


def _has_events_table(conn: Connection) -> bool:
    return inspect(conn).has_table("events")


def _delete_events(session: Session, sender_ids: list[str]) -> int:
    conn = session.connection()
    if not sender_ids or not _has_events_table(conn):
        return 0
    total = 0
    for i in range(0, len(sender_ids), 500):
        chunk = sender_ids[i : i + 500]
        params = {f"s{j}": sid for j, sid in enumerate(chunk)}
        names = ", ".join(f":s{j}" for j in range(len(chunk)))
        total += conn.execute(text(f"DELETE FROM events WHERE sender_id IN ({names})"), params).rowcount or 0
    return total


def delete_conversation(session: Session, conversation_id: str) -> bool:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return False
    session.delete(conversation)  # messages, handoffs, feedback: ON DELETE CASCADE + ORM cascade
    session.flush()
    _delete_events(session, [conversation_id])
    return True


def purge(session: Session, settings: Settings, now: dt.datetime | None = None) -> PurgeResult:
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=settings.retention_days)
    handoff_cutoff = now - dt.timedelta(days=settings.handoff_retention_days)
    had_handoff = exists().where(Handoff.conversation_id == Conversation.id)
    open_handoff = exists().where(Handoff.conversation_id == Conversation.id, Handoff.status.in_(OPEN_HANDOFF))
    stale = select(Conversation.id).where(
        ~open_handoff,
        ((~had_handoff) & (Conversation.updated_at < cutoff))
        | (had_handoff & (Conversation.updated_at < handoff_cutoff)),
    )
    ids = list(session.scalars(stale))
    if ids:
        session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    events = _delete_events(session, ids)
    conn = session.connection()
    if _has_events_table(conn):
        oldest = min(cutoff, handoff_cutoff).timestamp()
        events += conn.execute(text("DELETE FROM events WHERE timestamp < :t"), {"t": oldest}).rowcount or 0
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    session.commit()
    if ids or events:
        log.info("retention: deleted %d conversation(s) and %d tracker event(s)", len(ids), events)
    return PurgeResult(len(ids), events)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        result = purge(session, settings)
    print(f"deleted {result.conversations} conversation(s), {result.tracker_events} tracker event(s)")


if __name__ == "__main__":
    main()
