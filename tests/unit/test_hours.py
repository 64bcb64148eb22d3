from __future__ import annotations

import datetime as dt
from pathlib import Path

from api.hours import describe, on_duty
from api.turns import availability
from tests.helpers import make_settings


def test_on_duty_follows_oslo_time(tmp_path: Path) -> None:
    s = make_settings(tmp_path, opening_hours="mon-fri 09:00-15:00")
    monday_10_oslo = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # 10:00 in Oslo (CET)
    monday_1530_oslo = dt.datetime(2026, 11, 23, 14, 30, tzinfo=dt.UTC)
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
    assert on_duty(s, monday_10_oslo)
    assert not on_duty(s, monday_1530_oslo)
    assert not on_duty(s, saturday)


def test_hours_are_told_in_the_persons_language(tmp_path: Path) -> None:
    s = make_settings(tmp_path, opening_hours="mon-fri 09:00-15:00; sat 10:00-13:00")
    assert describe(s, "nb") == "man–fre 09:00–15:00; lør 10:00–13:00"
    assert describe(s, "uk").startswith("пн–пт")


def test_availability_is_honest_about_staff_being_away(tmp_path: Path) -> None:
    s = make_settings(tmp_path, opening_hours="mon-fri 09:00-15:00", expected_reply_minutes=45)
    open_reply = availability(s, "en", now=dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC))
    closed_reply = availability(s, "en", now=dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC))
    assert "45 minutes" in open_reply.text
    assert "No staff are on duty" in closed_reply.text and "Mon–Fri 09:00–15:00" in closed_reply.text
    assert open_reply.buttons[0].payload == "handoff:cancel"
