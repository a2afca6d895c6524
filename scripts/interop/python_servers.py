#!/usr/bin/env python3
"""Optional interop check: the `naga` CLI (naga-blocking) against OpenAI-shaped endpoints
served by real Python server stacks, each framing the answer its own way.

Not part of CI. See README.md "Interop checks".

    /tmp/naga-venv/bin/pip install fastapi uvicorn sse-starlette aiohttp flask
    cargo build -p naga-cli
    /tmp/naga-venv/bin/python scripts/interop/python_servers.py target/debug/naga

Servers: uvicorn + FastAPI + sse-starlette (`EventSourceResponse`: CRLF line ends, `: ping`
comments, `[DONE]`), aiohttp (`StreamResponse`, one write per event, no `[DONE]`), Flask on
werkzeug's server (a generator, chunked, `connection: close`). Each answers
`POST /v1/chat/completions` streamed and as one document; every check runs the CLI and
compares what it printed (the text on stdout, the usage and finish reason on stderr)
with what the server sent. The Rust conformance tests pin the
framings these servers use (`tests/tests/server_wire.rs`).
Exit status: the number of failures.
"""

import asyncio
import json
import socket
import subprocess
import sys
import threading
import time

NAGA = sys.argv[1] if len(sys.argv) > 1 else "target/debug/naga"
TEXT = ["Tokyo", " is", " Japan's", " \"capital\"", " — café", " 東京", " 😀", ".\nSecond", " line."]
FAILURES = []


def chunks(model):
    base = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": model}
    choice = lambda delta, finish=None: [{"index": 0, "delta": delta, "finish_reason": finish}]
    yield dict(base, choices=choice({"role": "assistant", "content": ""}))
    for piece in TEXT:
        yield dict(base, choices=choice({"content": piece}))
    yield dict(base, choices=choice({}, "stop"))
    yield dict(base, choices=[], usage={"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14})


def completion(model):
    message = {"role": "assistant", "content": "".join(TEXT)}
    return {"id": "c1", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fastapi_server(port):
    import uvicorn
    from fastapi import FastAPI, Request
    from sse_starlette.sse import EventSourceResponse
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await request.json()
        if not body.get("stream"):
            return completion(body["model"])

        async def events():
            for chunk in chunks(body["model"]):
                yield {"data": json.dumps(chunk, ensure_ascii=False)}
                await asyncio.sleep(0.02)
            yield {"data": "[DONE]"}
        return EventSourceResponse(events(), ping=1)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def aiohttp_server(port):
    from aiohttp import web

    async def chat(request):
        body = await request.json()
        if not body.get("stream"):
            return web.json_response(completion(body["model"]))
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for chunk in chunks(body["model"]):
            await response.write(("data: " + json.dumps(chunk) + "\n\n").encode())
        await response.write_eof()
        return response
    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    asyncio.set_event_loop(asyncio.new_event_loop())
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=False)


def flask_server(port):
    import logging
    import flask.cli
    from flask import Flask, Response, jsonify, request
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    flask.cli.show_server_banner = lambda *args: None
    app = Flask(__name__)

    @app.post("/v1/chat/completions")
    def chat():
        body = request.get_json()
        if not body.get("stream"):
            return jsonify(completion(body["model"]))
        lines = ("data: " + json.dumps(chunk) + "\r\n\r\n" for chunk in chunks(body["model"]))
        return Response(lines, mimetype="text/event-stream")
    app.run(host="127.0.0.1", port=port)


def wait_listening(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def check(name, port, *flags):
    url = f"http://127.0.0.1:{port}/v1"
    cmd = [NAGA, "--base-url", url, "--api-key", "k", "chat", *flags, "hi"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, f"exit {out.returncode}: {out.stderr.strip()[:300]}"
        assert out.stdout.startswith("".join(TEXT)), repr(out.stdout[:200])
        summary = out.stderr  # the CLI prints the model, usage and finish reason there
        assert "= 14" in summary and "finish: stop" in summary, repr(summary[-200:])
        print("PASS", name)
    except Exception as e:  # noqa: BLE001 - report everything
        FAILURES.append(name)
        print("FAIL", name, type(e).__name__, str(e)[:400])


for name, serve in [("fastapi+sse-starlette", fastapi_server), ("aiohttp", aiohttp_server),
                    ("flask", flask_server)]:
    port = free_port()
    threading.Thread(target=serve, args=(port,), daemon=True).start()
    wait_listening(port)
    check(f"{name} streamed", port)
    check(f"{name} document", port, "--no-stream")
print(f"{len(FAILURES)} failures")
sys.exit(len(FAILURES))
