"""The person's situation (status), remembered for the conversation in the ``status`` slot.

Never stored outside Rasa's tracker; the person is never asked who they are, only which of
five situations fits, and "I don't know" is a good answer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import answer_article
from actions.compose import language_of, simple
from knowledge.phrases import phrase

STATUS_WORDS = Path(__file__).resolve().parent.parent / "knowledge" / "status_words.yml"
UNKNOWN = "unknown"


@lru_cache(maxsize=1)
def _words() -> dict[str, list[str]]:
    data: dict[str, list[str]] = yaml.safe_load(STATUS_WORDS.read_text(encoding="utf-8"))["statuses"]
    return {k: [w.casefold() for w in v] for k, v in data.items()}


def status_in(text: str) -> str | None:
    """The status a message names, or None. "I don't know" wins over a status word in it."""
    lowered = " " + text.casefold().replace("\u200c", "") + " "
    words = _words()
    for key in (UNKNOWN, *[k for k in words if k != UNKNOWN]):
        for word in words[key]:
            if f" {word.replace(chr(0x200C), '')}" in lowered:
                return key
    return None


class ActionSetStatus(Action):
    def name(self) -> str:
        return "action_set_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker.latest_message.get("metadata"))
        entity = next(tracker.get_latest_entity_values("status"), None)
        status = entity or status_in(tracker.latest_message.get("text") or "")
        events: list[dict[str, Any]] = [SlotSet("status", status or UNKNOWN)]
        pending = tracker.get_slot("pending_article")
        if pending:
            events.append(SlotSet("pending_article", None))
            answer_article(dispatcher, pending, lang, status or UNKNOWN)
            return events
        dispatcher.utter_message(json_message=simple("smalltalk", phrase("status_noted", lang), lang))
        return events
