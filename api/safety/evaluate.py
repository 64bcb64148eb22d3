"""Measure the crisis screen: ``python -m api.safety.evaluate``.

Recall per language and category on the ``positives`` and the false-positive rate per
language on the ``negatives`` (ordinary questions) in ``tests/fixtures/crisis/<language>.yml``.
Misses and false positives are listed so the lexicon can be tuned.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from api.safety.crisis import CATEGORIES, CrisisScreen, load_screen
from knowledge.languages import CODES

FIXTURES = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "crisis"


@dataclass
class Evaluation:
    hits: dict[tuple[str, str], int] = field(default_factory=dict)  # (category, lang) -> caught
    totals: dict[tuple[str, str], int] = field(default_factory=dict)
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    negatives: dict[str, int] = field(default_factory=dict)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)

    def recall(self, lang: str | None = None) -> float:
        keys = [k for k in self.totals if lang is None or k[1] == lang]
        total = sum(self.totals[k] for k in keys)
        return sum(self.hits[k] for k in keys) / total if total else 1.0

    def fp_rate(self, lang: str | None = None) -> float:
        langs = [lang] if lang else list(self.negatives)
        total = sum(self.negatives.get(code, 0) for code in langs)
        fps = sum(1 for fp in self.false_positives if lang is None or fp[0] == lang)
        return fps / total if total else 0.0


def evaluate(screen: CrisisScreen, fixtures: Path = FIXTURES, languages: tuple[str, ...] = CODES) -> Evaluation:
    positives: dict[str, dict[str, list[str]]] = {c: {} for c in CATEGORIES}
    negatives: dict[str, list[str]] = {}
    for path in sorted(p for p in fixtures.glob("*.yml") if p.stem in languages):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        lang = path.stem
        for category in CATEGORIES:
            positives[category][lang] = list((data.get("positives") or {}).get(category) or [])
        negatives[lang] = list(data.get("negatives") or [])
    result = Evaluation()
    for category in CATEGORIES:
        for lang, messages in positives[category].items():
            key = (category, lang)
            result.totals[key] = len(messages)
            result.hits[key] = 0
            for message in messages:
                if screen.screen(message):
                    result.hits[key] += 1
                else:
                    result.misses.append((category, lang, message))
    for lang, messages in negatives.items():
        result.negatives[lang] = len(messages)
        for message in messages:
            matches = screen.screen(message)
            if matches:
                result.false_positives.append((lang, message, f"{matches[0].category}: {matches[0].term}"))
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m api.safety.evaluate [lang ...]``: all languages, or only the ones named."""
    languages = tuple(argv if argv else sys.argv[1:]) or CODES
    result = evaluate(load_screen(languages=languages), languages=languages)
    print("Crisis screen: recall on the crisis test set, false positives on ordinary questions\n")
    print("language  recall   (caught/total)   false positives")
    for lang in languages:
        caught = sum(v for k, v in result.hits.items() if k[1] == lang)
        total = sum(v for k, v in result.totals.items() if k[1] == lang)
        fps = sum(1 for fp in result.false_positives if fp[0] == lang)
        negs = result.negatives.get(lang, 0)
        print(
            f"{lang:8}  {result.recall(lang):6.1%}   ({caught}/{total}){'':9}{result.fp_rate(lang):5.1%} ({fps}/{negs})"
        )
    total = sum(result.totals.values())
    negs = sum(result.negatives.values())
    print(
        f"{'all':8}  {result.recall():6.1%}   ({total - len(result.misses)}/{total})"
        f"{'':9}{result.fp_rate():5.1%} ({len(result.false_positives)}/{negs})"
    )
    print(
        "\nper category: "
        + ", ".join(
            f"{c} {sum(v for k, v in result.hits.items() if k[0] == c)}/"
            f"{sum(v for k, v in result.totals.items() if k[0] == c)}"
            for c in CATEGORIES
        )
    )
    for category, lang, message in result.misses:
        print(f"MISSED [{category}/{lang}] {message}")
    for lang, message, why in result.false_positives:
        print(f"FALSE POSITIVE [{lang}] {message}  <- {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
