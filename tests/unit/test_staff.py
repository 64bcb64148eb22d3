"""Staff pages: login, lockout, sessions, CSRF, roles route by route, escaping, access log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import conversations as store
from api import handoffs
from api.db import session_scope
from api.models import (
    AccessLog,
    Conversation,
    Delivery,
    Feedback,
    HandoffReason,
    Message,
    Note,
    Role,
    Sender,
    StaffUser,
    utcnow,
)
from api.settings import Settings
from api.staff import auth
from api.staff.__main__ import main as staff_cli

PASSWORD = "correct horse battery staple"
ROUTES = [
    # (method, path template, roles allowed)
    ("GET", "/staff/", {"staff", "admin"}),
    ("GET", "/staff/live", {"staff", "admin"}),
    ("GET", "/staff/conversations/{cid}", {"staff", "admin"}),
    ("POST", "/staff/conversations/{cid}/reply", {"staff", "admin"}),
    ("POST", "/staff/conversations/{cid}/notes", {"staff", "admin"}),
    ("POST", "/staff/conversations/{cid}/close", {"staff", "admin"}),
    ("POST", "/staff/conversations/{cid}/takeover", {"staff", "admin"}),
    ("POST", "/staff/handoffs/{hid}/take", {"staff", "admin"}),
    ("POST", "/staff/handoffs/{hid}/release", {"staff", "admin"}),
    ("GET", "/staff/access-log", {"admin"}),
    ("GET", "/staff/unanswered", {"editor", "admin"}),
]


@pytest.fixture
def users(settings: Settings) -> dict[str, str]:
    with session_scope(settings.database_url) as session:
        auth.create_user(session, "nurse", PASSWORD, Role.staff, "Helsesykepleier")
        auth.create_user(session, "editor", PASSWORD, Role.editor, "Redaktør")
        auth.create_user(session, "boss", PASSWORD, Role.admin, "Leder")
    return {"staff": "nurse", "editor": "editor", "admin": "boss"}


@pytest.fixture
def handed_off(settings: Settings) -> tuple[str, int]:
    """A conversation in Arabic, handed off because the person asked, with a hostile message."""
    with session_scope(settings.database_url) as session:
        conversation = Conversation(language="ar")
        session.add(conversation)
        session.flush()
        store.add_message(
            session,
            conversation,
            sender=Sender.person,
            text="<script>alert('x')</script> أريد التحدث مع شخص",
            language="ar",
            delivery=Delivery.answered,
        )
        handoff = handoffs.request(session, conversation, HandoffReason.asked)
        return conversation.id, handoff.id


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/staff/login", data={"username": username, "password": password}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/staff/"
    page = client.get("/staff/live" if username != "editor" else "/staff/unanswered")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def test_no_default_account_and_the_cli_creates_one(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(settings.database_url) as session:
        assert session.scalars(select(StaffUser)).all() == []
    monkeypatch.setattr("api.staff.__main__.get_settings", lambda: settings)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    assert (
        staff_cli(["create-user", "Kari", "--role", "staff", "--display-role", "NAV-veileder", "--password-stdin"]) == 0
    )
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("short\n"))
    assert staff_cli(["create-user", "ola", "--role", "staff", "--display-role", "x", "--password-stdin"]) == 1
    with session_scope(settings.database_url) as session:
        user = session.scalars(select(StaffUser)).one()
        assert user.username == "kari" and user.password_hash.startswith("$argon2")
        assert PASSWORD not in user.password_hash


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_the_session(
    client: TestClient, users: dict[str, str]
) -> None:
    response = client.post("/staff/login", data={"username": "nurse", "password": PASSWORD}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/").text)
    assert csrf
    assert client.post("/staff/logout", data={"csrf": csrf.group(1)}, follow_redirects=False).status_code == 303
    assert client.get("/staff/", follow_redirects=False).headers["location"] == "/staff/login"


def test_wrong_password_and_lockout(client: TestClient, users: dict[str, str], settings: Settings) -> None:
    for _ in range(auth.MAX_FAILURES):
        page = client.post("/staff/login", data={"username": "nurse", "password": "wrong password!!"})
        assert "wrong username or password" in page.text
    locked = client.post("/staff/login", data={"username": "nurse", "password": PASSWORD})
    assert "locked" in locked.text
    with session_scope(settings.database_url) as session:
        user = session.scalars(select(StaffUser).where(StaffUser.username == "nurse")).one()
        user.locked_until = utcnow() - dt.timedelta(seconds=1)
    login(client, "nurse")


def test_unknown_user_gets_the_same_message(client: TestClient) -> None:
    assert (
        "wrong username or password" in client.post("/staff/login", data={"username": "x", "password": "y" * 12}).text
    )


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
def test_every_staff_route_refuses_anonymous_users_and_wrong_roles(
    client: TestClient,
    users: dict[str, str],
    handed_off: tuple[str, int],
    method: str,
    path: str,
    allowed: set[str],
) -> None:
    cid, hid = handed_off
    url = path.format(cid=cid, hid=hid)
    anonymous = client.request(method, url, follow_redirects=False)
    assert anonymous.status_code == (303 if method == "GET" else 401)
    for role, username in users.items():
        client.cookies.clear()
        csrf = login(client, username)
        data = {"csrf": csrf, "text": "Hei", "outcome": "answered"} if method == "POST" else None
        response = client.request(method, url, data=data, follow_redirects=False)
        if role in allowed:
            # allowed: past the checks (a 409 is the second close of the same handoff in this loop)
            assert response.status_code in (200, 303, 409), (role, url, response.status_code, response.text[:200])
        else:
            assert response.status_code == 403, (role, url, response.status_code)


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_posts_without_a_valid_csrf_token_are_refused(
    client: TestClient, users: dict[str, str], handed_off: tuple[str, int], settings: Settings, token: str | None
) -> None:
    cid, _ = handed_off
    login(client, "nurse")
    data = {"text": "Hei"} | ({"csrf": token} if token else {})
    response = client.post(f"/staff/conversations/{cid}/notes", data=data)
    assert response.status_code == 403
    assert "CSRF" in response.text
    with session_scope(settings.database_url) as session:
        assert session.scalars(select(Note)).all() == []


def test_transcript_escapes_hostile_text_shows_norwegian_column_and_logs_access(
    client: TestClient, users: dict[str, str], handed_off: tuple[str, int], settings: Settings
) -> None:
    cid, _ = handed_off
    login(client, "nurse")
    page = client.get(f"/staff/conversations/{cid}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert 'lang="ar" dir="rtl"' in page.text
    assert "ingen oversettelse tilgjengelig" in page.text  # no ar→nb model is installed here
    assert "script-src 'self'" in page.headers["content-security-policy"]
    with session_scope(settings.database_url) as session:
        [entry] = session.scalars(select(AccessLog)).all()
        assert (entry.username, entry.conversation_id, entry.action) == ("nurse", cid, "open transcript")
    client.cookies.clear()
    login(client, "boss")
    log_page = client.get("/staff/access-log")
    assert cid in log_page.text and "nurse" in log_page.text


def test_queue_sorts_urgent_first_then_by_waiting_time(
    client: TestClient, users: dict[str, str], handed_off: tuple[str, int], settings: Settings
) -> None:
    with session_scope(settings.database_url) as session:
        urgent = Conversation(language="ti")
        session.add(urgent)
        session.flush()
        handoffs.request(
            session, urgent, HandoffReason.crisis, priority=__import__("api.models").models.Priority.urgent
        )
    login(client, "nurse")
    page = client.get("/staff/").text
    assert page.index(urgent.id) < page.index(handed_off[0])
    assert "HASTER" in page and "ትግርኛ" in page and "العربية" in page


def test_reply_in_norwegian_reaches_the_person_labelled_with_the_role(
    client: TestClient, users: dict[str, str], handed_off: tuple[str, int], settings: Settings
) -> None:
    cid, _ = handed_off
    csrf = login(client, "nurse")
    assert (
        client.post(
            f"/staff/conversations/{cid}/reply", data={"csrf": csrf, "text": "Hei! Vi hjelper deg."}
        ).status_code
        == 200
    )
    messages = client.get(f"/api/conversations/{cid}", params={"after": 1}).json()["messages"]
    [staff_message] = messages
    assert staff_message["sender"] == "staff"
    reply = staff_message["reply"]
    assert reply["staff_role"] == "Helsesykepleier"
    # no nb→ar model here: the Norwegian text is sent with a note in Arabic saying so
    assert reply["text"] == "Hei! Vi hjelper deg." and reply["language"] == "nb"
    assert reply["notes"] and any("\u0600" <= ch <= "\u06ff" for ch in reply["notes"][0])


def test_close_returns_the_conversation_to_the_bot_and_notes_stay_internal(
    client: TestClient, users: dict[str, str], handed_off: tuple[str, int], settings: Settings
) -> None:
    cid, _ = handed_off
    csrf = login(client, "nurse")
    client.post(f"/staff/conversations/{cid}/notes", data={"csrf": csrf, "text": "Ringte legevakt sammen med henne"})
    response = client.post(f"/staff/conversations/{cid}/close", data={"csrf": csrf, "outcome": "answered"})
    assert response.status_code == 200
    transcript = client.get(f"/api/conversations/{cid}").json()
    assert transcript["state"] == "bot"
    assert "legevakt sammen" not in str(transcript)  # notes are for staff only


def test_guessing_a_conversation_id_reveals_nothing(client: TestClient, handed_off: tuple[str, int]) -> None:
    cid, _ = handed_off
    guess = cid[:-1] + ("A" if cid[-1] != "A" else "B")
    assert client.get(f"/api/conversations/{guess}").status_code == 404
    assert client.get(f"/api/conversations/{guess}").json() == {"error": "not_found", "detail": "no such conversation"}


def test_unanswered_report_groups_fallbacks_and_shows_feedback(
    client: TestClient, users: dict[str, str], settings: Settings
) -> None:
    with session_scope(settings.database_url) as session:
        for text in ("Kan jeg få hjelp med skatt?", "kan jeg få hjelp med skatt", "Hvor er biblioteket?"):
            conversation = Conversation(language="nb")
            session.add(conversation)
            session.flush()
            store.add_message(session, conversation, sender=Sender.person, text=text, language="nb")
            bot = store.add_message(
                session, conversation, sender=Sender.bot, text="...", language="nb", kind="fallback",
                payload={"article_id": None},
            )  # fmt: skip
            session.add(Feedback(conversation_id=conversation.id, seq=bot.seq, article_id="gp-get-a-gp", helpful=False))
    login(client, "editor")
    page = client.get("/staff/unanswered").text
    assert page.count("skatt") == 2  # grouped: the text, and its Norwegian column
    assert ">2<" in page and "biblioteket" in page and "gp-get-a-gp" in page


def test_feedback_endpoint_stores_helpful_and_refuses_person_messages(
    client: TestClient, handed_off: tuple[str, int], settings: Settings
) -> None:
    cid, _ = handed_off
    with session_scope(settings.database_url) as session:
        conversation = session.get(Conversation, cid)
        assert conversation is not None
        bot = store.add_message(session, conversation, sender=Sender.bot, text="svar", language="nb", kind="answer",
                                payload={"article_id": "gp-change-gp"})  # fmt: skip
        seq = bot.seq
    assert client.post(f"/api/conversations/{cid}/feedback", json={"seq": seq, "helpful": True}).status_code == 201
    assert client.post(f"/api/conversations/{cid}/feedback", json={"seq": 1, "helpful": True}).status_code == 422
    with session_scope(settings.database_url) as session:
        [row] = session.scalars(select(Feedback)).all()
        assert (row.article_id, row.helpful) == ("gp-change-gp", True)
    assert client.delete(f"/api/conversations/{cid}").status_code == 204
    with session_scope(settings.database_url) as session:
        assert session.scalars(select(Feedback)).all() == []
        assert session.scalars(select(Message)).all() == []


def test_cookies_are_secure_in_production(settings: Settings, users: dict[str, str]) -> None:
    from api.main import create_app

    production = settings.model_copy(update={"app_env": "production"})
    with TestClient(create_app(production), base_url="https://testserver") as client:
        response = client.post("/staff/login", data={"username": "nurse", "password": PASSWORD}, follow_redirects=False)
        assert "secure" in response.headers["set-cookie"].lower()
        assert response.headers.get("strict-transport-security")
