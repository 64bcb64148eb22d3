"""The assistant's own phrases (``knowledge/phrases.yml``), curated in all seven languages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.languages import MASTER

PHRASES_FILE = Path(__file__).resolve().parent / "phrases.yml"
FALLBACK_ORDER = ("en", MASTER)


class PhraseBook:
    def __init__(self, data: dict[str, Any]) -> None:
        self._phrases: dict[str, dict[str, str]] = data["phrases"]
        self.meta: dict[str, dict[str, Any]] = data.get("languages", {})

    def has(self, key: str, lang: str) -> bool:
        return lang in self._phrases.get(key, {})

    def keys(self) -> list[str]:
        return list(self._phrases)

    def get(self, key: str, lang: str | None, **values: object) -> str:
        """The phrase in ``lang``, else English, else Norwegian; ``{placeholders}`` filled in."""
        variants = self._phrases[key]
        for code in (lang, *FALLBACK_ORDER):
            if code and code in variants:
                text = variants[code]
                return text.format(**values) if values else text
        raise KeyError(f"phrase {key!r} has no text in {lang!r}, en or nb")


@lru_cache(maxsize=1)
def phrase_book(path: Path = PHRASES_FILE) -> PhraseBook:
    with path.open(encoding="utf-8") as fh:
        return PhraseBook(yaml.safe_load(fh))


def phrase(key: str, lang: str | None, **values: object) -> str:
    return phrase_book().get(key, lang, **values)
