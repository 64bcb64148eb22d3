"""Pure functions that turn articles and phrases into reply payloads.

A payload is a dict with the fields of the API's ``Reply`` model: ``text``, ``language``,
``kind``, ``buttons`` and, for knowledge answers, ``article_id``, ``topic``, ``title``,
``sources``, ``last_verified`` and ``provenance``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from knowledge.languages import BY_CODE, MASTER, is_supported
from knowledge.model import Article, Status
from knowledge.phrases import phrase

Payload = dict[str, Any]
TEXT_FALLBACK = ("en", MASTER)


def language_of(metadata: dict[str, Any] | None) -> str:
    lang = (metadata or {}).get("lang")
    return lang if isinstance(lang, str) and is_supported(lang) else "en"


def talk_to_person_button(lang: str) -> dict[str, str]:
    return {"title": phrase("talk_to_person", lang), "payload": "/ask_human"}


TOPIC_BUTTONS = (
    ("topic_health", "/kb_health_rights_by_status"),
    ("topic_gp", "/kb_gp_get_a_gp"),
    ("topic_residence", "/kb_residence_asylum_process"),
    ("topic_child_welfare", "/kb_cw_what_barnevernet_does"),
)


def topic_buttons(lang: str) -> list[dict[str, str]]:
    buttons = [{"title": phrase(key, lang), "payload": payload} for key, payload in TOPIC_BUTTONS]
    return [*buttons, talk_to_person_button(lang)]


def simple(kind: str, text: str, lang: str, buttons: list[dict[str, str]] | None = None) -> Payload:
    return {"kind": kind, "text": text, "language": lang, "buttons": buttons or []}


Translate = Callable[[str, str, str], str | None]


def answer_payload(
    article: Article, lang: str, status: Status | None = None, translate: Translate | None = None
) -> Payload:
    """The article's answer in ``lang``: the curated text; else a machine translation of the
    Norwegian master (labelled, with the original); else the English or Norwegian text with a note."""
    if lang not in article.answers and translate is not None:
        master = article.answers[MASTER]
        machine = translate(master.for_status(status), MASTER, lang)
        if machine:
            payload = answer_payload(article, MASTER, status)
            payload.update(
                text=machine,
                language=lang,
                requested_language=lang,
                original=master.for_status(status),
                notes=[phrase("machine_label", lang)],
                provenance={**payload["provenance"], "method": "machine", "review": "unreviewed"},
            )
            return payload
    text_lang = next(code for code in (lang, *TEXT_FALLBACK) if code in article.answers)
    answer = article.answers[text_lang]
    text = answer.for_status(status)
    notes: list[str] = []
    if text_lang != lang:
        notes.append(phrase("fallback_language_note", lang, language=BY_CODE[text_lang].native_name))
    return {
        "kind": "answer",
        "text": text,
        "language": text_lang,
        "requested_language": lang,
        "notes": notes,
        "buttons": [],
        "article_id": article.id,
        "topic": article.topic.value,
        "title": article.title.get(text_lang) or article.title.get(MASTER) or article.id,
        "status": status.value if status and status in answer.by_status else None,
        "sources": [{"url": str(s.url), "title": s.title, "checked": s.checked.isoformat()} for s in article.sources],
        "last_verified": article.last_verified.isoformat(),
        "provenance": {
            "method": answer.provenance.value,
            "review": answer.review.state.value,
            "stale": article.is_stale(text_lang),
            "master_version": article.master_version,
            "source_version": answer.source_version or answer.version,
        },
    }
