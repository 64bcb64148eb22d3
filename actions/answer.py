"""Answer a question from the knowledge article its intent names."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.compose import answer_payload, language_of, simple
from actions.store import knowledge_store
from knowledge.build import ANSWER_ACTION, article_id_for
from knowledge.phrases import phrase

log = logging.getLogger(__name__)


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
        if article is None:
            log.error("no knowledge article for intent %s", intent)
            dispatcher.utter_message(json_message=simple("error", phrase("error_generic", lang), lang))
            return []
        dispatcher.utter_message(json_message=answer_payload(article, lang))
        return []
