"""The action server's one knowledge store, created on first use (no I/O at import time)."""

from __future__ import annotations

from functools import lru_cache

from api.settings import get_settings
from api.translation import TranslationService, for_settings
from knowledge.loader import KnowledgeStore


@lru_cache(maxsize=1)
def knowledge_store() -> KnowledgeStore:
    """Articles from KNOWLEDGE_DIR; every lookup picks up edited files (see KnowledgeStore)."""
    return KnowledgeStore(get_settings().knowledge_dir)


@lru_cache(maxsize=1)
def translator() -> TranslationService:
    """Machine translation for answers with no curated text in the person's language."""
    return for_settings(get_settings())
