"""Greeting, small talk, out of scope, feedback, the handoff request and low-confidence fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.compose import language_of, simple, talk_to_person_button, topic_buttons
from actions.store import knowledge_store
from knowledge.build import article_id_for
from knowledge.phrases import phrase

SMALLTALK = {"thanks": "thanks_reply", "bye": "bye_reply", "affirm": "ok_reply", "deny": "what_i_can_do"}
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05


def _lang(tracker: Tracker) -> str:
    return language_of(tracker.latest_message.get("metadata"))


def reset_misses(tracker: Tracker) -> list[dict[str, Any]]:
    """Misses in a row back to 0; no event when it already is (fewer events per turn in the tracker)."""
    return [SlotSet("misses", 0.0)] if tracker.get_slot("misses") else []


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        dispatcher.utter_message(json_message=simple("smalltalk", phrase("greeting", lang), lang, topic_buttons(lang)))
        return reset_misses(tracker)


class ActionSmalltalk(Action):
    def name(self) -> str:
        return "action_smalltalk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        key = SMALLTALK.get(intent, "what_i_can_do")
        buttons = topic_buttons(lang) if key == "what_i_can_do" else []
        dispatcher.utter_message(json_message=simple("smalltalk", phrase(key, lang), lang, buttons))
        return reset_misses(tracker)


class ActionFeedback(Action):
    def name(self) -> str:
        return "action_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        dispatcher.utter_message(json_message=simple("smalltalk", phrase("feedback_thanks", lang), lang))
        return []


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        text = phrase("out_of_scope", lang)
        dispatcher.utter_message(json_message=simple("fallback", text, lang, topic_buttons(lang)))
        return reset_misses(tracker)


class ActionHandoff(Action):
    """The person asked for a person: the API opens the handoff when it sees ``kind: handoff``."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        payload = simple("handoff", phrase("handoff_requested", lang), lang)
        payload["handoff_reason"] = "not_understood" if (tracker.get_slot("misses") or 0) >= 2 else "asked"
        dispatcher.utter_message(json_message=payload)
        return reset_misses(tracker)


def suggestions(tracker: Tracker, lang: str) -> list[dict[str, str]]:
    """Up to three articles the classifier thought possible, as buttons."""
    buttons = []
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        article_id = article_id_for(ranked.get("name") or "")
        if not article_id or (ranked.get("confidence") or 0) < MIN_SUGGESTION_CONFIDENCE:
            continue
        article = knowledge_store().get(article_id)
        if article is None:
            continue
        title = article.title.get(lang) or article.title.get("en") or article.id
        buttons.append({"title": title, "payload": f"/{ranked['name']}"})
        if len(buttons) == MAX_SUGGESTIONS:
            break
    return buttons


class ActionFallback(Action):
    """First miss: suggest up to three topics. Second miss in a row: offer a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        misses = int(tracker.get_slot("misses") or 0) + 1
        options = suggestions(tracker, lang)
        if misses >= 2 or not options:
            text = phrase("clarify_again", lang) if misses >= 2 else phrase("out_of_scope", lang)
            buttons = [talk_to_person_button(lang)] if misses >= 2 else topic_buttons(lang)
            dispatcher.utter_message(json_message=simple("fallback", text, lang, buttons))
        else:
            dispatcher.utter_message(json_message=simple("clarify", phrase("clarify", lang), lang, options))
        return [SlotSet("misses", float(misses))]
