"""The bot's tokenizer, run in the real bot environment (Rasa 3.6, Python 3.10), keeps words whole."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_in_bot_env

pytestmark = pytest.mark.integration

SCRIPT = """
import json, sys
from components.tokenizer import MultiScriptTokenizer
from rasa.shared.nlu.training_data.message import Message
t = MultiScriptTokenizer(MultiScriptTokenizer.get_default_config())
out = [[tok.text for tok in t.tokenize(Message(data={"text": s}), "text")] for s in json.load(sys.stdin)]
print(json.dumps(out, ensure_ascii=False))
"""

CASES = {
    "моя сім'я тут, з’явився лікар": ["моя", "сім'я", "тут", "з’явився", "лікар"],
    "مرحبًا، كَيْفَ أحصل على طبيب؟": ["مرحبًا", "كَيْفَ", "أحصل", "على", "طبيب"],
    "می\u200cخواهم داکتر ببینم.": ["می\u200cخواهم", "داکتر", "ببینم"],
    "ሰላም፣ ከመይ ኣለኹም። fastlege ደልየ": ["ሰላም", "ከመይ", "ኣለኹም", "fastlege", "ደልየ"],
    "Sideen u helaa fastlege?": ["Sideen", "u", "helaa", "fastlege"],
    "Hvordan får jeg fastlege?": ["Hvordan", "får", "jeg", "fastlege"],
}


def test_tokens_stay_whole_in_every_script() -> None:
    tokens = json.loads(run_in_bot_env(SCRIPT, json.dumps(list(CASES))))
    assert dict(zip(CASES, tokens, strict=True)) == CASES
