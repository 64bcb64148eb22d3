"""Retention with a frozen clock, and delete-my-chat, including Rasa's tracker events."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from api import conversations as store
from api.db import session_scope
from api.models import Conversation, Handoff, HandoffReason, HandoffStatus, Message, Sender
from api.retention import delete_conversation, purge
from api.settings import Settings

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _events_table(settings: Settings) -> None:
    """Rasa's tracker-store table, as Rasa's SQLTrackerStore creates it."""
    key = "SERIAL PRIMARY KEY" if settings.database_url.startswith("postgresql") else "INTEGER PRIMARY KEY"
    with session_scope(settings.database_url) as session:
        session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS events (id {key}, sender_id VARCHAR(255), "
                "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), "
                "data TEXT)"
            )
        )


def _conversation(settings: Settings, days_old: float, handoff: HandoffStatus | None = None) -> str:
    at = NOW - dt.timedelta(days=days_old)
    with session_scope(settings.database_url) as session:
        conversation = Conversation(language="en", created_at=at, updated_at=at)
        session.add(conversation)
        session.flush()
        store.add_message(session, conversation, sender=Sender.person, text="hello", language="en")
        conversation.updated_at = at
        if handoff:
            session.add(Handoff(conversation_id=conversation.id, reason=HandoffReason.asked.value, status=handoff))
        session.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp) VALUES (:s, 'user', :t)"),
            {"s": conversation.id, "t": at.timestamp()},
        )
        return conversation.id


def _exists(settings: Settings, cid: str) -> bool:
    with session_scope(settings.database_url) as session:
        return session.get(Conversation, cid) is not None


def _events(settings: Settings, cid: str) -> int:
    with session_scope(settings.database_url) as session:
        return session.scalar(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": cid}) or 0


def test_old_conversations_and_their_tracker_events_are_deleted(settings: Settings) -> None:
    _events_table(settings)
    old = _conversation(settings, days_old=31)
    recent = _conversation(settings, days_old=29)
    handed_off_old = _conversation(settings, days_old=45, handoff=HandoffStatus.closed)
    handed_off_expired = _conversation(settings, days_old=91, handoff=HandoffStatus.closed)
    still_open = _conversation(settings, days_old=200, handoff=HandoffStatus.waiting)
    with session_scope(settings.database_url) as session:
        result = purge(session, settings, now=NOW)
    assert result.conversations == 2
    assert not _exists(settings, old) and _events(settings, old) == 0
    assert not _exists(settings, handed_off_expired)
    assert _exists(settings, recent) and _events(settings, recent) == 1
    assert _exists(settings, handed_off_old)  # handoff transcripts: HANDOFF_RETENTION_DAYS (90)
    assert _exists(settings, still_open)  # never while staff still have it open
    with session_scope(settings.database_url) as session:
        orphans = session.scalar(select(Message.id).where(Message.conversation_id == old))
        assert orphans is None


def test_purge_without_rasa_tables_works(settings: Settings) -> None:
    with session_scope(settings.database_url) as session:
        session.add(Conversation(language="nb", updated_at=NOW - dt.timedelta(days=40)))
    with session_scope(settings.database_url) as session:
        assert purge(session, settings, now=NOW).conversations == 1


def test_delete_my_chat_removes_everything(client: TestClient, settings: Settings) -> None:
    _events_table(settings)
    cid = client.post("/api/conversations", json={"lang": "en"}).json()["id"]
    client.post(f"/api/conversations/{cid}/messages", json={"text": "hello"})  # stored (Rasa is down)
    with session_scope(settings.database_url) as session:
        session.add(Handoff(conversation_id=cid, reason=HandoffReason.asked.value))
        session.execute(text("INSERT INTO events (sender_id, type_name, timestamp) VALUES (:s, 'user', 1)"), {"s": cid})
    assert client.delete(f"/api/conversations/{cid}").status_code == 204
    assert client.get(f"/api/conversations/{cid}").status_code == 404
    assert client.delete(f"/api/conversations/{cid}").status_code == 404
    with session_scope(settings.database_url) as session:
        assert session.scalar(select(Message.id).where(Message.conversation_id == cid)) is None
        assert session.scalar(select(Handoff.id).where(Handoff.conversation_id == cid)) is None
    assert _events(settings, cid) == 0


def test_delete_conversation_reports_unknown_ids(settings: Settings) -> None:
    with session_scope(settings.database_url) as session:
        assert delete_conversation(session, "no-such-id") is False
