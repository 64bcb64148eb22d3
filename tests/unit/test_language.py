"""Language detection: script, Nordic disambiguation, loanwords, the prior, explicit requests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from api.language import choose, detect, requested_language
from knowledge.languages import CODES

LABELLED = Path(__file__).resolve().parent.parent / "fixtures" / "langid" / "labelled.yml"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hvordan får jeg fastlege?", "nb"),  # langdetect alone says Danish
        ("How do I get a GP?", "en"),
        ("Як отримати сімейного лікаря?", "uk"),
        ("كيف أحصل على طبيب؟", "ar"),
        ("چطور می‌توانم داکتر بگیرم؟", "fa"),
        ("ሓኪም ከመይ ይርከብ?", "ti"),  # langdetect cannot read Ge'ez at all
        ("Sideen u helaa fastlege?", "so"),
        ("كيف اجيب fastlege", "ar"),  # a Norwegian word in Arabic says nothing about the language
        ("Как получить врача?", "ru"),  # unsupported, but recognised
    ],
)
def test_detect(text: str, language: str) -> None:
    assert detect(text).language == language


def test_short_ambiguous_message_keeps_the_current_language() -> None:
    assert choose("ok", "so")[0] == "so"
    assert choose("hei", "en")[0] == "en"


def test_script_switches_even_short_messages() -> None:
    assert choose("شكرا", "en")[0] == "ar"
    assert choose("ሰላም", "nb")[0] == "ti"


def test_a_long_clear_message_switches() -> None:
    assert choose("Hello, how can I get a regular doctor for my children?", "nb")[0] == "en"


def test_no_language_and_no_letters() -> None:
    assert choose("🙂🙂", None)[0] is None
    assert choose("123", "ar")[0] == "ar"


@pytest.mark.parametrize(
    ("text", "language"),
    [("english please", "en"), ("بالعربية", "ar"), ("på norsk takk", "nb"), ("Українською будь ласка", "uk")],
)
def test_explicit_requests(text: str, language: str) -> None:
    assert requested_language(text) == language


def test_a_language_inside_a_question_is_not_a_request() -> None:
    assert requested_language("trenger tolk på arabisk på sykehuset i morgen") is None


def test_accuracy_on_the_labelled_set_is_at_least_95_percent_per_language() -> None:
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    for code in CODES:
        messages = data[code]["short"] + data[code]["long"]
        assert len(data[code]["short"]) >= 30 and len(data[code]["long"]) >= 20
        correct = sum(detect(m).language == code for m in messages)
        assert correct / len(messages) >= 0.95, (code, correct, len(messages))
