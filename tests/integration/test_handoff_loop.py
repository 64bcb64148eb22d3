"""The whole loop through HTTP with the real stack: the person asks for a person → the queue →
staff log in and open it (access logged) → reply in Norwegian → the person's chat receives it →
staff return it to the bot → the bot answers again."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from api.db import session_scope
from api.models import AccessLog, Role
from api.staff import auth
from tests.integration.conftest import RunningStack

pytestmark = pytest.mark.integration
PASSWORD = "a long synthetic test password"


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_handoff_loop(running: RunningStack) -> None:
    with session_scope(running.settings.database_url) as session:
        auth.create_user(session, "loop-nurse", PASSWORD, Role.staff, "Helsesykepleier")

    # the person asks for a person, in Ukrainian
    cid = running.new_conversation("uk")
    replies = running.say(cid, "з'єднайте з консультантом").json()["replies"]
    assert [r["kind"] for r in replies] == ["handoff", "handoff"]
    last_seq = running.api.get(f"/api/conversations/{cid}").json()["messages"][-1]["seq"]
    assert running.say(cid, "я чекаю").json()["replies"] == []  # to staff, the bot is silent

    base = f"http://127.0.0.1:{running.settings.api_port}"
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as staff:
        assert staff.get("/staff/", follow_redirects=False).status_code == 303  # not logged in
        login = staff.post(
            "/staff/login", data={"username": "loop-nurse", "password": PASSWORD}, follow_redirects=False
        )
        assert login.status_code == 303
        queue = staff.get("/staff/")
        assert cid in queue.text and "asked" in queue.text and "Українська" in queue.text
        page = staff.get(f"/staff/conversations/{cid}")
        assert "я чекаю" in page.text
        with session_scope(running.settings.database_url) as session:
            entries = session.scalars(select(AccessLog).where(AccessLog.conversation_id == cid)).all()
            assert [(e.username, e.action) for e in entries] == [("loop-nurse", "open transcript")]
        sent = staff.post(
            f"/staff/conversations/{cid}/reply", data={"csrf": _csrf(page.text), "text": "Hei, jeg heter Kari."}
        )
        assert sent.status_code == 200

        # the person's open chat polls and receives the reply, labelled with the staff role
        new = running.api.get(f"/api/conversations/{cid}", params={"after": last_seq}).json()["messages"]
        staff_messages = [m for m in new if m["sender"] == "staff"]
        assert len(staff_messages) == 1
        reply = staff_messages[0]["reply"]
        assert reply["staff_role"] == "Helsesykepleier"
        assert reply["kind"] == "handoff"

        closed = staff.post(f"/staff/conversations/{cid}/close", data={"csrf": _csrf(page.text), "outcome": "answered"})
        assert closed.status_code == 200

    assert running.api.get(f"/api/conversations/{cid}").json()["state"] == "bot"
    [answer] = running.say(cid, "how do i change my fastlege").json()["replies"]
    assert answer["kind"] == "answer" and answer["article_id"] == "gp-change-gp"
