"""One real stack for the integration tests: a trained Rasa model, the Rasa server, the action
server and the API, each a real process on 127.0.0.1 (free ports, a fresh SQLite file)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from api.migrate import upgrade
from api.settings import Settings
from knowledge.loader import ARTICLES_DIR
from stack.model import ModelResult, ensure_model
from stack.processes import Stack, services
from tests.helpers import make_settings
from tests.tinymodel import build_tiny_package

pytestmark = pytest.mark.integration


@dataclass
class RunningStack:
    settings: Settings
    stack: Stack
    model: ModelResult
    api: httpx.Client

    def new_conversation(self, lang: str | None = None) -> str:
        response = self.api.post("/api/conversations", json={"lang": lang})
        assert response.status_code == 201, response.text
        cid: str = response.json()["id"]
        return cid

    def say(self, cid: str, text: str, lang: str | None = None) -> httpx.Response:
        body: dict[str, str] = {"text": text}
        if lang:
            body["lang"] = lang
        return self.api.post(f"/api/conversations/{cid}/messages", json=body)


@pytest.fixture(scope="session")
def model() -> ModelResult:
    return ensure_model()


@pytest.fixture(scope="session")
def running(tmp_path_factory: pytest.TempPathFactory, model: ModelResult) -> Iterator[RunningStack]:
    tmp = tmp_path_factory.mktemp("stack")
    knowledge = tmp / "articles"  # a copy, so tests may edit answers while the stack runs
    shutil.copytree(ARTICLES_DIR, knowledge)
    models = tmp / "argos-models"  # tiny real translation packages (gibberish output, real code path)
    models.mkdir()
    for source, target in (("ru", "en"), ("nb", "so")):
        build_tiny_package(models, source, target)
    settings = make_settings(
        tmp,
        knowledge_dir=knowledge,
        translation_models_dir=models,
        # the limits are unit-tested; here a long conversation must not be stopped by them
        rate_limit_per_conversation=10_000,
        rate_limit_per_client=100_000,
    )
    upgrade(settings.database_url)
    stack = Stack(services(settings, model.path, tmp), tmp / "log")
    with stack, httpx.Client(base_url=f"http://127.0.0.1:{settings.api_port}", timeout=60) as api:
        yield RunningStack(settings, stack, model, api)
