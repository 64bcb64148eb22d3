"""Staff accounts: argon2 password hashes, server-side sessions, CSRF tokens, lockout.

- Passwords are hashed with argon2id (argon2-cffi); there is no default account or password:
  ``python -m api.staff create-user`` makes one.
- A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure outside
  development); the database keeps only its SHA-256, with the session's CSRF token and expiry.
- Every POST from a staff page must carry the session's CSRF token.
- After ``MAX_FAILURES`` wrong passwords in a row an account is locked for ``LOCKOUT``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.models import Role, StaffSession, StaffUser, utcnow

COOKIE = "staff_session"
SESSION_TTL = dt.timedelta(hours=8)
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
_hasher = PasswordHasher()


class AuthError(Exception):
    """A login or account problem; the message is safe to show."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: Role, display_role: str) -> StaffUser:
    username = username.strip().lower()
    if not username or not display_role.strip():
        raise AuthError("a user needs a username and a display role (e.g. 'Helsesykepleier')")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise AuthError(f"the user {username!r} exists already")
    user = StaffUser(
        username=username, password_hash=hash_password(password), role=role.value, display_role=display_role.strip()
    )
    session.add(user)
    session.flush()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, username: str, password: str, now: dt.datetime | None = None) -> tuple[StaffUser, str]:
    """Check the password; return the user and a new session token. Raises AuthError."""
    now = now or utcnow()
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time as for a real user
        raise AuthError("wrong username or password")
    if user.locked_until and user.locked_until > now:
        raise AuthError("this account is locked after too many wrong passwords; try again later")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        session.commit()
        raise AuthError("wrong username or password") from None
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_TTL,
        )
    )
    session.commit()
    return user, token


def session_for(session: Session, token: str | None, now: dt.datetime | None = None) -> StaffSession | None:
    if not token:
        return None
    found = session.get(StaffSession, _token_hash(token))
    if found is None or found.expires_at <= (now or utcnow()):
        return None
    return found


def logout(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
        session.commit()


def csrf_ok(staff_session: StaffSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(staff_session.csrf_token, submitted or "")
