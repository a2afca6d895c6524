#!/usr/bin/env python3
"""Optional interop check: Pydantic AI agents (on OpenAI's Python SDK) against the emulator,
through chat completions and the Responses API: text, a streamed run, a typed output (which
Pydantic AI asks for as a tool call) and a tool loop.

Not part of CI. See README.md "Interop checks".

    /tmp/naga-venv/bin/pip install 'pydantic-ai-slim[openai]'
    naga serve --addr 127.0.0.1:8080 &
    /tmp/naga-venv/bin/python scripts/interop/pydantic_ai_python.py http://127.0.0.1:8080/v1

Exit status: the number of failures.
"""

import asyncio
import sys

import pydantic_ai
from pydantic import BaseModel
from pydantic_ai import Agent
from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel
from pydantic_ai.providers.openai import OpenAIProvider

from checks import check, expect, finish

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/v1"
PROMPT = "Write a two-line summary of Tokyo."
PROVIDER = OpenAIProvider(base_url=BASE, api_key="ng-test")


class City(BaseModel):
    name: str
    country: str
    population: int


run = asyncio.new_event_loop().run_until_complete  # one loop: the client's connections live on it


async def streamed(agent):
    async with agent.run_stream(PROMPT) as stream:
        return await stream.get_output()


for api, model in [("chat", OpenAIChatModel("gpt-4o-mini", provider=PROVIDER)),
                   ("responses", OpenAIResponsesModel("gpt-4o-mini", provider=PROVIDER))]:

    @check(f"{api}: a run's text, and the same text streamed")
    def _():
        agent = Agent(model)
        text = run(agent.run(PROMPT)).output
        expect(text.startswith(f"[naga-mock] Emulated reply to “{PROMPT}”"), text)
        expect(run(streamed(agent)) == text, "streamed text differs")

    @check(f"{api}: a typed output (a tool call with arguments valid for the model)")
    def _():
        city = run(Agent(model, output_type=City).run("Tell me about Tokyo")).output
        expect(isinstance(city, City) and isinstance(city.population, int), repr(city))

    @check(f"{api}: a tool loop: the tool named in the prompt is called, its result answered")
    def _():
        agent, calls = Agent(model), []

        @agent.tool_plain
        def get_weather(city: str) -> str:
            """The weather in a city."""
            calls.append(city)
            return f"sunny in {city}"

        answer = run(agent.run("Use get_weather for Tokyo")).output
        expect(len(calls) == 1, calls)
        expect(f"sunny in {calls[0]}" in answer, answer)

finish("pydantic-ai", pydantic_ai.__version__)
