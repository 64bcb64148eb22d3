"""Text normalisation shared by the crisis screen and its lexicons.

Both the lexicon terms and the message go through the same function, so a term written
with or without Norwegian letters, Arabic diacritics or the Persian zero-width non-joiner
matches the same messages.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_LETTER_MAP = str.maketrans(
    {
        "ø": "o",
        "å": "a",
        "æ": "ae",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ئ": "ی",
        "ة": "ه",
        "ك": "ک",
        "ؤ": "و",
        "’": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‘": "'",
    }
)
_NON_WORD = re.compile(r"[^\w'*]+")


def normalise(text: str) -> str:
    """Case-folded, letters unified, accents and invisible characters removed, punctuation → space."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _ARABIC_DIACRITICS.sub("", text)
    text = text.casefold().translate(_LETTER_MAP)
    # strip Latin accents (é → e) but keep other scripts' combining marks (Ge'ez has none)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in decomposed if not (unicodedata.combining(ch) and ord(ch) < 0x0370))
    text = unicodedata.normalize("NFC", text)
    text = _NON_WORD.sub(" ", text).replace("'", "")
    return " ".join(text.split())
