"""The one way the API talks to Rasa: its REST channel on 127.0.0.1.

With several Rasa servers (``RASA_URLS``), each conversation goes to the server chosen by a
stable hash of its id, so one conversation stays on one server while all are up; when that
server cannot be reached, the message goes to the next one. The servers share the tracker store
(SQL) and a Redis lock store, so a conversation continues on another server with its history,
and two servers never process the same conversation at once. A server that received the message
but answered too slowly is NOT retried elsewhere (that could answer twice): the message stays
stored and the person gets a 503.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer usably."""


class RasaClient:
    def __init__(
        self, base_urls: str | list[str], timeout: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else base_urls
        self.base_urls = [u.rstrip("/") for u in urls]
        self.base_url = self.base_urls[0]
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def close(self) -> None:
        await self._client.aclose()

    def servers_for(self, sender_id: str) -> list[str]:
        """The servers in the order to try them for this conversation (stable per id)."""
        start = int(hashlib.sha256(sender_id.encode()).hexdigest()[:8], 16) % len(self.base_urls)
        return self.base_urls[start:] + self.base_urls[:start]

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        last: Exception | None = None
        for base in self.servers_for(sender_id):
            try:
                response = await self._client.post(f"{base}/webhooks/rest/webhook", json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # not reached: safe to try the next
                log.warning("Rasa at %s is not reachable (%s); trying the next server", base, type(exc).__name__)
                last = exc
                continue
            except httpx.HTTPError as exc:
                raise RasaUnavailable(f"Rasa at {base} did not answer: {type(exc).__name__}") from exc
            return self._replies(response)
        raise RasaUnavailable(f"no Rasa server is reachable ({len(self.base_urls)} tried)") from last

    async def start_session(self, sender_id: str, metadata: dict[str, Any]) -> None:
        """Begin a new Rasa session for this conversation (Rasa's own ``/session_start``): the
        slots carry over (``carry_over_slots_to_new_session``) and the tracker Rasa loads, replays
        and sends to the action server on every turn starts again from here."""
        await self.send(sender_id, "/session_start", metadata)

    @staticmethod
    def _replies(response: httpx.Response) -> list[dict[str, Any]]:
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            messages = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with something that is not JSON") from exc
        if not isinstance(messages, list):
            raise RasaUnavailable("Rasa answered with an unexpected shape")
        return [m for m in messages if isinstance(m, dict)]

    async def server_states(self) -> dict[str, bool]:
        states = {}
        for base in self.base_urls:
            try:
                response = await self._client.get(base + "/", timeout=3)
                states[base] = response.status_code == 200
            except httpx.HTTPError:
                states[base] = False
        return states

    async def is_up(self) -> bool:
        return any((await self.server_states()).values())


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
