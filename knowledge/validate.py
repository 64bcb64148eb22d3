"""Validation rules for article files, with plain-language messages for editors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.languages import CODES
from knowledge.loader import KnowledgeError, article_files, load_article
from knowledge.model import Article

MIN_EXAMPLES = 8


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    line: int | None = None
    severity: str = "error"

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{self.severity.upper()}: {where}: {self.message}"


@dataclass
class Report:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def check_article(path: Path, article: Article, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    for code in CODES:
        if code not in article.answers:
            problems.append(Problem(path, f"the answer in '{code}' is missing"))
        if len(article.examples.get(code, [])) < MIN_EXAMPLES:
            have = len(article.examples.get(code, []))
            problems.append(
                Problem(path, f"'{code}' has {have} example question(s); at least {MIN_EXAMPLES}")
            )
    return problems


def validate_tree(root: Path, today: dt.date | None = None) -> Report:
    today = today or dt.date.today()
    report = Report()
    for path in article_files(root):
        report.files += 1
        try:
            article = load_article(path)
        except KnowledgeError as exc:
            report.problems.append(Problem(exc.path, exc.message, exc.line))
            continue
        report.problems.extend(check_article(path, article, today))
    return report
