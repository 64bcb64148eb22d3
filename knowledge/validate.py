"""Validation rules for article files, with plain-language messages for editors.

Each rule has a code (shown in brackets in every message) and a valid and an invalid fixture
under ``tests/fixtures/knowledge/<code>/``. Severity: an *error* fails ``validate`` (and the
test command); a *warning* is printed but does not fail.

| code | severity | what it checks |
|---|---|---|
| schema | error | YAML syntax, required fields, types, unknown keys, id == file name, text length limits |
| missing-language | error | an answer and a title in each of the seven languages |
| few-examples | error | at least 8 example questions per language |
| stale-translation | warning | a translation made from an older version of the Norwegian master |
| bad-source-version | error | a translation claiming a master version that does not exist yet |
| status-variants | error | every translation has the same ``by_status`` keys as the master |
| review-due | error/warning | ``review_by`` has passed (error) or is within 30 days (warning) |
| duplicate-example | error | the same question (ignoring case, punctuation) twice anywhere |
| near-duplicate-example | warning | almost the same question in two articles (it confuses the classifier) |
| source-url | error/warning | a source URL without a valid host name (error), or not https (warning) |
| answer-length | error/warning | an empty answer (error) or one longer than a phone screen (warning) |
| numbers-differ | warning | a phone number in the master that a translation does not contain |
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from knowledge.languages import CODES, MASTER
from knowledge.loader import KnowledgeError, _line_of, article_files, load_article, parse_yaml
from knowledge.model import Article

MIN_EXAMPLES = 8
REVIEW_WARNING_DAYS = 30
PHONE_SCREEN_CHARS = 800
NEAR_DUPLICATE_RATIO = 0.92
_PHONE = re.compile(r"(?<!\d)\d{2,3}(?:[ \u00a0]\d{2,3}){0,3}(?!\d)")


@dataclass(frozen=True)
class Problem:
    path: Path
    rule: str
    message: str
    line: int | None = None
    severity: str = "error"

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{self.severity.upper()} [{self.rule}] {where}: {self.message}"


@dataclass
class Report:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def normalise_question(text: str) -> str:
    """Lowercase, without punctuation, accents kept apart, whitespace folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch if (ch.isalnum() or ch.isspace() or ch == "\u200c") else " " for ch in text)
    return " ".join(text.split())


def phone_numbers(text: str) -> set[str]:
    """Digit groups that look like Norwegian service numbers (113, 116 117, 23 32 70 00)."""
    found = set()
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) in (3, 5, 6, 8):
            found.add(digits)
    return found


class _Checker:
    def __init__(self, path: Path, article: Article, today: dt.date) -> None:
        self.path = path
        self.article = article
        self.today = today
        self.data = parse_yaml(path)
        self.problems: list[Problem] = []

    def add(self, rule: str, message: str, *loc: str | int, severity: str = "error") -> None:
        line = _line_of(self.data, loc) if loc else None
        self.problems.append(Problem(self.path, rule, message, line, severity))

    def run(self) -> list[Problem]:
        self.languages()
        self.versions()
        self.review_dates()
        self.source_urls()
        self.answer_lengths()
        self.numbers()
        return self.problems

    def languages(self) -> None:
        a = self.article
        for code in CODES:
            if code not in a.answers:
                self.add("missing-language", f"the answer in '{code}' is missing", "answers")
            if code not in a.title:
                self.add("missing-language", f"the title in '{code}' is missing", "title")
            have = len(a.examples.get(code, []))
            if have < MIN_EXAMPLES:
                self.add(
                    "few-examples",
                    f"'{code}' has {have} example question(s); write at least {MIN_EXAMPLES}",
                    "examples",
                    *((code,) if code in a.examples else ()),
                )

    def versions(self) -> None:
        a = self.article
        master = a.answers[MASTER]
        for code, answer in a.answers.items():
            if code == MASTER:
                continue
            if (answer.source_version or 0) > a.master_version:
                self.add(
                    "bad-source-version",
                    f"'{code}' says it was made from nb version {answer.source_version}, "
                    f"but the master is at version {a.master_version}",
                    "answers",
                    code,
                    "source_version",
                )
            elif a.is_stale(code):
                self.add(
                    "stale-translation",
                    f"'{code}' was made from nb version {answer.source_version}; the master is now "
                    f"version {a.master_version}. Update the translation, then set source_version: "
                    f"{a.master_version}",
                    "answers",
                    code,
                    "source_version",
                    severity="warning",
                )
            if set(answer.by_status) != set(master.by_status):
                want = sorted(s.value for s in master.by_status) or "none"
                have = sorted(s.value for s in answer.by_status) or "none"
                self.add(
                    "status-variants",
                    f"'{code}' has by_status {have} but the master has {want}; they must match",
                    "answers",
                    code,
                )

    def review_dates(self) -> None:
        review_by = self.article.review_by
        if review_by < self.today:
            self.add(
                "review-due",
                f"review_by {review_by} has passed: check the facts against the sources, "
                "then set last_verified and a new review_by",
                "review_by",
            )
        elif review_by <= self.today + dt.timedelta(days=REVIEW_WARNING_DAYS):
            self.add(
                "review-due",
                f"review_by {review_by} is within {REVIEW_WARNING_DAYS} days",
                "review_by",
                severity="warning",
            )

    def source_urls(self) -> None:
        for i, source in enumerate(self.article.sources):
            url = source.url
            host = url.host or ""
            if "." not in host or host.startswith(".") or host.endswith("."):
                self.add("source-url", f"source {i + 1}: '{url}' has no valid host name", "sources", i, "url")
            elif url.scheme != "https":
                self.add(
                    "source-url",
                    f"source {i + 1}: '{url}' is not https; use the https address if the site has one",
                    "sources",
                    i,
                    "url",
                    severity="warning",
                )

    def answer_lengths(self) -> None:
        for code, answer in self.article.answers.items():
            texts = {"text": answer.text, **{f"by_status.{k.value}": v for k, v in answer.by_status.items()}}
            for name, text in texts.items():
                loc = ("answers", code, *name.split("."))
                if not text.strip():
                    self.add("answer-length", f"'{code}' {name} is empty", *loc)
                elif len(text) > PHONE_SCREEN_CHARS:
                    self.add(
                        "answer-length",
                        f"'{code}' {name} has {len(text)} characters; keep it under {PHONE_SCREEN_CHARS} "
                        "so it fits a phone screen",
                        *loc,
                        severity="warning",
                    )

    def numbers(self) -> None:
        master = self.article.answers[MASTER]
        for code, answer in self.article.answers.items():
            if code == MASTER:
                continue
            missing = phone_numbers(master.text) - phone_numbers(answer.text)
            if missing:
                self.add(
                    "numbers-differ",
                    f"'{code}' text lacks number(s) {sorted(missing)} that the nb text has; check the translation",
                    "answers",
                    code,
                    "text",
                    severity="warning",
                )


def check_article(path: Path, article: Article, today: dt.date) -> list[Problem]:
    return _Checker(path, article, today).run()


def check_examples(loaded: list[tuple[Path, Article]]) -> list[Problem]:
    """Duplicate and near-duplicate example questions, within and across articles."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], tuple[Path, str]] = {}
    by_language: dict[str, list[tuple[str, Path, str]]] = defaultdict(list)
    for path, article in loaded:
        for code, questions in article.examples.items():
            for question in questions:
                key = normalise_question(question)
                if not key:
                    problems.append(Problem(path, "duplicate-example", f"'{code}': an empty example question"))
                    continue
                other = seen.get((code, key))
                if other is not None:
                    _other_path, other_id = other
                    where = "twice in this article" if other_id == article.id else f"also in '{other_id}'"
                    problems.append(Problem(path, "duplicate-example", f"'{code}' example {question!r} is {where}"))
                    continue
                seen[(code, key)] = (path, article.id)
                by_language[code].append((key, path, article.id))
    for entries in by_language.values():
        entries.sort(key=lambda e: len(e[0]))
        for i, (key, path, article_id) in enumerate(entries):
            for other_key, _other_path, other_id in entries[i + 1 :]:
                if len(other_key) > len(key) * 1.15 + 1:
                    break
                if other_id == article_id or len(key) < 12:
                    continue
                matcher = SequenceMatcher(None, key, other_key)
                if matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO and matcher.ratio() >= NEAR_DUPLICATE_RATIO:
                    problems.append(
                        Problem(
                            path,
                            "near-duplicate-example",
                            f"example {key!r} is almost the same as {other_key!r} in '{other_id}'",
                            severity="warning",
                        )
                    )
    return problems


def validate_tree(root: Path, today: dt.date | None = None) -> Report:
    today = today or dt.date.today()
    report = Report()
    loaded: list[tuple[Path, Article]] = []
    ids: dict[str, Path] = {}
    for path in article_files(root):
        report.files += 1
        try:
            article = load_article(path)
        except KnowledgeError as exc:
            report.problems.append(Problem(exc.path, "schema", exc.message, exc.line))
            continue
        if article.id in ids:
            report.problems.append(Problem(path, "schema", f"the id '{article.id}' is also used by {ids[article.id]}"))
            continue
        ids[article.id] = path
        loaded.append((path, article))
        report.problems.extend(check_article(path, article, today))
    report.problems.extend(check_examples(loaded))
    report.articles = [a for _, a in loaded]
    return report
