"""Our action_session_start carries each slot's current value once, and nothing else."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart


def _tracker(slots: dict[str, Any], events: list[dict[str, Any]]) -> Tracker:
    return Tracker("c1", slots, {}, events, False, None, {}, "action_listen")


def test_new_session_carries_current_values_once() -> None:
    old = [{"event": "slot", "name": "misses", "value": v} for v in (1.0, 0.0, 1.0, 0.0, 1.0)]
    tracker = _tracker({"status": "refugee", "pending_article": None, "misses": 1.0}, old)
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker, {}))
    assert events[0]["event"] == "session_started"
    assert events[-1] == {**events[-1], "event": "action", "name": "action_listen"}
    slots = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    assert slots == [("status", "refugee"), ("misses", 1.0)]


def test_new_session_without_values_has_no_slot_events() -> None:
    tracker = _tracker({"status": None, "pending_article": None, "misses": 0.0}, [])
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker, {}))
    assert [e["event"] for e in events] == ["session_started", "action"]
