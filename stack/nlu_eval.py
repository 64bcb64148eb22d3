"""NLU cross-validation per language: ``python -m stack.nlu_eval [--folds 3] [--heldout]``.

Each article's example questions carry their language (from the knowledge files); the
conversation intents' examples are labelled with the language detector. The examples are
split into k stratified folds; for each fold a model is trained on the rest (the same
pipeline as ``bot/config.yml``) and parses the held-out examples in the bot env. Prints
intent accuracy and macro F1 per language. Takes k × the training time (about 3 minutes each).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

from api.language import detect
from knowledge import build
from knowledge.languages import CODES
from stack.model import rasa_env
from stack.paths import BOT_DIR, BOT_VENV, RASA, ROOT

Example = tuple[str, str, str]  # (text, intent, language)
HELDOUT_FILE = ROOT / "tests" / "fixtures" / "nlu" / "heldout.yml"


def examples() -> list[Example]:
    out: list[Example] = []
    for article in build.load_all():
        for lang, questions in article.examples.items():
            out += [(" ".join(q.split()), build.intent_for(article.id), lang) for q in questions]
    conversation = yaml.safe_load((ROOT / "data" / "nlu" / "conversation.yml").read_text(encoding="utf-8"))
    for block in conversation["nlu"]:
        for line in block["examples"].splitlines():
            text = line.removeprefix("- ").strip()
            if text:
                found = detect(text).language
                out.append((text, block["intent"], found if found in CODES else "en"))
    return out


def folds(items: list[Example], k: int, seed: int = 7) -> list[list[Example]]:
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for item in items:
        by_intent[item[1]].append(item)
    result: list[list[Example]] = [[] for _ in range(k)]
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    for group in by_intent.values():
        rng.shuffle(group)
        for i, item in enumerate(group):
            result[i % k].append(item)
    return result


def _nlu_yaml(items: list[Example]) -> str:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent, _ in items:
        by_intent[intent].append(text)
    blocks = [{"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)} for intent, texts in by_intent.items()]
    return yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False, width=1000)


def train_and_parse(
    train: list[Example], test: list[Example], work: Path, config: Path = BOT_DIR / "config.yml"
) -> list[tuple[str, float, list[str]]]:
    data = work / "nlu.yml"
    data.write_text(_nlu_yaml(train), encoding="utf-8")
    subprocess.run(
        [str(RASA), "train", "nlu", "--config", str(config), "--nlu", str(data),
         "--out", str(work), "--fixed-model-name", "fold"],
        check=True, cwd=ROOT, env=rasa_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    request = json.dumps({"model": str(work / "fold.tar.gz"), "texts": [t for t, _, _ in test]})
    result = subprocess.run(
        [str(BOT_VENV / "bin" / "python"), str(BOT_DIR / "tools" / "parse.py")],
        input=request, capture_output=True, text=True, check=True, cwd=ROOT, env=rasa_env(),
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    return [(intent, float(conf), list(top3)) for intent, conf, top3 in json.loads(line.removeprefix("RESULT "))]


def fallback_threshold(path: Path = BOT_DIR / "config.yml") -> float:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    return float(next(c["threshold"] for c in config["pipeline"] if c["name"] == "FallbackClassifier"))


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = {gold for gold, _ in pairs}
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def heldout_examples(path: Path = HELDOUT_FILE) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (" ".join(q.split()), intent, lang)
        for lang, groups in data.items()
        for intent, qs in groups.items()
        for q in qs
    ]


def print_table(
    per_lang: dict[str, list[tuple[str, str]]],
    confident: dict[str, list[bool]],
    in_top3: dict[str, list[bool]],
    threshold: float,
) -> None:
    print(f"accuracy and macro-F1 of the top intent; 'direct': share above the fallback threshold {threshold}")
    print("(answered at once), and the accuracy of those; the rest get up to three suggested topics")
    print("top-3: the right intent among the three suggestions a miss offers\n")
    print("language  examples  accuracy  macro-F1   top-3   direct  accuracy-direct")
    for lang in CODES:
        pairs = per_lang.get(lang, [])
        accuracy = sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0
        sure = [pair for pair, ok in zip(pairs, confident[lang], strict=True) if ok]
        direct = len(sure) / len(pairs) if pairs else 0.0
        sure_acc = sum(g == p for g, p in sure) / len(sure) if sure else 0.0
        top3_share = sum(in_top3[lang]) / len(in_top3[lang]) if in_top3[lang] else 0.0
        print(
            f"{lang:8}  {len(pairs):8}  {accuracy:8.1%}  {macro_f1(pairs):8.3f}  {top3_share:6.1%}  {direct:7.1%}  "
            f"{sure_acc:8.1%}"
        )
    everything = [p for pairs in per_lang.values() for p in pairs]
    print(
        f"{'all':8}  {len(everything):8}  {sum(g == p for g, p in everything) / len(everything):8.1%}"
        f"  {macro_f1(everything):8.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.nlu_eval")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--config", type=Path, default=BOT_DIR / "config.yml", help="a pipeline to compare")
    parser.add_argument(
        "--heldout", action="store_true", help=f"train on all examples, test on {HELDOUT_FILE.relative_to(ROOT)}"
    )
    args = parser.parse_args(argv)
    items = examples()
    if args.heldout:
        known = {_normal(t) for t, _, _ in items}
        test_items = [x for x in heldout_examples() if _normal(x[0]) not in known]
        rounds = [(items, test_items)]
        title = f"held-out questions: {len(test_items)} (not training examples), model trained on all {len(items)}"
    else:
        parts = folds(items, args.folds)
        rounds = [([x for j, part in enumerate(parts) if j != i for x in part], test) for i, test in enumerate(parts)]
        title = f"NLU {args.folds}-fold cross-validation, {len(items)} examples, {len({x[1] for x in items})} intents"
    per_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    confident: dict[str, list[bool]] = defaultdict(list)
    in_top3: dict[str, list[bool]] = defaultdict(list)
    threshold = fallback_threshold(args.config)
    started = time.monotonic()
    for i, (train, test) in enumerate(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            predicted = train_and_parse(train, test, Path(tmp), args.config)
        for (_, gold, lang), (guess, confidence, top3) in zip(test, predicted, strict=True):
            per_lang[lang].append((gold, guess))
            confident[lang].append(confidence >= threshold)
            in_top3[lang].append(gold in top3)
        print(f"round {i + 1}/{len(rounds)} done ({time.monotonic() - started:.0f} s)", flush=True)
    print(f"\n{title}\n")
    print_table(per_lang, confident, in_top3, threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
