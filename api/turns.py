"""One turn of the conversation, in the order of the design:

1. limits and validation (done by the route), 2. crisis screen (deterministic, no Rasa),
3. language (the person's choice, an explicit request, or detection with the current
language as the prior), 4. redaction before anything is stored or forwarded, 5. handed-off
conversations go to staff, not to the bot, 6. otherwise Rasa's REST channel.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.orm import Session

from api import conversations as store
from api import handoffs
from api.hours import describe, on_duty
from api.language import choose, requested_language
from api.models import Conversation, ConversationState, Delivery, HandoffReason, Message, Priority, Sender, utcnow
from api.rasa_client import RasaClient, RasaUnavailable, to_payloads
from api.safety.crisis import crisis_screen
from api.safety.redact import redact
from api.schemas import Button, Kind, Reply
from api.settings import Settings
from api.translation import TranslationService
from knowledge.languages import LANGUAGES, is_supported
from knowledge.phrases import phrase

DEFAULT_LANGUAGE = "en"
# Rasa loads, replays and sends to the action server the whole of a conversation's current
# session on every turn, so a turn got slower the longer the conversation (measured: p50 70 ms
# in the first 100 turns, 410 ms after 400). A new Rasa session every this many messages
# (person and replies, about 25 turns) keeps every turn as fast as the first ones; the slots
# (the person's status) carry over. See README, "A long conversation".
RASA_SESSION_MESSAGES = 60

log = logging.getLogger(__name__)


@dataclass
class Turn:
    incoming: Message
    language: str
    replies: list[Reply] = field(default_factory=list)
    unavailable: str | None = None  # why the bot could not answer (message kept as pending)


def _answered_here(session: Session, conversation: Conversation, turn: Turn, replies: list[Reply]) -> Turn:
    """Replies the API gives itself, without Rasa (crisis, language switch, language picker)."""
    turn.incoming.delivery = Delivery.answered.value
    store.add_replies(session, conversation, replies)
    session.commit()
    turn.replies = replies
    return turn


def language_picker() -> list[Button]:
    return [Button(title=lang.native_name, payload=f"lang:{lang.code}") for lang in LANGUAGES]


def resolve_language(text: str, current: str | None, explicit: str | None) -> tuple[str, str | None, str | None]:
    """(language to answer in, language the person asked to switch to, unsupported language seen)."""
    if explicit:
        return explicit, None, None
    if text.startswith("/"):  # a button's payload: no language of its own
        return current or DEFAULT_LANGUAGE, None, None
    asked = requested_language(text)
    if asked:
        return asked, asked, None
    chosen, detection = choose(text, current)
    if chosen and is_supported(chosen):
        return chosen, None, None
    fallback = current or DEFAULT_LANGUAGE
    return fallback, None, (chosen if detection.confident else None)


def availability(settings: Settings, lang: str, now: dt.datetime | None = None) -> Reply:
    """Honest expectations: are staff on duty now, the reply time, the opening hours."""
    if on_duty(settings, now or utcnow()):
        text = phrase("handoff_open_now", lang, wait=settings.expected_reply_minutes)
    else:
        text = phrase("handoff_closed_now", lang, hours=describe(settings, lang))
    cancel = Button(title=phrase("handoff_cancel", lang), payload="handoff:cancel")
    return Reply(text=text, language=lang, kind=Kind.handoff, buttons=[cancel])


async def take_turn(
    session: Session,
    settings: Settings,
    rasa: RasaClient,
    conversation: Conversation,
    text: str,
    explicit_lang: str | None,
    translator: TranslationService | None = None,
) -> Turn:
    matches = crisis_screen().screen(text)  # first, and on the text as written
    lang, switched_to, unsupported = resolve_language(text, conversation.language, explicit_lang)
    clean, redacted = redact(text)
    conversation.language = lang
    incoming = store.add_message(
        session,
        conversation,
        sender=Sender.person,
        text=clean,
        language=unsupported or lang,  # the message's own language, so staff translate from the right one
        delivery=Delivery.pending,
        payload={"redacted": redacted} if redacted else {},
    )
    turn = Turn(incoming=incoming, language=lang)

    if matches:
        category = matches[0].category
        log.warning("crisis screen matched (%s); urgent handoff opened", category)
        handoffs.request(session, conversation, HandoffReason.crisis, Priority.urgent, detail=category)
        reply = Reply(text=crisis_screen().reply(category, lang), language=lang, kind=Kind.crisis)
        return _answered_here(session, conversation, turn, [reply, availability(settings, lang)])

    if conversation.state == ConversationState.handoff.value:
        incoming.delivery = Delivery.to_staff.value
        session.commit()
        return turn

    local: Reply | None = None
    forward, notes = clean, []
    if unsupported and translator is not None and translator.can_translate(unsupported, "en"):
        english = translator.translate(clean, unsupported, "en")
        if english:  # a language we have no training data for: the bot reads it in English
            forward, lang, notes = english, "en", [phrase("machine_label", "en")]
            unsupported = None
            conversation.language = turn.language = lang
    if switched_to:
        local = Reply(text=phrase("language_changed", lang), language=lang, kind=Kind.smalltalk)
    elif unsupported:
        text_both = phrase("unsupported_language", "en") + "\n" + phrase("unsupported_language", "nb")
        local = Reply(text=text_both, language="en", kind=Kind.clarify, buttons=language_picker())
    if local is not None:
        return _answered_here(session, conversation, turn, [local])

    new_session = incoming.seq - conversation.rasa_session_seq >= RASA_SESSION_MESSAGES
    session.commit()  # stored before anything is forwarded: nothing is lost if Rasa is down
    try:
        if new_session:
            await rasa.start_session(conversation.id, {"lang": lang})
        raw = await rasa.send(conversation.id, forward, {"lang": lang})
        payloads = to_payloads(raw, lang)
        if not payloads:
            raise RasaUnavailable("Rasa answered with no reply (is the action server down?)")
        replies = [Reply.model_validate(p) for p in payloads]
    except RasaUnavailable as exc:
        turn.unavailable = str(exc)
        return turn
    except ValidationError:
        turn.unavailable = "the assistant gave a reply that does not fit the contract"
        return turn
    store.get(session, conversation.id, lock=True)  # lock the conversation again while replies get their seq
    if new_session:
        conversation.rasa_session_seq = incoming.seq
    incoming.delivery = Delivery.answered.value
    if notes:
        incoming.payload = {**incoming.payload, "machine_translation": forward}
        for reply in replies:
            reply.notes = [*notes, *reply.notes]
    for reply in list(replies):
        if reply.kind is Kind.handoff:
            reason = HandoffReason(reply.handoff_reason or HandoffReason.asked.value)
            handoffs.request(session, conversation, reason)
            replies.append(availability(settings, lang))
            break
    store.add_replies(session, conversation, replies)
    session.commit()
    turn.replies = replies
    return turn
