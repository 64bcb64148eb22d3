"""Greeting, small talk and low-confidence fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.compose import language_of, simple
from knowledge.phrases import phrase

SMALLTALK = {"thanks": "thanks_reply", "bye": "bye_reply"}


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker.latest_message.get("metadata"))
        dispatcher.utter_message(json_message=simple("smalltalk", phrase("greeting", lang), lang))
        return []


class ActionSmalltalk(Action):
    def name(self) -> str:
        return "action_smalltalk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker.latest_message.get("metadata"))
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        key = SMALLTALK.get(intent, "what_i_can_do")
        dispatcher.utter_message(json_message=simple("smalltalk", phrase(key, lang), lang))
        return []


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker.latest_message.get("metadata"))
        text = phrase("out_of_scope", lang) + " " + phrase("what_i_can_do", lang)
        dispatcher.utter_message(json_message=simple("fallback", text, lang))
        return []
