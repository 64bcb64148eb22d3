"""Reading article files, and a store that serves the last good version.

Errors::

    KnowledgeError            a file could not be turned into an article
    └── (carries path, line and a plain-language message for editors)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.model import Article

log = logging.getLogger(__name__)

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"


class KnowledgeError(Exception):
    """A knowledge file is malformed; the message says where and how to fix it."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping key."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {key.value: key.start_mark.line + 1 for key, _ in node.value if hasattr(key, "value")}
    return _LineDict(mapping, lines)


class _LineDict(dict[Any, Any]):
    def __init__(self, mapping: dict[Any, Any], lines: dict[Any, int]) -> None:
        super().__init__(mapping)
        self.lines = lines


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(data: Any, loc: Iterable[int | str]) -> int | None:
    """The line of the deepest key in ``loc`` that the YAML had."""
    line = None
    node = data
    for part in loc:
        if isinstance(node, _LineDict) and part in node.lines:
            line = node.lines[part]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


def parse_yaml(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KnowledgeError(path, f"cannot read the file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(path, "the file is not UTF-8 text; save it as UTF-8") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        raise KnowledgeError(path, f"this is not valid YAML: {exc.problem}", line) from exc


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"]) or "(the file)"
    kind = error["type"]
    if kind == "missing":
        return f"'{loc}' is missing"
    if kind == "extra_forbidden":
        return f"'{loc}' is not a known field (check the spelling)"
    msg = str(error["msg"]).removeprefix("Value error, ")
    return f"'{loc}': {msg}"


def load_article(path: Path) -> Article:
    data = parse_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError(path, "the file must be a mapping of fields (id, topic, answers, ...)")
    try:
        article = Article.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
        raise KnowledgeError(path, _describe(dict(first)) + more, _line_of(data, first["loc"])) from exc
    if article.id != path.stem:
        raise KnowledgeError(path, f"the id '{article.id}' must match the file name '{path.stem}.yml'", 1)
    return article


def article_files(root: Path = ARTICLES_DIR) -> list[Path]:
    return sorted(p for p in root.rglob("*.yml") if p.is_file())


@dataclass
class StoreStatus:
    articles: int = 0
    errors: dict[str, str] = field(default_factory=dict)


class KnowledgeStore:
    """All articles, reloaded when a file changes; a bad file keeps its last good version.

    ``refresh()`` is cheap (one ``stat`` per file) and is called before each lookup, so an
    edited answer is served on the next message without a restart.
    """

    def __init__(self, root: Path = ARTICLES_DIR) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._articles: dict[str, Article] = {}
        self._by_path: dict[Path, str] = {}
        self._mtimes: dict[Path, float] = {}
        self.status = StoreStatus()

    def refresh(self) -> None:
        with self._lock:
            seen: set[Path] = set()
            for path in article_files(self.root):
                seen.add(path)
                try:
                    mtime = path.stat().st_mtime_ns
                except FileNotFoundError:
                    continue
                if self._mtimes.get(path) == mtime:
                    continue
                self._mtimes[path] = mtime
                self._load_one(path)
            for gone in set(self._by_path) - seen:
                self._articles.pop(self._by_path.pop(gone), None)
                self._mtimes.pop(gone, None)
                self.status.errors.pop(str(gone), None)
            self.status.articles = len(self._articles)

    def _load_one(self, path: Path) -> None:
        try:
            article = load_article(path)
        except KnowledgeError as exc:
            self.status.errors[str(path)] = str(exc)
            kept = "keeping the last good version" if path in self._by_path else "not loaded"
            log.error("knowledge file rejected (%s): %s", kept, exc)
            return
        self.status.errors.pop(str(path), None)
        old_id = self._by_path.get(path)
        if old_id and old_id != article.id:
            self._articles.pop(old_id, None)
        self._by_path[path] = article.id
        self._articles[article.id] = article
        log.info("knowledge article loaded: %s", article.id)

    def get(self, article_id: str) -> Article | None:
        self.refresh()
        return self._articles.get(article_id)

    def all(self) -> list[Article]:
        self.refresh()
        return sorted(self._articles.values(), key=lambda a: a.id)
