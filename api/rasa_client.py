"""The one way the API talks to Rasa: its REST channel on 127.0.0.1."""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer usably."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float, transport: httpx.AsyncBaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        url = f"{self.base_url}/webhooks/rest/webhook"
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        try:
            response = await self._client.post(url, json=body)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa is not reachable at {self.base_url}: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            messages = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with something that is not JSON") from exc
        if not isinstance(messages, list):
            raise RasaUnavailable("Rasa answered with an unexpected shape")
        return [m for m in messages if isinstance(m, dict)]

    async def is_up(self) -> bool:
        try:
            response = await self._client.get(self.base_url + "/", timeout=3)
        except httpx.HTTPError:
            return False
        return response.status_code == 200


def to_payloads(messages: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Rasa's REST output to reply payloads: our actions send ``custom`` JSON; plain text is wrapped."""
    payloads: list[dict[str, Any]] = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and "text" in custom:
            payloads.append(custom)
        elif isinstance(message.get("text"), str):
            buttons = message.get("buttons") or []
            payloads.append({"kind": "smalltalk", "text": message["text"], "language": lang, "buttons": buttons})
    return payloads
