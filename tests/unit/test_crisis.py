"""The crisis screen: the engine, its data in every language, and the API path (no Rasa needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db import session_scope
from api.models import Handoff
from api.safety.crisis import CATEGORIES, LEXICON_DIR, CrisisScreen, LexiconError, crisis_screen, load_screen
from api.safety.evaluate import evaluate
from api.settings import Settings
from knowledge.languages import CODES

NUMBERS = {
    "suicide": ["113", "116 123"],
    "self_harm": ["113", "116 123"],
    "violence_now": ["112", "116 006"],
    "child_danger": ["112", "116 111"],
    "medical_emergency": ["113", "116 117"],
}


def tiny(terms: dict[str, list[str]]) -> CrisisScreen:
    categories = {c: {"en": terms.get(c, ["placeholder never matching zzzz"])} for c in CATEGORIES}
    return CrisisScreen({"categories": categories, "replies": {c: {"en": c} for c in CATEGORIES}})


def test_phrases_prefixes_typos_and_regex() -> None:
    screen = tiny({"suicide": ["take my life", "selvmord*", "re:\\bvil\\s+do\\b"], "self_harm": ["cutting myself"]})
    assert [m.category for m in screen.screen("I want to TAKE my life.")] == ["suicide"]
    assert screen.screen("tenker på selvmordet")[0].term == "selvmord*"
    assert screen.screen("jeg vil dø")  # ø is read as o, then the regex matches
    assert screen.screen("i keep cuting myself")  # one typo in a long word
    assert not screen.screen("take my time")
    assert not screen.screen("what is self-harm? for a school project about cutting")


def test_invisible_characters_do_not_hide_a_crisis() -> None:
    screen = tiny({"suicide": ["kill myself"]})
    assert screen.screen("kill\u200b my\u202eself") or screen.screen("kill my\u200bself")


def test_every_language_has_every_category_and_a_reply_with_the_right_numbers() -> None:
    screen = crisis_screen()
    languages = {t.language for t in screen.terms}
    assert languages == set(CODES)
    for category in CATEGORIES:
        for code in CODES:
            reply = screen.replies[category][code]
            for number in NUMBERS[category]:
                assert number in reply, (category, code, number)
            assert "?" not in reply and "؟" not in reply, "the reply must not ask about method or plan"


def test_lexicon_files_are_marked_as_unreviewed_drafts() -> None:
    for code in CODES:
        data = yaml.safe_load((LEXICON_DIR / f"{code}.yml").read_text(encoding="utf-8"))
        assert data["language"] == code
        assert data["provenance"] == "draft" and data["review"] == {"state": "unreviewed"}


def test_recall_is_complete_and_false_positives_are_rare_in_every_language() -> None:
    result = evaluate(crisis_screen())
    assert result.misses == [], result.misses[:10]
    for code in CODES:
        assert sum(v for k, v in result.totals.items() if k[1] == code) >= 50, code
        assert result.negatives[code] >= 40, code
        assert result.fp_rate(code) <= 0.02, [fp for fp in result.false_positives if fp[0] == code]


def test_a_malformed_lexicon_names_the_file(tmp_path: Path) -> None:
    for code in CODES:
        (tmp_path / f"{code}.yml").write_text((LEXICON_DIR / f"{code}.yml").read_text(encoding="utf-8"))
    (tmp_path / "so.yml").write_text("terms: [unclosed\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"so\.yml"):
        load_screen(tmp_path)
    (tmp_path / "so.yml").write_text("language: so\nterms: {suicide: [x]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"so.yml: (terms.self_harm|replies.suicide) is missing"):
        load_screen(tmp_path)


def test_crisis_reply_comes_at_once_while_rasa_is_down_and_opens_an_urgent_handoff(
    client: TestClient, settings: Settings
) -> None:
    positives = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "fixtures" / "crisis" / "ar.yml").read_text(encoding="utf-8")
    )["positives"]
    cid = client.post("/api/conversations", json={"lang": "ar"}).json()["id"]
    response = client.post(f"/api/conversations/{cid}/messages", json={"text": positives["suicide"][0]})
    assert response.status_code == 200  # Rasa is not running in unit tests
    crisis, availability = response.json()["replies"]
    assert crisis["kind"] == "crisis" and crisis["language"] == "ar"
    assert "116 123" in crisis["text"]
    assert availability["kind"] == "handoff"
    with session_scope(settings.database_url) as session:
        handoff = session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        assert (handoff.reason, handoff.priority, handoff.detail) == ("crisis", "urgent", "suicide")
    assert client.get(f"/api/conversations/{cid}").json()["state"] == "handoff"
