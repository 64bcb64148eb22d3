"""The crisis screen: deterministic, runs in the API before anything else, needs no Rasa.

Lexicons live in ``knowledge/safety/crisis/<language>.yml``, one file per language with its
terms, its replies and its review state (reviewed like the articles). Every
language's terms are checked against every message, so code-mixed messages are caught.
Term syntax: a plain word or phrase matches whole consecutive words; ``word*`` matches a
prefix; ``re:<regex>`` is applied to the normalised text. Single words of six letters or
more also match with one typo (one letter added, dropped, changed or two swapped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from api.safety.normalise import normalise
from knowledge.languages import CODES

LEXICON_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge" / "safety" / "crisis"
CATEGORIES = ("suicide", "self_harm", "violence_now", "child_danger", "medical_emergency")
FUZZY_MIN_LEN = 6


class LexiconError(Exception):
    """The crisis lexicon file is malformed; the message names the entry."""


@dataclass(frozen=True)
class Term:
    category: str
    language: str
    source: str
    words: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class CrisisMatch:
    category: str
    language: str  # the lexicon that matched (not necessarily the message's language)
    term: str


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (with adjacent transposition)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _word_matches(pattern: str, token: str) -> bool:
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return token.startswith(stem) or (len(stem) >= FUZZY_MIN_LEN and _within_one_edit(stem, token[: len(stem)]))
    if token == pattern:
        return True
    return len(pattern) >= FUZZY_MIN_LEN and _within_one_edit(pattern, token)


class CrisisScreen:
    def __init__(self, data: dict[str, Any]) -> None:
        self.terms: list[Term] = []
        self.replies: dict[str, dict[str, str]] = data.get("replies") or {}
        categories = data.get("categories") or {}
        for category in CATEGORIES:
            if category not in categories:
                raise LexiconError(f"category {category!r} is missing")
            if "en" in CODES and not self.replies.get(category):
                raise LexiconError(f"replies.{category}: no reply in any language")
            for language, entries in (categories[category] or {}).items():
                for entry in entries or []:
                    self.terms.append(self._term(category, language, str(entry)))
        self._by_first_char: dict[str, list[Term]] = {}
        self._regex_terms = [t for t in self.terms if t.regex is not None]
        self._single_word_terms = [t for t in self.terms if len(t.words) == 1]
        for term in self.terms:
            if term.words:
                self._by_first_char.setdefault(term.words[0][:1], []).append(term)

    @staticmethod
    def _term(category: str, language: str, entry: str) -> Term:
        if entry.startswith("re:"):
            try:
                return Term(category, language, entry, regex=re.compile(entry[3:]))
            except re.error as exc:
                raise LexiconError(f"{category}.{language}: bad regex {entry!r}: {exc}") from exc
        star = entry.rstrip().endswith("*")
        words = normalise(entry).split()
        if not words:
            raise LexiconError(f"{category}.{language}: empty term {entry!r}")
        if star and not words[-1].endswith("*"):
            words[-1] += "*"
        for word in words:
            if word.endswith("*") and len(word) < 4:
                raise LexiconError(f"{category}.{language}: prefix {entry!r} is too short (at least 3 letters)")
        return Term(category, language, entry, words=tuple(words))

    def _phrase_at(self, tokens: list[str], start: int, words: tuple[str, ...]) -> bool:
        if start + len(words) > len(tokens):
            return False
        return all(_word_matches(w, tokens[start + i]) for i, w in enumerate(words))

    def screen(self, text: str) -> list[CrisisMatch]:
        """All crisis categories the message matches (empty list: no crisis)."""
        norm = normalise(text)
        tokens = norm.split()
        found: dict[str, CrisisMatch] = {}
        for i, token in enumerate(tokens):
            candidates = self._by_first_char.get(token[:1], [])
            for term in candidates:
                if term.category in found:
                    continue
                if self._phrase_at(tokens, i, term.words):
                    found[term.category] = CrisisMatch(term.category, term.language, term.source)
            # one-typo matches may change the first letter: check long single words too
            if len(token) >= FUZZY_MIN_LEN:
                for term in self._single_word_terms:
                    if term.category in found or term.words[0][:1] == token[:1]:
                        continue
                    if _word_matches(term.words[0], token):
                        found[term.category] = CrisisMatch(term.category, term.language, term.source)
        for term in self._regex_terms:
            if term.category not in found and term.regex is not None and term.regex.search(norm):
                found[term.category] = CrisisMatch(term.category, term.language, term.source)
        return [found[c] for c in CATEGORIES if c in found]

    def reply(self, category: str, lang: str) -> str:
        variants = self.replies[category]
        return variants.get(lang) or variants.get("en") or next(iter(variants.values()))


def load_screen(directory: Path = LEXICON_DIR, languages: tuple[str, ...] = CODES) -> CrisisScreen:
    """Read every language's file; a missing or malformed file is an error that names it."""
    categories: dict[str, dict[str, list[str]]] = {c: {} for c in CATEGORIES}
    replies: dict[str, dict[str, str]] = {c: {} for c in CATEGORIES}
    for code in languages:
        path = directory / f"{code}.yml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise LexiconError(f"{path}: cannot be read: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("terms"), dict):
            raise LexiconError(f"{path}: must be a mapping with 'terms' and 'replies'")
        for category in CATEGORIES:
            terms = data["terms"].get(category)
            reply = (data.get("replies") or {}).get(category)
            if not terms or not isinstance(terms, list):
                raise LexiconError(f"{path}: terms.{category} is missing or empty")
            if not isinstance(reply, str) or not reply.strip():
                raise LexiconError(f"{path}: replies.{category} is missing")
            categories[category][code] = [str(t) for t in terms]
            replies[category][code] = reply.strip()
    return CrisisScreen({"categories": categories, "replies": replies})


@lru_cache(maxsize=1)
def crisis_screen() -> CrisisScreen:
    return load_screen()
