"""The languages the assistant speaks: codes, native names and text direction.

One table, used by the knowledge files, the API, the actions and the chat page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    english_name: str
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("nb", "Norsk", "Norwegian Bokmål"),
    Language("en", "English", "English"),
    Language("uk", "Українська", "Ukrainian"),
    Language("ar", "العربية", "Arabic", rtl=True),
    Language("ti", "ትግርኛ", "Tigrinya"),
    Language("so", "Soomaali", "Somali"),
    Language("fa", "دری/فارسی", "Dari/Persian", rtl=True),
)

MASTER = "nb"
CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}


def is_supported(code: str | None) -> bool:
    return code in BY_CODE


# Short weekday names, Monday first, for telling the person the opening hours in their language.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "nb": ("man", "tir", "ons", "tor", "fre", "lør", "søn"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "uk": ("пн", "вт", "ср", "чт", "пт", "сб", "нд"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "ti": ("ሰኑይ", "ሰሉስ", "ረቡዕ", "ሓሙስ", "ዓርቢ", "ቀዳም", "ሰንበት"),
    "so": ("Isniin", "Talaado", "Arbaco", "Khamiis", "Jimce", "Sabti", "Axad"),
    "fa": ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"),
}
