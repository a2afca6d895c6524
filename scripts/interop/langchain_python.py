#!/usr/bin/env python3
"""Optional interop check: LangChain's ChatOpenAI against a running naga emulator.

Not part of CI. See README.md "Interop checks".

    /tmp/naga-venv/bin/pip install langchain-openai
    /tmp/naga-venv/bin/python scripts/interop/langchain_python.py http://127.0.0.1:8080/v1

`with_structured_output(method="json_mode")` is left out on purpose: it sends no schema (the
prompt is expected to describe it), so an emulator cannot know which fields to produce.
Exit status: the number of failures.
"""

import sys
from typing import Optional, List
from pydantic import BaseModel, Field
from langchain_openai import ChatOpenAI
from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool
B = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/v1"
FAILURES = []


def run(name, fn):
    try:
        fn()
        print("PASS", name)
    except Exception as e:  # noqa: BLE001 - report everything
        FAILURES.append(name)
        print("FAIL", name, type(e).__name__, str(e)[:400])
llm = ChatOpenAI(model="gpt-4o-mini", base_url=B, api_key="k", max_retries=0)
run("invoke", lambda: print("  ", llm.invoke("hi").content[:60]))
def stream():
    chunks = list(ChatOpenAI(model="gpt-4o-mini", base_url=B, api_key="k", stream_usage=True).stream("hi"))
    full = chunks[0]
    for c in chunks[1:]: full = full + c
    assert full.usage_metadata and full.usage_metadata["total_tokens"] > 0, full.usage_metadata
run("stream with usage", stream)
class Weather(BaseModel):
    """Weather for a city."""
    city: str
    days: int = Field(ge=1, le=7)
    notes: Optional[List[str]]
for method in ["json_schema", "function_calling"]:
    def so(method=method):
        r = llm.with_structured_output(Weather, method=method).invoke("weather in Oslo as JSON")
        assert isinstance(r, Weather), r
    run(f"with_structured_output {method}", so)
@tool
def get_weather(city: str) -> str:
    """Get weather for a city."""
    return "12C"
def tools():
    bound = llm.bind_tools([get_weather])
    msgs = [SystemMessage("be terse"), HumanMessage("use get_weather for Oslo")]
    ai = bound.invoke(msgs)
    assert ai.tool_calls, ai
    msgs.append(ai)
    for tc in ai.tool_calls:
        msgs.append(ToolMessage(get_weather.invoke(tc["args"]), tool_call_id=tc["id"]))
    final = bound.invoke(msgs)
    assert final.content and not final.tool_calls, final
run("bind_tools loop", tools)
def tools_stream():
    bound = llm.bind_tools([get_weather], tool_choice="get_weather")
    chunks = list(bound.stream("Oslo"))
    full = chunks[0]
    for c in chunks[1:]: full = full + c
    assert full.tool_calls and full.tool_calls[0]["name"] == "get_weather", full
run("bind_tools streamed, named", tools_stream)
def reasoning():
    r = ChatOpenAI(model="gpt-4o-mini", base_url=B, api_key="k", reasoning_effort="low").invoke("hi")
    assert r.content
run("reasoning_effort", reasoning)
def dev():
    r = ChatOpenAI(model="gpt-4o-mini", base_url=B, api_key="k").invoke([{"role":"developer","content":"terse"},{"role":"user","content":"hi"}])
    assert r.content
run("developer role", dev)

print(f"{len(FAILURES)} failure(s): {FAILURES}")
sys.exit(len(FAILURES))
