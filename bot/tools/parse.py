"""Run in the bot env: parse messages with a trained model, print JSON predictions.

Reads {"model": path, "texts": [...]} on stdin; writes [[intent, confidence], ...] on stdout.
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
        out.append([parsed["intent"]["name"], parsed["intent"]["confidence"]])
    sys.stdout.write("\nRESULT " + json.dumps(out) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
