#!/usr/bin/env python3
"""Optional interop check: drive a running naga emulator's `/v1/messages` with the official
`anthropic` Python SDK.

Not part of CI (CI installs no Python packages). See README.md "Interop checks".

    python3 -m venv /tmp/naga-venv && /tmp/naga-venv/bin/pip install anthropic
    cargo run -p naga-cli -- serve --addr 127.0.0.1:8080 &
    /tmp/naga-venv/bin/python scripts/interop/anthropic_python.py http://127.0.0.1:8080

The base URL has no `/v1`: the Anthropic SDK appends `/v1/messages` itself (§1.1 of the API
digest). With `naga serve --require-key KEY`, pass KEY as the second argument.

Every check prints PASS, FAIL with the client's own error, or SKIP; the exit status is the number of
failures (0 = the SDK and the emulator agree).
"""

import json
import sys

import anthropic

from checks import check, expect, finish, raises, skip

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
MODEL = "claude-sonnet-4.5"
MSGS = [{"role": "user", "content": "Say hello"}]
REQUIRED_KEY = sys.argv[2] if len(sys.argv) > 2 else None

WEATHER = {
    "name": "get_weather",
    "description": "Look up the weather for a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
        "required": ["city", "unit"],
        "additionalProperties": False,
    },
}


def client(**kw) -> anthropic.Anthropic:
    kw.setdefault("api_key", REQUIRED_KEY or "ng-interop")
    return anthropic.Anthropic(base_url=BASE, **kw)


def same_message(streamed, plain):
    """The parts of a Message a stream must reproduce."""
    for field in ("id", "model", "role", "stop_reason", "stop_sequence"):
        expect(getattr(streamed, field) == getattr(plain, field), (field, streamed, plain))
    # The stream helper builds `Parsed*Block`s (with `parsed_output=None`): compare the data.
    dump = lambda blocks: [b.model_dump(exclude_none=True) for b in blocks]  # noqa: E731
    expect(dump(streamed.content) == dump(plain.content), (streamed.content, plain.content))
    expect(streamed.usage == plain.usage, (streamed.usage, plain.usage))


@check("messages.create: text, usage, Naga's `created`")
def _():
    m = client().messages.create(model=MODEL, max_tokens=256, messages=MSGS, system="Be terse.")
    expect(m.type == "message" and m.role == "assistant", m)
    expect(m.id.startswith("msg_"), m.id)
    expect(len(m.content) == 1 and m.content[0].type == "text", m.content)
    expect(m.content[0].text.startswith("[naga-mock]"), m.content[0].text)
    expect(m.stop_reason == "end_turn" and m.stop_sequence is None, m)
    expect(m.usage.input_tokens > 0 and m.usage.output_tokens > 0, m.usage)
    expect(m.usage.cache_read_input_tokens == 0, m.usage)
    expect(isinstance((m.model_extra or {}).get("created"), int), m.model_extra)


@check("messages.stream: text_stream, get_final_message() equal to the plain message")
def _():
    with client().messages.stream(model=MODEL, max_tokens=256, messages=MSGS) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    plain = client().messages.create(model=MODEL, max_tokens=256, messages=MSGS)
    expect(text == plain.content[0].text, (text, plain.content[0].text))
    same_message(final, plain)


@check("messages.create(stream=True): raw event types in Anthropic's order")
def _():
    events = list(client().messages.create(model=MODEL, max_tokens=256, messages=MSGS, stream=True))
    kinds = [e.type for e in events]
    expect(kinds[0] == "message_start" and kinds[1] == "content_block_start", kinds)
    expect(kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"], kinds)
    expect(set(kinds[2:-3]) == {"content_block_delta"}, kinds)
    expect(events[-2].delta.stop_reason == "end_turn", events[-2])


@check("tools: tool_use, tool_result, answer (and the stream's tool_use input)")
def _():
    c = client()
    ask = [{"role": "user", "content": "What's the weather in Oslo?"}]
    first = c.messages.create(
        model=MODEL, max_tokens=512, messages=ask, tools=[WEATHER], tool_choice={"type": "any"}
    )
    expect(first.stop_reason == "tool_use", first.stop_reason)
    use = first.content[0]
    expect(use.type == "tool_use" and use.name == "get_weather", use)
    expect(use.id.startswith("toolu_"), use.id)
    expect(set(use.input) == {"city", "unit"} and use.input["unit"] in ("c", "f"), use.input)
    with c.messages.stream(
        model=MODEL, max_tokens=512, messages=ask, tools=[WEATHER], tool_choice={"type": "any"}
    ) as stream:
        partial = "".join(e.partial_json for e in stream if e.type == "input_json")
        final = stream.get_final_message()
    same_message(final, first)
    expect(json.loads(partial) == use.input, (partial, use.input))
    history = ask + [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "12C"}]},
    ]
    second = c.messages.create(model=MODEL, max_tokens=512, messages=history, tools=[WEATHER])
    expect(second.stop_reason == "end_turn", second.stop_reason)
    expect("12C" in second.content[0].text, second.content[0].text)


@check("thinking: a signed thinking block first, streamed with thinking and signature deltas")
def _():
    kw = dict(
        model=MODEL, max_tokens=4096, messages=MSGS,
        thinking={"type": "enabled", "budget_tokens": 2048},
    )
    plain = client().messages.create(**kw)
    kinds = [b.type for b in plain.content]
    expect(kinds == ["thinking", "text"], kinds)
    expect(plain.content[0].thinking and plain.content[0].signature, plain.content[0])
    with client().messages.stream(**kw) as stream:
        seen = {e.type for e in stream}
        final = stream.get_final_message()
    expect({"thinking", "signature", "text"} <= seen, seen)
    same_message(final, plain)
    # The thinking block is replayed unchanged before a later turn.
    history = MSGS + [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in plain.content]},
        {"role": "user", "content": "And again?"},
    ]
    again = client().messages.create(**dict(kw, messages=history))
    expect(again.content[-1].type == "text", again.content)


@check("stop_sequences and max_tokens stop reasons")
def _():
    m = client().messages.create(
        model=MODEL, max_tokens=256, messages=MSGS, stop_sequences=["東京"]
    )
    expect(m.stop_reason == "stop_sequence" and m.stop_sequence == "東京", m)
    m = client().messages.create(model=MODEL, max_tokens=2, messages=MSGS)
    expect(m.stop_reason == "max_tokens" and m.usage.output_tokens == 2, m)


@check("400 validation -> BadRequestError")
def _():
    err = raises(anthropic.BadRequestError, lambda: client(max_retries=0).messages.create(
        model=MODEL, max_tokens=4096, messages=MSGS,
        thinking={"type": "enabled", "budget_tokens": 8192},
    ))
    expect(err.status_code == 400, err.status_code)
    expect("budget_tokens" in err.message, err.message)
    expect(err.body["type"] == "error", err.body)
    expect(err.body["error"]["type"] == "invalid_request_error", err.body)


@check("unknown model -> NotFoundError")
def _():
    err = raises(anthropic.NotFoundError, lambda: client(max_retries=0).messages.create(
        model="claude-nope", max_tokens=8, messages=MSGS
    ))
    expect("claude-nope" in err.message, err.message)


@check("x-api-key auth (the SDK itself sends `Authorization: Bearer`)")
def _():
    key = REQUIRED_KEY or "ng-interop"
    m = client().messages.create(
        model=MODEL, max_tokens=8, messages=MSGS,
        extra_headers={"Authorization": anthropic.Omit(), "x-api-key": key},
    )
    expect(m.type == "message", m)


@check("401 without key -> AuthenticationError")
def _():
    no_key = {"Authorization": anthropic.Omit(), "x-api-key": anthropic.Omit()}
    err = raises(anthropic.AuthenticationError, lambda: client(max_retries=0).messages.create(
        model=MODEL, max_tokens=8, messages=MSGS, extra_headers=no_key
    ))
    expect(err.status_code == 401, err.status_code)
    expect("API key" in err.message, err.message)
    expect(err.body["error"]["type"] == "authentication_error", err.body)


@check("wrong key (naga serve --require-key) -> AuthenticationError")
def _():
    if REQUIRED_KEY is None:
        skip("no required key given (run against `naga serve --require-key KEY`, pass KEY)")
    wrong = client(api_key=REQUIRED_KEY + "-wrong", max_retries=0)
    err = raises(anthropic.AuthenticationError, lambda: wrong.messages.create(
        model=MODEL, max_tokens=8, messages=MSGS
    ))
    expect("invalid API key" in err.message, err.message)


@check("in-stream error event -> APIStatusError (an APIError)")
def _():
    c = client(default_headers={"x-mock-error-after-events": "4"})
    pieces = []

    def read():
        with c.messages.stream(model=MODEL, max_tokens=256, messages=MSGS) as stream:
            pieces.extend(stream.text_stream)

    err = raises(anthropic.APIStatusError, read)
    expect(isinstance(err, anthropic.APIError), type(err))
    expect(err.body["error"]["type"] == "overloaded_error", err.body)
    expect("Upstream provider failed" in str(err), err)
    expect("".join(pieces).startswith("[naga-mock]"), pieces)


if __name__ == "__main__":
    finish("anthropic", anthropic.__version__)
