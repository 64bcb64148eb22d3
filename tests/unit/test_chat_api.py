"""The chat API without a running Rasa: contract, validation, and nothing lost while Rasa is down."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db import session_scope
from api.models import Message
from api.settings import Settings


def new_conversation(client: TestClient, lang: str | None = "nb") -> str:
    response = client.post("/api/conversations", json={"lang": lang} if lang else {})
    assert response.status_code == 201, response.text
    cid: str = response.json()["id"]
    return cid


def test_server_issues_random_ids(client: TestClient) -> None:
    ids = {new_conversation(client) for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 32 for i in ids)


def test_client_cannot_choose_the_id(client: TestClient) -> None:
    response = client.post("/api/conversations", json={"id": "chosen-by-me"})
    assert response.status_code == 422


def test_unknown_language_is_refused_clearly(client: TestClient) -> None:
    response = client.post("/api/conversations", json={"lang": "xx"})
    assert response.status_code == 422
    assert "unknown language" in response.json()["detail"]


def test_message_stored_and_503_when_rasa_is_down(client: TestClient, settings: Settings) -> None:
    cid = new_conversation(client, "nb")
    response = client.post(f"/api/conversations/{cid}/messages", json={"text": "Hvordan får jeg fastlege?"})
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "assistant_unavailable"
    assert body["stored"] is True
    assert "113" in body["message"] and "lagret" in body["message"]  # Norwegian, with emergency numbers
    with session_scope(settings.database_url) as session:
        stored = session.scalars(select(Message).where(Message.conversation_id == cid)).all()
        assert [(m.text, m.delivery) for m in stored] == [("Hvordan får jeg fastlege?", "pending")]
    transcript = client.get(f"/api/conversations/{cid}").json()
    assert transcript["messages"][0]["text"] == "Hvordan får jeg fastlege?"


def test_503_message_follows_the_language_of_the_message(client: TestClient) -> None:
    cid = new_conversation(client, "nb")
    body = client.post(f"/api/conversations/{cid}/messages", json={"text": "hi", "lang": "en"}).json()
    assert "temporarily unavailable" in body["message"]


def test_unknown_conversation_is_404(client: TestClient) -> None:
    assert client.get("/api/conversations/nope").status_code == 404
    response = client.post("/api/conversations/nope/messages", json={"text": "hei"})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_empty_and_oversize_messages_are_refused_and_not_stored(client: TestClient, settings: Settings) -> None:
    cid = new_conversation(client, "en")
    empty = client.post(f"/api/conversations/{cid}/messages", json={"text": "   "})
    assert empty.status_code == 422
    assert "empty" in empty.json()["detail"]
    big = client.post(f"/api/conversations/{cid}/messages", json={"text": "a" * (settings.max_message_chars + 1)})
    assert big.status_code == 413
    assert str(settings.max_message_chars) in big.json()["detail"]
    assert client.get(f"/api/conversations/{cid}").json()["messages"] == []


def test_malformed_bodies_get_clear_errors(client: TestClient) -> None:
    cid = new_conversation(client)
    url = f"/api/conversations/{cid}/messages"
    assert client.post(url, json={}).json()["detail"].startswith("text:")
    assert client.post(url, json={"text": 5}).status_code == 422
    not_json = client.post(url, content=b"\xff\xfe not json", headers={"content-type": "application/json"})
    assert not_json.status_code == 400
    assert not_json.json()["error"] == "bad_request"


def test_health_reports_each_component(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 503  # Rasa and the action server are not running here
    components = response.json()["components"]
    assert components["database"]["ok"] is True
    assert components["rasa"]["ok"] is False
    assert components["action_server"]["ok"] is False
    assert components["knowledge"]["articles"] >= 1
