"""Message text never reaches the logs at INFO level (nor WARNING)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

SECRET = "Zebrafinken-synthetic-text-42"


def test_no_message_text_in_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    cid = client.post("/api/conversations", json={"lang": "en"}).json()["id"]
    client.post(f"/api/conversations/{cid}/messages", json={"text": f"hello {SECRET}"})  # 503: Rasa is down
    client.post(f"/api/conversations/{cid}/messages", json={"text": f"I want to kill myself {SECRET}"})  # crisis
    assert caplog.records, "the turn should have logged something"
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert SECRET not in record.getMessage(), record.getMessage()
