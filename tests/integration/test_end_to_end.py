"""A message travels phone → API → Rasa (REST channel) → action server → knowledge file and back."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from api.db import session_scope
from api.models import Message
from stack.model import ensure_model
from tests.integration.conftest import RunningStack

pytestmark = pytest.mark.integration


def test_health_sees_real_rasa_and_action_server(running: RunningStack) -> None:
    body = running.api.get("/health").json()
    assert body["components"]["rasa"]["ok"] is True
    assert body["components"]["action_server"]["ok"] is True
    assert body["components"]["rasa"]["url"].startswith("http://127.0.0.1:")


def test_question_answered_by_custom_action_from_knowledge_file(running: RunningStack) -> None:
    cid = running.new_conversation("nb")
    response = running.say(cid, "hvordan bytter jeg fastlege")
    assert response.status_code == 200, response.text
    [reply] = response.json()["replies"]
    assert reply["kind"] == "answer"
    assert reply["article_id"] == "gp-change-gp"
    assert reply["topic"] == "gp"
    assert reply["language"] == "nb"
    assert "fastlege" in reply["text"]
    assert any("helsenorge.no" in s["url"] for s in reply["sources"])
    assert reply["provenance"] == {
        "method": "draft",
        "review": "unreviewed",
        "stale": False,
        "master_version": 1,
        "source_version": 1,
    }


def test_english_answer_comes_from_the_english_text(running: RunningStack) -> None:
    cid = running.new_conversation("en")
    reply = running.say(cid, "how do i change my fastlege").json()["replies"][0]
    assert reply["article_id"] == "gp-change-gp"
    assert reply["language"] == "en"
    assert "Bytte fastlege" in reply["text"]


def test_greeting_is_small_talk_in_the_chosen_language(running: RunningStack) -> None:
    cid = running.new_conversation("en")
    reply = running.say(cid, "hello").json()["replies"][0]
    assert reply["kind"] == "smalltalk"
    assert reply["article_id"] is None


def test_transcript_shows_the_person_what_was_said(running: RunningStack) -> None:
    cid = running.new_conversation("en")
    running.say(cid, "how do i change my fastlege")
    transcript = running.api.get(f"/api/conversations/{cid}").json()
    senders = [m["sender"] for m in transcript["messages"]]
    assert senders == ["person", "bot"]
    assert transcript["messages"][1]["reply"]["article_id"] == "gp-change-gp"


def test_unchanged_model_is_not_retrained(running: RunningStack) -> None:
    again = ensure_model()
    assert again.trained is False
    assert again.path == running.model.path


def _stored(running: RunningStack, cid: str) -> list[tuple[str, str]]:
    with session_scope(running.settings.database_url) as session:
        rows = session.scalars(select(Message).where(Message.conversation_id == cid).order_by(Message.seq))
        return [(m.sender, m.delivery) for m in rows]


@pytest.mark.parametrize("component", ["rasa", "action-server"])
def test_message_kept_and_503_while_a_component_is_down_then_conversation_continues(
    running: RunningStack, component: str
) -> None:
    cid = running.new_conversation("en")
    assert running.say(cid, "how do i change my fastlege").status_code == 200
    service = running.stack.get(component)
    running.stack.stop(service)
    try:
        down = running.say(cid, "what can my fastlege help with")
        assert down.status_code == 503
        assert down.json()["stored"] is True
        assert "temporarily unavailable" in down.json()["message"]
        assert _stored(running, cid)[-1] == ("person", "pending")
        health = running.api.get("/health")
        assert health.status_code == 503
    finally:
        running.stack.start(service)
        running.stack.wait_ready(service)
    back = running.say(cid, "how do i change my fastlege")
    assert back.status_code == 200, back.text
    assert back.json()["replies"][0]["kind"] == "answer"
    assert _stored(running, cid) == [
        ("person", "answered"),
        ("bot", "sent"),
        ("person", "pending"),
        ("person", "answered"),
        ("bot", "sent"),
    ]
    # the tracker store is the same SQL database: Rasa kept the conversation across its restart
    with session_scope(running.settings.database_url) as session:
        events = session.scalar(text("SELECT count(*) FROM events WHERE sender_id = :c"), {"c": cid})
    assert events and events > 5
