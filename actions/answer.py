"""Answer a question from the knowledge article its intent names; ask for the person's
situation first when the article's answer differs by status and it is not known yet."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.compose import answer_payload, language_of, simple, talk_to_person_button
from actions.conversation import reset_misses
from actions.store import knowledge_store, translator
from knowledge.build import ANSWER_ACTION, article_id_for
from knowledge.model import Status
from knowledge.phrases import phrase

log = logging.getLogger(__name__)
UNKNOWN = "unknown"


def status_buttons(statuses: list[Status], lang: str) -> list[dict[str, str]]:
    buttons = [
        {"title": phrase(f"status_{s.value}", lang), "payload": f'/inform_status{{"status": "{s.value}"}}'}
        for s in statuses
    ]
    buttons.append({"title": phrase("status_unknown", lang), "payload": '/inform_status{"status": "unknown"}'})
    return buttons


def answer_article(dispatcher: CollectingDispatcher, article_id: str, lang: str, status: str | None) -> bool:
    article = knowledge_store().get(article_id)
    if article is None:
        log.error("no knowledge article %s", article_id)
        dispatcher.utter_message(json_message=simple("error", phrase("error_generic", lang), lang))
        return False
    known = Status(status) if status is not None and status in Status.__members__ else None
    payload = answer_payload(article, lang, known, translator().translate)
    if status == UNKNOWN and article.has_status_variants:
        payload["notes"].append(phrase("status_unknown_answer", lang))
    if article.sensitive:
        payload["buttons"].append(talk_to_person_button(lang))
    dispatcher.utter_message(json_message=payload)
    return True


class ActionAnswerKnowledge(Action):
    def name(self) -> str:
        return ANSWER_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker.latest_message.get("metadata"))
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        article_id = article_id_for(intent)
        article = knowledge_store().get(article_id) if article_id else None
        events = reset_misses(tracker)
        status = tracker.get_slot("status")
        if article is not None and article.has_status_variants and status is None:
            statuses = list(article.answers["nb"].by_status)
            text = phrase("ask_status", lang)
            dispatcher.utter_message(json_message=simple("clarify", text, lang, status_buttons(statuses, lang)))
            return [*events, SlotSet("pending_article", article.id)]
        answer_article(dispatcher, article_id or intent, lang, status)
        return events
