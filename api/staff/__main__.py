"""``python -m api.staff create-user NAME --role staff|editor|admin --display-role "Helsesykepleier"``.

The password is asked for twice (or read from standard input with ``--password-stdin``);
there is no default password and no default account.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from api.db import session_scope
from api.migrate import upgrade
from api.models import Role
from api.settings import get_settings
from api.staff.auth import AuthError, create_user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.staff")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("create-user", help="create a staff account")
    p.add_argument("username")
    p.add_argument("--role", choices=[r.value for r in Role], required=True)
    p.add_argument("--display-role", required=True, help="what the person sees, e.g. 'Helsesykepleier'")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("Again: ") != password:
            print("the passwords differ", file=sys.stderr)
            return 1
    settings = get_settings()
    upgrade(settings.database_url)
    try:
        with session_scope(settings.database_url) as session:
            user = create_user(session, args.username, password, Role(args.role), args.display_role)
            print(f"created {user.username} ({user.role}, shown as {user.display_role!r})")
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
