#!/usr/bin/env python3
"""Optional interop check: OpenAI's Agents SDK against the emulator, on its Responses and its
chat completions model: a run's text, a streamed run, a typed output and a tool loop.

Not part of CI. See README.md "Interop checks".

    /tmp/naga-venv/bin/pip install openai-agents
    naga serve --addr 127.0.0.1:8080 &
    /tmp/naga-venv/bin/python scripts/interop/openai_agents_python.py http://127.0.0.1:8080/v1

Exit status: the number of failures.
"""

import asyncio
import importlib.metadata
import sys

from agents import (Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, Runner,
                    function_tool, set_tracing_disabled)
from openai import AsyncOpenAI
from pydantic import BaseModel

from checks import check, expect, finish

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/v1"
PROMPT = "Write a two-line summary of Tokyo."
CLIENT = AsyncOpenAI(base_url=BASE, api_key="ng-test")
set_tracing_disabled(True)  # traces would go to OpenAI
CALLS = []
run = asyncio.new_event_loop().run_until_complete  # one loop: the client's connections live on it


class City(BaseModel):
    name: str
    population: int


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    CALLS.append(city)
    return f"sunny in {city}"


async def streamed(agent):
    run = Runner.run_streamed(agent, PROMPT)
    events = [event async for event in run.stream_events()]
    return run.final_output, len(events)


for api, model in [("responses", OpenAIResponsesModel("gpt-4o-mini", CLIENT)),
                   ("chat", OpenAIChatCompletionsModel("gpt-4o-mini", CLIENT))]:

    @check(f"{api}: a run's text, and the same text streamed")
    def _():
        agent = Agent(name="a", model=model)
        text = run(Runner.run(agent, PROMPT)).final_output
        expect(text.startswith(f"[naga-mock] Emulated reply to “{PROMPT}”"), text)
        final, events = run(streamed(agent))
        expect(final == text and events > 10, (final, events))

    @check(f"{api}: a typed output")
    def _():
        city = run(Runner.run(Agent(name="a", model=model, output_type=City), "Tokyo?"))
        expect(isinstance(city.final_output, City), repr(city.final_output))

    @check(f"{api}: a tool loop: the tool named in the prompt is called, its result answered")
    def _():
        CALLS.clear()
        agent = Agent(name="a", model=model, tools=[get_weather])
        answer = run(Runner.run(agent, "Use get_weather for Tokyo")).final_output
        expect(len(CALLS) == 1, CALLS)
        expect(f"sunny in {CALLS[0]}" in answer, answer)

finish("openai-agents", importlib.metadata.version("openai-agents"))
