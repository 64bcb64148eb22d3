"""Rasa's check of the action server's answers, with our cached validator, in the real bot env:
a valid answer passes, an invalid one is still refused with Rasa's own message."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_in_bot_env

pytestmark = pytest.mark.integration

SCRIPT = """
import json
import components  # what Rasa imports when it loads our pipeline
from components import validation
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
action = RemoteAction("action_answer_knowledge", None)
out = {"patched": RemoteAction._validate_action_result is validation._validate_action_result}
good = {"events": [{"event": "slot", "name": "misses", "value": 0.0}], "responses": [{"custom": {"text": "hei"}}]}
out["good"] = action._validate_action_result(good)
for name, bad in {
    "event_not_object": {"events": ["slot"], "responses": []},
    "unknown_event": {"events": [{"event": "no-such-event"}], "responses": []},
    "responses_not_list": {"events": [], "responses": {"text": "hei"}},
}.items():
    try:
        action._validate_action_result(bad)
        out[name] = "accepted"
    except ValidationError as exc:
        out[name] = "Failed to validate Action server response" in exc.message
print(json.dumps(out))
"""


def test_action_responses_are_still_validated_with_the_cached_validator() -> None:
    out = json.loads(run_in_bot_env(SCRIPT))
    assert out == {
        "patched": True,
        "good": True,
        "event_not_object": True,
        "unknown_event": True,
        "responses_not_list": True,
    }
