"""The article format: one YAML file per article under ``knowledge/articles/``.

The format is documented in the README (editor's guide) and checked by these
models (``extra="forbid"`` everywhere, so a misspelt key is an error, not a
silently ignored field). Norwegian Bokmål (``nb``) is the master: it carries a
``version`` that editors bump when the meaning changes, and every translation
records the master ``source_version`` it was made from.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from knowledge.languages import CODES, MASTER

MAX_ANSWER_CHARS = 900
ARTICLE_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Topic(StrEnum):
    health_rights = "health_rights"
    gp = "gp"
    residence = "residence"
    child_welfare = "child_welfare"
    emergency = "emergency"
    introduction = "introduction"
    other = "other"


class Status(StrEnum):
    asylum_seeker = "asylum_seeker"
    refugee = "refugee"
    family_reunified = "family_reunified"
    collective_protection = "collective_protection"
    undocumented = "undocumented"


class Provenance(StrEnum):
    human = "human"  # written or translated by a person
    machine = "machine"  # machine translation, stored
    draft = "draft"  # drafted (e.g. with AI help), not yet checked by a person


class ReviewState(StrEnum):
    unreviewed = "unreviewed"
    reviewed = "reviewed"


class SourceType(StrEnum):
    official = "official"
    municipal = "municipal"
    ngo = "ngo"
    media = "media"
    commercial = "commercial"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


AnswerText = Annotated[str, Field(min_length=1, max_length=MAX_ANSWER_CHARS)]


class Review(_Strict):
    state: ReviewState = ReviewState.unreviewed
    by: str | None = None
    on: dt.date | None = None

    @model_validator(mode="after")
    def _reviewed_needs_who_and_when(self) -> Review:
        if self.state is ReviewState.reviewed and (not self.by or not self.on):
            raise ValueError("a reviewed text needs 'by' (who reviewed it) and 'on' (the date)")
        return self


class Answer(_Strict):
    text: AnswerText
    by_status: dict[Status, AnswerText] = Field(default_factory=dict)
    provenance: Provenance
    review: Review = Field(default_factory=Review)
    # master only: the version of the Norwegian text; bump it when the meaning changes
    version: int | None = Field(default=None, ge=1)
    # translations only: the master version this translation was made from
    source_version: int | None = Field(default=None, ge=1)

    def for_status(self, status: Status | None) -> str:
        if status is not None and status in self.by_status:
            return self.by_status[status]
        return self.text


class Source(_Strict):
    url: HttpUrl
    title: str = Field(min_length=1)
    checked: dt.date
    type: SourceType = SourceType.official


class Article(_Strict):
    id: str = Field(pattern=ARTICLE_ID_PATTERN, max_length=60)
    topic: Topic
    title: dict[str, str] = Field(default_factory=dict)
    applies_to: list[Status] = Field(min_length=1)
    last_verified: dt.date
    review_by: dt.date
    sources: list[Source] = Field(min_length=1)
    source_notes: str | None = None
    # violence at home, a child at risk ...: every answer offers "talk to a person"
    sensitive: bool = False
    answers: dict[str, Answer]
    examples: dict[str, list[str]]

    @model_validator(mode="after")
    def _languages_known_and_master_present(self) -> Article:
        for field in ("answers", "examples", "title"):
            unknown = sorted(set(getattr(self, field)) - set(CODES))
            if unknown:
                raise ValueError(f"{field}: unknown language code(s) {unknown}; use {list(CODES)}")
        master = self.answers.get(MASTER)
        if master is None:
            raise ValueError("answers: the Norwegian master text (nb) is required")
        if master.version is None:
            raise ValueError("answers.nb: the master needs a 'version' (start at 1)")
        if master.source_version is not None:
            raise ValueError("answers.nb: the master has a 'version', not a 'source_version'")
        for code, answer in self.answers.items():
            if code != MASTER and answer.source_version is None:
                raise ValueError(f"answers.{code}: a translation needs 'source_version' (the nb version)")
        return self

    @property
    def master_version(self) -> int:
        version = self.answers[MASTER].version
        assert version is not None  # checked by the validator above
        return version

    @property
    def has_status_variants(self) -> bool:
        return any(answer.by_status for answer in self.answers.values())

    def is_stale(self, code: str) -> bool:
        answer = self.answers.get(code)
        if answer is None or code == MASTER:
            return False
        return (answer.source_version or 0) < self.master_version
