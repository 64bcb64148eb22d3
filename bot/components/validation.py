"""Check the action server's answers once per schema, not once per answer (runs in the bot env).

Rasa 3.6 validates every action server response with ``jsonschema.validate(result, schema)``,
which first checks the schema itself against the JSON Schema meta-schema and builds a new
validator: profiled under load, that was more than half of the Rasa server's CPU time per turn
(the events schema is large). ``install()`` replaces ``RemoteAction._validate_action_result``
with the same validation against the same schema, using one validator built (and its schema
checked) once. An invalid response still raises ``jsonschema.ValidationError`` with Rasa's own
message, so Rasa's error handling is unchanged. ``tests/integration/test_bot_validation.py``
checks both in the real bot env.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


__all__ = ["ValidationError", "install"]
