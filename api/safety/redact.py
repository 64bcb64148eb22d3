"""Redaction of personal data before anything is stored, logged or forwarded to Rasa.

Replaces, with typed placeholders that staff see:

- ``[NATIONAL-ID]`` Norwegian fødselsnummer (11 digits, both check digits valid), and
  ``[D-NUMBER]`` (day + 40). Synthetic test numbers (month + 80) are recognised too, so tests
  never need a real person's number.
- ``[CARD]`` payment card numbers (13–19 digits, Luhn check).
- ``[EMAIL]`` e-mail addresses.
- ``[PHONE]`` phone numbers (+47 / 0047 / 8 digits / other international numbers); public
  service numbers the assistant itself gives (113, 116 117, 22 40 00 40 ...) are left as they are.
- ``[ADDRESS]`` Norwegian street addresses ("Storgata 12B", "Kirkeveien 5") and postcode + place
  ("0150 Oslo"), found with a spaCy ``Matcher`` over a blank multilingual pipeline.

Digits in Arabic-Indic or Persian script are read as digits, so "٠٠٤٧ ..." is found too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.matcher import Matcher

PUBLIC_NUMBERS = frozenset(
    {
        "110", "112", "113", "02800", "116117", "116123", "116111", "116006",
        "22400040", "22591300", "23327000", "23351600", "48890560", "40049094", "80033321",
    }
)  # fmt: skip
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEP = r"[ \u00a0.\-]?"
_ID = re.compile(rf"(?<![\d\w])(\d{{6}}{_SEP}\d{{5}})(?![\d\w])")
_CARD = re.compile(r"(?<![\d\w])(\d(?:[ \-]?\d){12,18})(?![\d\w])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
_PHONE = re.compile(
    r"(?<![\d\w+])("
    r"(?:\+|00)\d{1,3}[ \-]?(?:\d[ \-]?){6,12}\d"  # international, +47 included
    r"|\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}"  # 8 digits: 22 40 00 40
    r"|\d{3}[ \-]?\d{2}[ \-]?\d{3}"  # 8 digits: 488 90 560
    r")(?![\d\w])"
)
_STREET_SUFFIX = (
    r"(?i)^[\w\u00c0-\u017f\-]*(gata|gate|gaten|veien|vegen|vei|veg|allé|alle|plass|plassen|stien|"
    r"bakken|svingen|lia|tunet|ringen|kroken|haugen|brekka|torget)$"
)


@dataclass(frozen=True)
class Redaction:
    kind: str
    start: int
    end: int


def _fnr_valid(digits: str) -> bool:
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d[:9], strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d[:10], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and d[9] == k1 and d[10] == k2


def classify_id(digits: str) -> str | None:
    """``NATIONAL-ID``, ``D-NUMBER`` or None for 11 digits."""
    if not _fnr_valid(digits):
        return None
    day, month = int(digits[:2]), int(digits[2:4])
    month_ok = 1 <= month % 40 <= 12 or 81 <= month <= 92  # H-numbers (+40), synthetic (+80)
    if not month_ok:
        return None
    if 1 <= day <= 31:
        return "NATIONAL-ID"
    if 41 <= day <= 71:
        return "D-NUMBER"
    return None


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


@lru_cache(maxsize=1)
def _address_matcher() -> tuple[Any, Matcher]:
    nlp = spacy.blank("xx")
    matcher = Matcher(nlp.vocab)
    number = {"TEXT": {"REGEX": r"^\d{1,4}[A-Za-z]?$"}}
    matcher.add("STREET", [[{"TEXT": {"REGEX": _STREET_SUFFIX}}, number]])
    matcher.add("STREET2", [[{"IS_TITLE": True}, {"LOWER": {"IN": ["gate", "vei", "veg", "allé", "plass"]}}, number]])
    matcher.add("POSTCODE", [[{"TEXT": {"REGEX": r"^\d{4}$"}}, {"IS_TITLE": True, "IS_ALPHA": True}]])
    return nlp, matcher


def find(text: str) -> list[Redaction]:
    shadow = text.translate(_DIGITS)  # same length: one character for one
    found: list[Redaction] = []

    def taken(start: int, end: int) -> bool:
        return any(r.start < end and start < r.end for r in found)

    for m in _ID.finditer(shadow):
        kind = classify_id(re.sub(r"\D", "", m.group(1)))
        if kind:
            found.append(Redaction(kind, m.start(1), m.end(1)))
    for m in _EMAIL.finditer(shadow):
        if not taken(m.start(), m.end()):
            found.append(Redaction("EMAIL", m.start(), m.end()))
    for m in _CARD.finditer(shadow):
        digits = re.sub(r"\D", "", m.group(1))
        if 13 <= len(digits) <= 19 and _luhn(digits) and not taken(m.start(1), m.end(1)):
            found.append(Redaction("CARD", m.start(1), m.end(1)))
    for m in _PHONE.finditer(shadow):
        digits = re.sub(r"\D", "", m.group(1))
        if digits in PUBLIC_NUMBERS or taken(m.start(1), m.end(1)):
            continue
        found.append(Redaction("PHONE", m.start(1), m.end(1)))
    if any(ch.isdigit() for ch in shadow):
        nlp, matcher = _address_matcher()
        doc = nlp.make_doc(shadow)
        for _, start, end in matcher(doc):
            span = doc[start:end]
            if not taken(span.start_char, span.end_char):
                found.append(Redaction("ADDRESS", span.start_char, span.end_char))
    return sorted(found, key=lambda r: r.start)


def redact(text: str) -> tuple[str, list[str]]:
    """The text with personal data replaced by ``[KIND]`` placeholders, and the kinds replaced."""
    redactions = find(text)
    out, last = [], 0
    for r in redactions:
        out.append(text[last : r.start])
        out.append(f"[{r.kind}]")
        last = r.end
    out.append(text[last:])
    return "".join(out), [r.kind for r in redactions]
