"""Staff opening hours: are staff on duty now, and how to say the hours in a language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from api.settings import OpeningSpan, Settings
from knowledge.languages import WEEKDAYS


def on_duty(settings: Settings, now: dt.datetime) -> bool:
    local = now.astimezone(ZoneInfo(settings.timezone))
    return any(
        local.weekday() in span.days and span.start <= local.time() < span.end for span in settings.opening_spans
    )


def _days(span: OpeningSpan, names: tuple[str, ...]) -> str:
    first, last = span.days[0], span.days[-1]
    return names[first] if first == last else f"{names[first]}–{names[last]}"


def describe(settings: Settings, lang: str) -> str:
    names = WEEKDAYS.get(lang, WEEKDAYS["en"])
    return "; ".join(f"{_days(s, names)} {s.start:%H:%M}–{s.end:%H:%M}" for s in settings.opening_spans)
