"""A whitespace tokenizer that keeps words whole in all seven languages (runs in the bot env).

Rasa's ``WhitespaceTokenizer`` splits words at an in-word apostrophe, so Ukrainian "сім'я"
(family) became "сім" + "я" (rasa#5998 is the same family of damage). This subclass uses the
same rules but treats ' ’ ʼ between letters as part of the word. Arabic diacritics, the Persian
zero-width non-joiner and Ge'ez syllables are word characters for the ``regex`` module already;
``tests/integration/test_tokenizer.py`` checks all of them with the real Rasa.
"""

from __future__ import annotations

from typing import Any

import regex
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

_SPLIT = regex.compile(
    # not a word character, with a space or the end after it
    r"[^\w#@&]+(?=\s|$)|"
    # not a word character, with a space or the start before it, not followed by a number
    r"(\s|^)[^\w#@&]+(?=[^0-9\s])|"
    # inside a word: everything but number, e-mail, URL and apostrophe characters
    r"(?<=[^0-9\s])[^\w._~:/?#\[\]()@!$&*+,;='’ʼ-]+(?=[^0-9\s])|"
    # Ethiopic word space and punctuation (፡ ። ፣ ፤ ፥ ፦ ፧ ፨)
    r"[\u1360-\u1368]+"
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MultiScriptTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer that keeps in-word apostrophes and splits at Ethiopic punctuation."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return WhitespaceTokenizer.get_default_config()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        words = [w.strip("'’ʼ") for w in _SPLIT.sub(" ", text).split()]
        words = [self.remove_emoji(w) for w in words]
        words = [w for w in words if w]
        if not words:
            words = [text]
        tokens = self._convert_words_to_tokens(words, text)
        return self._apply_token_pattern(tokens)
