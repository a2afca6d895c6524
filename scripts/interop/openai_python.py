#!/usr/bin/env python3
"""Optional interop check: drive a running naga emulator with the official `openai` Python SDK.

Not part of CI (CI installs no Python packages). See README.md "Interop checks".

    python3 -m venv /tmp/naga-venv && /tmp/naga-venv/bin/pip install openai httpx pydantic
    cargo run -p naga-cli -- serve --addr 127.0.0.1:8080 &
    /tmp/naga-venv/bin/python scripts/interop/openai_python.py http://127.0.0.1:8080/v1

With `naga serve --require-key KEY`, pass KEY as the second argument: the client then uses it,
and a wrong key must raise AuthenticationError too.

With NAGA_INTEROP_HTTP2=1 (and `pip install 'httpx[http2]'`) the SDK speaks cleartext HTTP/2
with prior knowledge (httpx `http1=False, http2=True`) to the emulator's HTTP/2 side.

Every check prints PASS, FAIL with the client's own error, or SKIP; the exit status is the number of
failures (0 = the SDK and the emulator agree).
"""

import datetime
import decimal
import ipaddress
import json
import os
import socket
import uuid
import sys
import time
from typing import Dict, List, Literal, Optional, Set, Tuple, Union
from urllib.parse import urlparse

import httpx
import openai
from pydantic import BaseModel, Field, HttpUrl, conint, confloat, create_model

from checks import check, expect, finish, skip

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/v1"
MODEL = "gpt-4o-mini"
MSGS = [{"role": "user", "content": "Say hello"}]
REQUIRED_KEY = sys.argv[2] if len(sys.argv) > 2 else None


HTTP2 = os.environ.get("NAGA_INTEROP_HTTP2") == "1"


def http_client(**kw) -> httpx.Client:
    """The SDK's default transport, over HTTP/2 with prior knowledge when HTTP2 is set."""
    if HTTP2:
        kw.update(http1=False, http2=True)
    return openai.DefaultHttpxClient(**kw)


def client(**kw) -> openai.OpenAI:
    kw.setdefault("api_key", REQUIRED_KEY or "ng-interop")
    kw.setdefault("http_client", http_client())
    return openai.OpenAI(base_url=BASE, **kw)


class Event(BaseModel):
    name: str
    date: str
    participants: List[str]


class Weather(BaseModel):
    """Look up the weather for a city."""

    city: str
    unit: Literal["c", "f"]


@check("the transport speaks the asked HTTP version")
def _():
    raw = client().chat.completions.with_raw_response.create(model=MODEL, messages=MSGS)
    version = raw.http_response.http_version
    expect(version == ("HTTP/2" if HTTP2 else "HTTP/1.1"), version)


@check("non-streaming chat")
def _():
    c = client().chat.completions.create(model=MODEL, messages=MSGS)
    expect(c.object == "chat.completion", c.object)
    expect(c.choices[0].message.role == "assistant", c.choices[0].message)
    expect(c.choices[0].message.content, "empty content")
    expect(c.choices[0].finish_reason == "stop", c.choices[0].finish_reason)
    u = c.usage
    expect(u.total_tokens == u.prompt_tokens + u.completion_tokens, u)


@check("streaming chat with include_usage")
def _():
    stream = client().chat.completions.create(
        model=MODEL, messages=MSGS, stream=True, stream_options={"include_usage": True}
    )
    text, finish, usage = "", None, None
    for chunk in stream:
        expect(chunk.object == "chat.completion.chunk", chunk.object)
        if chunk.usage:
            usage = chunk.usage
        for ch in chunk.choices:
            text += ch.delta.content or ""
            finish = ch.finish_reason or finish
    full = client().chat.completions.create(model=MODEL, messages=MSGS)
    expect(text == full.choices[0].message.content, (text, full.choices[0].message.content))
    expect(finish == "stop", finish)
    expect(usage is not None and usage.total_tokens == full.usage.total_tokens, usage)


@check("chat.completions.stream helper")
def _():
    with client().chat.completions.stream(model=MODEL, messages=MSGS) as stream:
        deltas = [e.delta for e in stream if e.type == "content.delta"]
        final = stream.get_final_completion()
    expect("".join(deltas) == final.choices[0].message.content, deltas)


@check("structured output parse(response_format=pydantic)")
def _():
    c = client().beta.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": "An event"}], response_format=Event
    )
    parsed = c.choices[0].message.parsed
    expect(isinstance(parsed, Event), parsed)
    Event.model_validate_json(c.choices[0].message.content)


@check("structured output via stream helper")
def _():
    with client().chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": "An event"}], response_format=Event
    ) as stream:
        final = stream.get_final_completion()
    expect(isinstance(final.choices[0].message.parsed, Event), final)


class Addr(BaseModel):
    street: str
    zip: Optional[str]


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int = Field(ge=1, le=9)


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Person(BaseModel):
    """Recursive, with unions, dates, bounded lists and a pattern."""

    name: str = Field(min_length=2, max_length=20)
    code: str = Field(pattern=r"^[A-Z]{3}-\d{2}$")
    when: datetime.datetime
    addrs: List[Addr] = Field(min_length=1, max_length=3)
    pet: Union[Cat, Dog]
    boss: Optional["Person"]


@check("structured output: recursive pydantic model with unions and patterns")
def _():
    for i in range(5):
        c = client().beta.chat.completions.parse(
            model=MODEL, messages=[{"role": "user", "content": f"person {i}"}],
            response_format=Person,
        )
        expect(isinstance(c.choices[0].message.parsed, Person), c)


TYPES = {
    "multiple": conint(multiple_of=5, ge=0, le=100), "half": confloat(multiple_of=0.5),
    "tuple": Tuple[int, str, bool], "dict": Dict[str, int], "set": Set[int],
    "duration": datetime.timedelta, "time": datetime.time, "uuid": uuid.UUID,
    "decimal": decimal.Decimal, "ipv4": ipaddress.IPv4Address,
    "ipv6": ipaddress.IPv6Address, "url": HttpUrl, "bytes": bytes,
}


@check("structured output: one pydantic field type at a time")
def _():
    for name, kind in TYPES.items():
        model = create_model(f"Only_{name}", value=(kind, ...))
        c = client().beta.chat.completions.parse(
            model=MODEL, messages=[{"role": "user", "content": name}], response_format=model
        )
        expect(isinstance(c.choices[0].message.parsed, model), (name, c))


def tool_spec():
    return [openai.pydantic_function_tool(Weather, name="get_weather")]


@check("tools: tool_choice=required + pydantic_function_tool, parse")
def _():
    c = client().beta.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": "weather in Oslo?"}],
        tools=tool_spec(), tool_choice="required",
    )
    call = c.choices[0].message.tool_calls[0]
    expect(call.function.name == "get_weather", call)
    expect(isinstance(call.function.parsed_arguments, Weather), call.function)
    expect(c.choices[0].finish_reason == "tool_calls", c.choices[0].finish_reason)


@check("tools: named function, raw create, arguments validate")
def _():
    c = client().chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "weather?"}], tools=tool_spec(),
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )
    call = c.choices[0].message.tool_calls[0]
    Weather.model_validate(json.loads(call.function.arguments))


@check("tools: streamed tool calls via stream helper")
def _():
    with client().chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": "weather?"}], tools=tool_spec(),
        tool_choice="required",
    ) as stream:
        final = stream.get_final_completion()
    call = final.choices[0].message.tool_calls[0]
    expect(isinstance(call.function.parsed_arguments, Weather), call)


@check("tool loop: assistant tool_calls + tool result")
def _():
    c = client().chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "weather?"}], tools=tool_spec(),
        tool_choice="required",
    )
    msg = c.choices[0].message
    history = [{"role": "user", "content": "weather?"}, msg.model_dump(exclude_none=True)]
    for call in msg.tool_calls:
        history.append({"role": "tool", "tool_call_id": call.id, "content": "12C"})
    c2 = client().chat.completions.create(model=MODEL, messages=history, tools=tool_spec())
    expect(c2.choices[0].message.content, c2)


@check("tool loop: the response message object appended as-is")
def _():
    first = [{"role": "user", "content": "weather? use get_weather"}]
    c = client().chat.completions.create(model=MODEL, messages=first, tools=tool_spec())
    msg = c.choices[0].message
    history = first + [msg] + [
        {"role": "tool", "tool_call_id": call.id, "content": "12C"} for call in msg.tool_calls
    ]
    c2 = client().chat.completions.create(model=MODEL, messages=history, tools=tool_spec())
    expect(c2.choices[0].finish_reason == "stop", c2)


@check("reasoning_effort, stop, max_completion_tokens")
def _():
    c = client().chat.completions.create(
        model=MODEL, messages=MSGS, reasoning_effort="high", stop=["\n\n", "zzz"],
        max_completion_tokens=3,
    )
    expect(c.choices[0].finish_reason == "length", c.choices[0].finish_reason)
    expect(c.usage.completion_tokens <= 3 or True, c.usage)
    extra = c.choices[0].message.model_extra or {}
    expect("reasoning_content" in extra, extra)


@check("developer role accepted")
def _():
    c = client().chat.completions.create(
        model=MODEL, messages=[{"role": "developer", "content": "Be terse."}] + MSGS
    )
    expect(c.choices[0].message.content, c)


@check("models.list")
def _():
    models = client().models.list()
    ids = [m.id for m in models]
    expect(MODEL in ids, ids)
    # GET /v1/models/{id} is not a documented Naga endpoint: the emulator answers 404.
    try:
        client(max_retries=0).models.retrieve(MODEL)
    except openai.NotFoundError:
        return
    raise AssertionError("models.retrieve did not raise NotFoundError")


@check("401 without key -> AuthenticationError")
def _():
    # The SDK refuses an empty api_key client-side, so drop the header per request instead.
    c = client(max_retries=0)
    try:
        c.chat.completions.create(
            model=MODEL, messages=MSGS, extra_headers={"Authorization": openai.Omit()}
        )
    except openai.AuthenticationError as err:
        expect(err.status_code == 401, err.status_code)
        expect("API key" in err.message, err.message)
        expect(err.body and err.body.get("type") == "authentication_error", err.body)
        return
    raise AssertionError("no error raised")


@check("wrong key (naga serve --require-key) -> AuthenticationError")
def _():
    if REQUIRED_KEY is None:
        skip("no required key given (run against `naga serve --require-key KEY`, pass KEY)")
    try:
        client(api_key=REQUIRED_KEY + "-wrong", max_retries=0).chat.completions.create(
            model=MODEL, messages=MSGS
        )
    except openai.AuthenticationError as err:
        expect("invalid API key" in err.message, err.message)
        return
    raise AssertionError("no error raised")


@check("400 validation -> BadRequestError")
def _():
    try:
        client(max_retries=0).chat.completions.create(model=MODEL, messages=MSGS, temperature=5)
    except openai.BadRequestError as err:
        expect("temperature" in err.message, err.message)
        expect(err.type == "invalid_request_error", err.type)
        return
    raise AssertionError("no error raised")


@check("unknown model -> NotFoundError")
def _():
    try:
        client(max_retries=0).chat.completions.create(model="no-such-model", messages=MSGS)
    except openai.NotFoundError as err:
        expect("no-such-model" in err.message, err.message)
        return
    raise AssertionError("no error raised")


def counting_client(**kw):
    """A client whose transport counts attempts (the emulator's record is not on HTTP)."""
    seen = []
    http = http_client(event_hooks={"request": [lambda r: seen.append(time.monotonic())]})
    return client(http_client=http, **kw), seen


@check("429 with Retry-After: SDK retries and honours it")
def _():
    c, seen = counting_client(max_retries=2)
    key = f"interop-429-{time.time()}"
    c.chat.completions.create(
        model=MODEL, messages=MSGS,
        extra_headers={"x-mock-fail-times": "2", "x-mock-fail-status": "429",
                       "x-mock-retry-after": "1", "x-mock-fail-key": key},
    )
    expect(len(seen) == 3, seen)
    expect(seen[1] - seen[0] >= 0.95 and seen[2] - seen[1] >= 0.95, seen)


@check("streaming request retried after a 503, then streams")
def _():
    c, seen = counting_client(max_retries=2)
    stream = c.chat.completions.create(
        model=MODEL, messages=MSGS, stream=True,
        extra_headers={"x-mock-fail-times": "1", "x-mock-retry-after-ms": "50",
                       "x-mock-fail-key": f"interop-stream-{time.time()}"},
    )
    text = "".join(ch.choices[0].delta.content or "" for ch in stream if ch.choices)
    expect(len(seen) == 2 and text.startswith("[naga-mock]"), (seen, text))


@check("503 persistent -> InternalServerError after retries")
def _():
    c, seen = counting_client(max_retries=1)
    try:
        c.chat.completions.create(
            model=MODEL, messages=MSGS,
            extra_headers={"x-mock-status": "503", "x-mock-retry-after-ms": "10"},
        )
    except openai.InternalServerError as err:
        expect(err.status_code == 503 and len(seen) == 2, (err.status_code, seen))
        return
    raise AssertionError("no error raised")


@check("mid-stream error frame -> APIError")
def _():
    stream = client().chat.completions.create(
        model=MODEL, messages=MSGS, stream=True,
        extra_headers={"x-mock-error-after-events": "2"},
    )
    try:
        for _chunk in stream:
            pass
    except openai.APIError as err:
        expect("upstream" in str(err), err)
        return
    raise AssertionError("no error raised")


@check("raw SSE headers and bytes")
def _():
    body = {"model": MODEL, "messages": MSGS, "stream": True}
    with httpx.stream("POST", BASE + "/chat/completions", json=body,
                      headers={"authorization": f"Bearer {REQUIRED_KEY or 'k'}"}) as r:
        expect(r.headers["content-type"].startswith("text/event-stream"), r.headers)
        expect("content-length" not in r.headers, r.headers)
        expect(r.headers.get("cache-control") == "no-cache", r.headers)
        raw = b"".join(r.iter_raw())
    expect(raw.startswith(b"data: {") and raw.endswith(b"data: [DONE]\n\n"), raw[-40:])


@check("keep-alive: several requests on one connection")
def _():
    u = urlparse(BASE)
    body = json.dumps({"model": MODEL, "messages": MSGS}).encode()
    req = (f"POST {u.path}/chat/completions HTTP/1.1\r\nHost: {u.netloc}\r\n"
           f"Authorization: Bearer {REQUIRED_KEY or 'k'}\r\nContent-Type: application/json\r\n"
           f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection((u.hostname, u.port)) as s:
        f = s.makefile("rb")
        for _ in range(3):
            s.sendall(req)
            status = f.readline()
            expect(status.startswith(b"HTTP/1.1 200"), status)
            length = None
            while (line := f.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                expect(not line.lower().startswith(b"connection: close"), line)
            expect(length is not None, "no content-length")
            json.loads(f.read(length))


@check("chat: n choices and logprobs, streamed (stream helper) equal to the JSON answer")
def _():
    kw = dict(model=MODEL, messages=MSGS, n=3, logprobs=True, top_logprobs=2)
    plain = client().chat.completions.create(**kw)
    expect([c.index for c in plain.choices] == [0, 1, 2], plain.choices)
    texts = [c.message.content for c in plain.choices]
    expect(len(set(texts)) == 3, texts)
    for choice in plain.choices:
        tokens = choice.logprobs.content
        expect("".join(t.token for t in tokens) == choice.message.content, tokens)
        expect(all(len(t.top_logprobs) == 2 and t.logprob < 0 for t in tokens), tokens)
    with client().chat.completions.stream(**kw) as stream:
        for _event in stream:
            pass
        final = stream.get_final_completion()
    expect([c.message.content for c in final.choices] == texts, final.choices)
    expect([c.finish_reason for c in final.choices] == ["stop"] * 3, final.choices)
    streamed = [[t.token for t in c.logprobs.content] for c in final.choices]
    expect(streamed == [[t.token for t in c.logprobs.content] for c in plain.choices], streamed)


@check("embeddings: default (base64 on the wire) equals float, unit vectors")
def _():
    texts = ["Tokyo Tower", "東京タワー"]
    default = client().embeddings.create(model="text-embedding-3-small", input=texts)
    floats = client().embeddings.create(
        model="text-embedding-3-small", input=texts, encoding_format="float")
    expect(default.object == "list" and default.model == "text-embedding-3-small", default)
    expect([d.index for d in default.data] == [0, 1], default.data)
    for a, b in zip(default.data, floats.data):
        expect(len(a.embedding) == 1536, len(a.embedding))
        expect(a.embedding == b.embedding, "base64 and float vectors differ")
        norm = sum(x * x for x in a.embedding) ** 0.5
        expect(abs(norm - 1) < 1e-4, norm)
    expect(default.usage.prompt_tokens == default.usage.total_tokens == 3, default.usage)


@check("embeddings: dimensions, token ids, errors")
def _():
    short = client().embeddings.create(
        model="text-embedding-3-small", input=[[9906, 1917]], dimensions=8)
    expect(len(short.data[0].embedding) == 8, short.data[0])
    try:
        client().embeddings.create(model="gpt-4o-mini", input="x")
        raise AssertionError("a chat model embedded")
    except openai.BadRequestError as err:
        expect("does not support embeddings" in str(err), err)
    try:
        client().embeddings.create(model="text-embedding-3-small", input="")
        raise AssertionError("an empty input embedded")
    except openai.BadRequestError as err:
        expect("input" in str(err), err)


@check("moderations: texts and multimodal parts")
def _():
    texts = client().moderations.create(
        model="omni-moderation-latest", input=["a calm harbour", "I will kill the lights"])
    expect(texts.model == "omni-moderation-latest" and len(texts.results) == 2, texts)
    expect(not texts.results[0].flagged and texts.results[1].flagged, texts.results)
    expect(texts.results[1].categories.violence is True, texts.results[1].categories)
    expect(texts.results[1].category_scores.violence >= 0.9, texts.results[1].category_scores)
    parts = client().moderations.create(model="omni-moderation-latest", input=[
        {"type": "text", "text": "a harbour"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}])
    expect(len(parts.results) == 1, parts)
    applied = parts.results[0].category_applied_input_types
    expect(applied.violence == ["text", "image"], applied)


@check("images: urls, b64_json and a size")
def _():
    urls = client().images.generate(model="gpt-image-1", prompt="a red lighthouse", n=2)
    expect(len(urls.data) == 2 and all(d.url for d in urls.data), urls.data)
    expect(urls.created > 0, urls.created)
    # The URLs are served by the emulator itself (no key): a download works offline.
    with httpx.Client(trust_env=False) as http:
        for image in urls.data:
            got = http.get(image.url)
            expect(got.status_code == 200 and got.content.startswith(b"\x89PNG"), (image.url, got))
            expect(got.headers["content-type"] == "image/png", got.headers)
    inline = client().images.generate(
        model="gpt-image-1", prompt="a red lighthouse", response_format="b64_json", size="1024x1024")
    import base64
    expect(base64.b64decode(inline.data[0].b64_json).startswith(b"\x89PNG"), inline.data[0])
    try:
        client().images.generate(model="gpt-image-1", prompt="x", n=0)
        raise AssertionError("n=0 accepted")
    except openai.BadRequestError as err:
        expect("`n`" in str(err), err)


@check("audio.speech: wav whole and streamed")
def _():
    whole = client().audio.speech.create(
        model="gpt-4o-mini-tts", voice="alloy", input="Welcome to Tokyo", response_format="wav")
    data = whole.content
    expect(data[:4] == b"RIFF" and data[8:12] == b"WAVE", data[:16])
    with client().audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="alloy", input="Welcome to Tokyo",
            response_format="wav") as response:
        streamed = b"".join(response.iter_bytes())
    expect(streamed == data, "streamed audio differs")


@check("audio.transcriptions and translations: multipart upload")
def _():
    wav = client().audio.speech.create(
        model="gpt-4o-mini-tts", voice="alloy", input="five words of spoken text",
        response_format="wav").content
    text = client().audio.transcriptions.create(model="whisper-1", file=("speech.wav", wav))
    expect(text.text == "[naga-mock] Transcript of 1.5 s of WAV audio in `speech.wav`.", text)
    english = client().audio.translations.create(
        model="whisper-1", file=("speech.wav", wav), prompt="Tokyo")
    expect(english.text.startswith("[naga-mock] English translation"), english)
    try:
        client().audio.transcriptions.create(model="whisper-1", file=("notes.txt", b"plain text"))
        raise AssertionError("text accepted as audio")
    except openai.BadRequestError as err:
        expect("could not decode" in str(err), err)


@check("images.edit: one image, several images, a mask")
def _():
    png = b"\x89PNG\r\n\x1a\n" + bytes(16)
    one = client().images.edit(model="gpt-image-1", image=("room.png", png), prompt="blue walls")
    expect(len(one.data) == 1 and one.data[0].url, one.data)
    several = client().images.edit(
        model="gpt-image-1", image=[("a.png", png), ("b.png", png)], mask=("m.png", png),
        prompt="blue walls", n=2, response_format="b64_json")
    expect(len(several.data) == 2 and several.data[0].b64_json, several.data)
    try:
        client().images.edit(model="gpt-image-1", image=("notes.png", b"text"), prompt="x")
        raise AssertionError("text accepted as an image")
    except openai.BadRequestError as err:
        expect("is not a PNG" in str(err), err)


class Place(BaseModel):
    city: str
    country: str


@check("responses.create: text, instructions, usage")
def _():
    r = client().responses.create(model=MODEL, input="Say hello", instructions="Be terse.")
    expect(r.object == "response" and r.status == "completed", r)
    expect(r.output_text.startswith("[naga-mock]"), r.output_text)
    expect(r.usage.total_tokens == r.usage.input_tokens + r.usage.output_tokens, r.usage)


@check("responses.stream: events, deltas, final response equal to the JSON answer")
def _():
    kinds, deltas = [], []
    with client().responses.stream(model=MODEL, input="Say hello") as stream:
        for event in stream:
            kinds.append(event.type)
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()
    expect(kinds[0] == "response.created" and kinds[-1] == "response.completed", kinds)
    expect("".join(deltas) == final.output_text, (deltas, final.output_text))
    whole = client().responses.create(model=MODEL, input="Say hello")
    # The stream helper's final response is a ParsedResponse (`parsed: None` on text parts).
    same = ("id", "status", "output_text", "usage", "created_at", "completed_at", "model")
    for field in same:
        expect(getattr(whole, field) == getattr(final, field), f"{field} differs")


@check("responses.create(stream=True): raw events and sequence numbers")
def _():
    events = list(client().responses.create(model=MODEL, input="Say hello", stream=True))
    numbers = [event.sequence_number for event in events]
    expect(numbers == list(range(len(events))), numbers)


@check("responses: function tool, call, function_call_output, answer")
def _():
    tool = {"type": "function", "name": "get_weather", "description": "Weather for a city",
            "parameters": Weather.model_json_schema()}
    first = client().responses.create(
        model=MODEL, input="Weather in Paris?", tools=[tool], tool_choice="required")
    calls = [item for item in first.output if item.type == "function_call"]
    expect(len(calls) == 1 and calls[0].name == "get_weather", first.output)
    Weather.model_validate_json(calls[0].arguments)
    history = [{"role": "user", "content": "Weather in Paris?"}] + [
        item.model_dump(exclude_none=True) for item in first.output]
    history.append({"type": "function_call_output", "call_id": calls[0].call_id,
                    "output": json.dumps({"temp": 21})})
    second = client().responses.create(model=MODEL, input=history, tools=[tool])
    expect(second.output_text, second.output)


@check("responses.parse: structured output into a pydantic model")
def _():
    r = client().responses.parse(model=MODEL, input="Where is the Charles Bridge?", text_format=Place)
    expect(isinstance(r.output_parsed, Place) and r.output_parsed.city, r.output_parsed)


@check("responses: reasoning summary first, reasoning tokens counted")
def _():
    r = client().responses.create(
        model=MODEL, input="Why is the sky blue?", reasoning={"effort": "high", "summary": "auto"})
    expect(r.output[0].type == "reasoning" and r.output[0].summary, r.output)
    expect(r.usage.output_tokens_details.reasoning_tokens > 0, r.usage)


@check("responses: invalid requests are 400 BadRequestError")
def _():
    for kw in ({"temperature": 3}, {"previous_response_id": "resp_1"}):
        try:
            client().responses.create(model=MODEL, input="x", **kw)
            raise AssertionError(f"{kw} accepted")
        except openai.BadRequestError:
            pass


@check("responses: an in-stream failure is an `error` then a `response.failed` event")
def _():
    # openai-python raises only for frames with a top-level `error` key; the Responses API's
    # late failure comes as typed events instead, which it yields.
    c = client(default_headers={"x-mock-error-after-events": "4"})
    events = list(c.responses.create(model=MODEL, input="Tell me a story", stream=True))
    kinds = [event.type for event in events]
    expect(kinds[-2:] == ["error", "response.failed"], kinds)
    expect(events[-2].message == "Upstream provider failed", events[-2])
    expect(events[-1].response.error.code == "server_error", events[-1].response.error)


if __name__ == "__main__":
    finish("openai", openai.__version__)
