"""A long conversation: the API starts a new Rasa session every RASA_SESSION_MESSAGES messages,
the person's status is still remembered afterwards, and Rasa's current session stays short."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from api.turns import RASA_SESSION_MESSAGES
from tests.integration.conftest import RunningStack

pytestmark = pytest.mark.integration


def _replies(response: object) -> list[dict[str, object]]:
    assert getattr(response, "status_code", None) == 200, getattr(response, "text", "")
    replies: list[dict[str, object]] = response.json()["replies"]  # type: ignore[attr-defined]
    return replies


def test_long_conversation_keeps_status_and_short_rasa_sessions(running: RunningStack) -> None:
    cid = running.new_conversation("en")
    [ask] = _replies(running.say(cid, "/kb_health_rights_by_status"))
    assert ask["kind"] == "clarify"
    [answer] = _replies(running.say(cid, '/inform_status{"status": "refugee"}'))
    assert answer["status"] == "refugee"
    turns = RASA_SESSION_MESSAGES + 10  # at least two new sessions (each turn stores 2 messages)
    for _ in range(turns):
        [reply] = _replies(running.say(cid, "/kb_gp_get_a_gp"))
        assert reply["kind"] == "answer" and reply["article_id"] == "gp-get-a-gp"
    # still known after the new sessions: answered at once, for that status
    [again] = _replies(running.say(cid, "/kb_health_rights_by_status"))
    assert again["kind"] == "answer" and again["status"] == "refugee"

    engine = create_engine(running.settings.database_url)
    with engine.connect() as db:
        rows = db.execute(text("SELECT type_name, data FROM events WHERE sender_id = :c ORDER BY id"), {"c": cid}).all()
        session_seq = db.execute(text("SELECT rasa_session_seq FROM conversations WHERE id = :c"), {"c": cid}).scalar()
    engine.dispose()
    starts = [i for i, (kind, _) in enumerate(rows) if kind == "session_started"]
    assert len(starts) >= 3  # Rasa's first session and at least two the API began
    assert session_seq is not None and session_seq > RASA_SESSION_MESSAGES
    latest = rows[starts[-1] :]
    carried = [json.loads(data)["name"] for kind, data in latest[:4] if kind == "slot"]
    assert "status" in carried
    # the current session holds only the turns since it began, not the whole conversation
    assert len(latest) < len(rows) / 2
    assert sum(1 for kind, _ in latest if kind == "slot") <= RASA_SESSION_MESSAGES
