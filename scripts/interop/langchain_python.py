#!/usr/bin/env python3
"""Optional interop check: LangChain's ChatOpenAI against a running naga emulator: invoke,
streaming with usage, structured output (JSON schema and function calling), tool loops
(bound tools answered, a named tool streamed), reasoning_effort, the developer role, and
n choices with logprobs.

Not part of CI. See README.md "Interop checks".

    /tmp/naga-venv/bin/pip install langchain-openai
    naga serve --addr 127.0.0.1:8080 &
    /tmp/naga-venv/bin/python scripts/interop/langchain_python.py http://127.0.0.1:8080/v1

`with_structured_output(method="json_mode")` is left out on purpose: it sends no schema (the
prompt is expected to describe it), so an emulator cannot know which fields to produce.
Exit status: the number of failures.
"""

import sys
from importlib.metadata import version
from typing import List, Optional

from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field

from checks import check, expect, finish

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/v1"
MODEL = "gpt-4o-mini"
REPLY = "[naga-mock] Emulated reply to “hi”"


def chat(**options):
    return ChatOpenAI(model=MODEL, base_url=BASE, api_key="ng-test", max_retries=0, **options)


def joined(chunks):
    """The streamed message chunks added up, as LangChain does."""
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    return full


class Weather(BaseModel):
    """Weather for a city."""

    city: str
    days: int = Field(ge=1, le=7)
    notes: Optional[List[str]]


@tool
def get_weather(city: str) -> str:
    """Get weather for a city."""
    return "12C"


@check("invoke: the emulated reply")
def _():
    text = chat().invoke("hi").content
    expect(text.startswith(REPLY), text)


@check("stream with usage: the same text, and the usage trailer")
def _():
    full = joined(list(chat(stream_usage=True).stream("hi")))
    expect(full.content == chat().invoke("hi").content, full.content)
    usage = full.usage_metadata
    expect(usage and usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"] > 0, usage)


for method in ["json_schema", "function_calling"]:

    @check(f"with_structured_output {method}: a valid model instance")
    def _(method=method):
        weather = chat().with_structured_output(Weather, method=method).invoke("weather in Oslo")
        expect(isinstance(weather, Weather) and 1 <= weather.days <= 7, repr(weather))


@check("bind_tools loop: the tool is called, then its result answered")
def _():
    bound = chat().bind_tools([get_weather])
    messages = [SystemMessage("be terse"), HumanMessage("use get_weather for Oslo")]
    call = bound.invoke(messages)
    expect([c["name"] for c in call.tool_calls] == ["get_weather"], call.tool_calls)
    messages.append(call)
    for tool_call in call.tool_calls:
        result = get_weather.invoke(tool_call["args"])
        messages.append(ToolMessage(result, tool_call_id=tool_call["id"]))
    final = bound.invoke(messages)
    expect(final.content and not final.tool_calls, final)


@check("bind_tools streamed, named: the streamed call's name and arguments")
def _():
    bound = chat().bind_tools([get_weather], tool_choice="get_weather")
    full = joined(list(bound.stream("Oslo")))
    expect(full.tool_calls and full.tool_calls[0]["name"] == "get_weather", full.tool_calls)
    expect(isinstance(full.tool_calls[0]["args"].get("city"), str), full.tool_calls[0]["args"])


@check("reasoning_effort: accepted, answered")
def _():
    text = chat(reasoning_effort="low").invoke("hi").content
    expect(text.startswith(REPLY), text)


@check("developer role: accepted, answered")
def _():
    messages = [{"role": "developer", "content": "terse"}, {"role": "user", "content": "hi"}]
    text = chat().invoke(messages).content
    expect(text.startswith(REPLY), text)


@check("n=2 generations and logprobs in response_metadata")
def _():
    result = chat(n=2, logprobs=True, top_logprobs=2).generate([[HumanMessage("hi")]])
    generations = result.generations[0]
    expect(len(generations) == 2, generations)
    texts = [g.message.content for g in generations]
    expect(texts[0].startswith(REPLY) and texts[0] != texts[1], texts)
    for generation in generations:
        tokens = generation.message.response_metadata["logprobs"]["content"]
        joined_tokens = "".join(t["token"] for t in tokens)
        expect(joined_tokens == generation.message.content, tokens[:3])


finish("langchain-openai", version("langchain-openai"))
