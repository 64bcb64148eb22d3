"""Which language is a message in? Script detection, langdetect, Nordic disambiguation and the
conversation's current language as the prior.

langdetect alone calls "Hvordan får jeg fastlege?" Danish and cannot read Ge'ez script at all,
so the order is: (1) the script decides where it can (Ethiopic → ti; Arabic script → ar or fa
by their own letters; Cyrillic → uk, or ru when Russian-only letters show); (2) for Latin script,
langdetect's probabilities, with Danish, Swedish and Nynorsk read as Norwegian and Norwegian
letters and words counted; (3) a message shorter than ``MIN_SWITCH_CHARS`` never moves the
conversation away from its current language unless the script itself rules that language out.

``python -m api.language`` measures accuracy per language on ``tests/fixtures/langid/labelled.yml``.
"""

from __future__ import annotations

import re
import sys
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.languages import CODES

MIN_SWITCH_CHARS = 18
_lock = threading.Lock()

_UK_ONLY = set("іїєґ")
_RU_ONLY = set("ыэъё")
_FA_ONLY = set("پچژگکی")
_AR_ONLY = set("ةيكىأإؤ")
_URDU_ONLY = set("ٹڈڑںےھ")
_NORDIC_LETTERS = set("æøå")
_NB_WORDS = frozenset(
    "jeg hvordan hva hvor hvorfor ikke har kan meg min mitt mine det er og på pa til av som med "
    "skal vil får far fra trenger hjelp takk tusen hei hallo morn ja nei hvem når nar nå også eller "
    "barn lege må betale snakke noen trenger jeg er sykt syk vondt gravid tannlege".split()
)
_SO_WORDS = frozenset(
    "waa maxaan maxay sidee sideen miyaan miyuu ma aan iyo ku ka la haysto haystaa caawimaad caawi "
    "dhakhtar waxaan qof carruurta ilmaha xaggee halkee goorma mahadsanid haa maya helaa helo "
    "rabaa doonayaa ii iga ah yahay tahay saan salaan nabad".split()
)
_EN_WORDS = frozenset(
    "the i you how what where can do is my to a for get need help please pls with have when why hi "
    "hello yes no bye ty thanks thank talk person am are papers pregnant dentist kids change "
    "doctor free who which".split()
)
_UK_WORDS = frozenset("як що де чому потрібно треба можна лікар лікаря допоможіть мені мене дякую привіт".split())
_RU_WORDS = frozenset("как что где почему нужно надо можно врач врача помогите меня спасибо привет".split())
_FA_WORDS = frozenset("است را چی چیست کجا کجاست بله ممنون خداحافظ تشکر هستم دارم میخواهم مرسی چطور".split())
_AR_WORDS = frozenset("في على هل كيف شو وين ماذا اريد أريد شكرا نعم لا مع عن اللي الى إلى ممكن".split())
# Norwegian service words people mix into every language: they say nothing about the language
LOANWORDS = frozenset(
    "fastlege fastlegen legevakt legevakten barnevernet barnevern frikort udi une nav imdi helsenorge "
    "helsestasjon helsestasjonen mottak mottaket asylmottak krisesenter egenandel helfo kommune "
    "kommunen bankid d-nummer dnummer gp tb".split()
)


@dataclass(frozen=True)
class Detection:
    language: str | None  # a code (supported or not), or None when nothing can be said
    confident: bool
    reason: str


def _script_counts(text: str) -> dict[str, int]:
    counts = {"ethiopic": 0, "arabic": 0, "cyrillic": 0, "latin": 0, "other": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        if 0x1200 <= cp <= 0x139F or 0x2D80 <= cp <= 0x2DDF or 0xAB00 <= cp <= 0xAB2F:
            counts["ethiopic"] += 1
        elif 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
            counts["arabic"] += 1
        elif 0x0400 <= cp <= 0x04FF:
            counts["cyrillic"] += 1
        elif "LATIN" in unicodedata.name(ch, ""):
            counts["latin"] += 1
        else:
            counts["other"] += 1
    return counts


@lru_cache(maxsize=1)
def _factory() -> object:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    from langdetect.detector_factory import init_factory

    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def _langdetect(text: str) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException

    factory = _factory()
    with _lock:
        try:
            detector = factory.create()  # type: ignore[attr-defined]
            detector.append(text)
            return [(p.lang, p.prob) for p in detector.get_probabilities()]
        except LangDetectException:
            return []


def _latin(text: str) -> Detection:
    words = re.findall(r"\w+", text.casefold())
    scores = {"nb": 0.0, "en": 0.0, "so": 0.0}
    for lang, prob in _langdetect(text):
        if lang in ("no", "da", "sv", "nn"):
            scores["nb"] += prob
        elif lang in scores:
            scores[lang] += prob
        else:
            scores[lang] = 0.5 * prob  # few of our users write other Latin-script languages
    # Norwegian letters and common words; Somali and English function words
    if any(ch in _NORDIC_LETTERS for ch in text.casefold()):
        scores["nb"] += 0.5
    for lang, vocab in (("nb", _NB_WORDS), ("so", _SO_WORDS), ("en", _EN_WORDS)):
        hits = sum(1 for w in words if w in vocab)
        if words:
            scores[lang] += 1.2 * hits / len(words)
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
    if best in ("nb", "en", "so"):
        confident = scores[best] >= 0.6 and margin >= 0.3
    else:  # a language we do not speak: only when it is clear (its damped probability) and not too short
        confident = scores[best] >= 0.45 and margin >= 0.3 and len(words) >= 4
    return Detection(best, confident, f"latin script; scores {best}={scores[best]:.2f}, margin {margin:.2f}")


def _without_loanwords(text: str) -> str:
    kept = [w for w in text.split() if re.sub(r"[^\w-]", "", w.casefold()) not in LOANWORDS]
    return " ".join(kept)


def detect(text: str) -> Detection:
    """The message's own language, without regard to the conversation."""
    text = _without_loanwords(text) or text
    counts = _script_counts(text)
    letters = sum(counts.values())
    if letters == 0:
        return Detection(None, False, "no letters")
    script = max(counts, key=lambda k: counts[k])
    if script == "ethiopic":
        return Detection("ti", True, "Ge'ez (Ethiopic) script")
    if script == "arabic":
        chars = set(text)
        if chars & _URDU_ONLY:
            return Detection("ur", True, "Arabic script with Urdu letters")
        words = set(re.findall(r"[\w\u200c]+", text))
        fa = len(chars & _FA_ONLY) + (2 if "\u200c" in text else 0) + 2 * len(words & _FA_WORDS)
        ar = len(chars & _AR_ONLY) + 2 * len(words & _AR_WORDS) + (1 if re.search(r"(^|\s)ال", text) else 0)
        if fa > ar:
            return Detection("fa", True, "Arabic script with Persian letters")
        if ar > fa:
            return Detection("ar", True, "Arabic script with Arabic letters")
        guesses = dict(_langdetect(text))
        lang = "fa" if guesses.get("fa", 0) > guesses.get("ar", 0) else "ar"
        return Detection(lang, False, "Arabic script, letters shared by Arabic and Persian")
    if script == "cyrillic":
        chars = set(text.casefold())
        if chars & _UK_ONLY and not chars & _RU_ONLY:
            return Detection("uk", True, "Cyrillic with Ukrainian letters")
        if chars & _RU_ONLY and not chars & _UK_ONLY:
            return Detection("ru", True, "Cyrillic with Russian letters")
        words = set(re.findall(r"\w+", text.casefold()))
        if len(words & _RU_WORDS) > len(words & _UK_WORDS):
            return Detection("ru", False, "Cyrillic with Russian words")
        # langdetect leans to Russian on short Ukrainian; without Russian-only letters, read Ukrainian
        return Detection("uk", False, "Cyrillic script without Russian-only letters")
    if script == "latin":
        return _latin(text)
    ranked = _langdetect(text)
    return Detection(ranked[0][0] if ranked else None, False, "other script")


def choose(text: str, current: str | None) -> tuple[str | None, Detection]:
    """The language to answer in: the current one unless the message clearly is in another.

    Returns (language, detection); language is None only when there is no current language
    and nothing can be detected.
    """
    found = detect(text)
    if found.language is None or found.language == current:
        return current or found.language, found
    short = len(text.strip()) < MIN_SWITCH_CHARS
    if current is None:
        return found.language, found
    if _script_of(current) != _script_of(found.language) and _script_of(found.language) != "latin":
        return found.language, found  # the message's script rules the current language out
    if short or not found.confident:
        return current, found
    return found.language, found


def _script_of(code: str | None) -> str:
    return {"ti": "ethiopic", "ar": "arabic", "fa": "arabic", "ur": "arabic", "uk": "cyrillic", "ru": "cyrillic"}.get(
        code or "", "latin"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m api.language [labelled|heldout]``: accuracy per language on one labelled set."""
    import yaml

    name = (argv if argv is not None else sys.argv[1:] or ["labelled"])[0]
    path = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "langid" / f"{name}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    print(f"Language detection on the {name} set (no prior: each message alone)\n")
    print("language  short         long          all")
    total_ok = total = 0
    misses = []
    for code in CODES:
        row = []
        ok_all = n_all = 0
        for size in ("short", "long"):
            messages = data[code][size]
            ok = 0
            for m in messages:
                got = detect(m).language
                if got == code:
                    ok += 1
                else:
                    misses.append(f"{code}/{size}: {m!r} -> {got}")
            row.append(f"{ok / len(messages):6.1%} ({ok}/{len(messages)})")
            ok_all += ok
            n_all += len(messages)
        total_ok += ok_all
        total += n_all
        print(f"{code:8}  {row[0]:13} {row[1]:13} {ok_all / n_all:6.1%}")
    print(f"{'all':8}  {'':27} {total_ok / total:6.1%}")
    for miss in misses:
        print("MISS", miss)
    return 0


REQUESTS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "language_requests.yml"
MAX_REQUEST_EXTRA_WORDS = 2


@lru_cache(maxsize=1)
def _requests() -> list[tuple[tuple[str, ...], str]]:
    import yaml

    from api.safety.normalise import normalise

    data = yaml.safe_load(REQUESTS_FILE.read_text(encoding="utf-8"))["requests"]
    phrases = [(tuple(normalise(p).split()), code) for code, items in data.items() for p in items]
    return sorted((p for p in phrases if p[0]), key=lambda p: -len(p[0]))


def requested_language(text: str) -> str | None:
    """The language a message asks for ("english please", "بالعربية"), if that is (almost) all it says.

    A request inside a longer question ("tolk på arabisk på sykehuset?") is not a request to switch.
    """
    from api.safety.normalise import normalise

    tokens = normalise(text).split()
    for phrase, code in _requests():
        n = len(phrase)
        if len(tokens) - n > MAX_REQUEST_EXTRA_WORDS:
            continue
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i : i + n]) == phrase:
                return code
    return None


if __name__ == "__main__":
    sys.exit(main())
