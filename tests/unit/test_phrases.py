"""The bot's own phrases are curated in all seven languages, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from knowledge.languages import CODES
from knowledge.phrases import phrase, phrase_book

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("key", phrase_book().keys())
def test_every_phrase_in_every_language_with_the_same_placeholders(key: str) -> None:
    book = phrase_book()
    assert [code for code in CODES if not book.has(key, code)] == []
    master = set(PLACEHOLDER.findall(book.get(key, "nb")))
    for code in CODES:
        assert set(PLACEHOLDER.findall(book._phrases[key][code])) == master, (key, code)


def test_every_language_is_marked_as_an_unreviewed_draft() -> None:
    meta = phrase_book().meta
    assert sorted(meta) == sorted(CODES)
    assert all(m == {"provenance": "draft", "review": {"state": "unreviewed"}} for m in meta.values())


def test_placeholders_are_filled_and_unknown_languages_fall_back_to_english() -> None:
    assert "45" in phrase("handoff_open_now", "ar", wait=45)
    assert phrase("greeting", "xx") == phrase("greeting", "en")
