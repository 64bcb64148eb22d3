"""Run in the bot env: parse messages with a trained model, print JSON predictions.

Reads {"model": path, "texts": [...]} on stdin; writes, per text, [top intent, its confidence]
and the top three, on stdout (``nlu_fallback`` skipped: the classifier's own ranking).
Used by ``python -m stack.nlu_eval`` (app env).
"""

from __future__ import annotations

import asyncio
import json
import sys

from rasa.core.agent import Agent


async def main() -> None:
    request = json.load(sys.stdin)
    agent = Agent.load(request["model"])
    out = []
    for text in request["texts"]:
        parsed = await agent.parse_message(text)
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        best = ranking[0] if ranking else parsed["intent"]
        out.append([best["name"], best["confidence"], [r["name"] for r in ranking[:3]]])
    sys.stdout.write("\nRESULT " + json.dumps(out) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
