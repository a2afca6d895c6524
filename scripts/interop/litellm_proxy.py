#!/usr/bin/env python3
"""Optional interop check: the `naga` CLI (naga-blocking) through LiteLLM's proxy, an
OpenAI-compatible gateway with its own framing of answers and errors.

Not part of CI. See README.md "Interop checks".

    /tmp/naga-venv/bin/pip install 'litellm[proxy]'
    cargo build -p naga-cli
    /tmp/naga-venv/bin/python scripts/interop/litellm_proxy.py target/debug/naga

The proxy serves two kinds of model: `mocked` (LiteLLM answers by itself, `mock_response`)
and `upstream*` (LiteLLM forwards to a `naga serve` started here, some with `x-mock-*` fault
headers: a stream dropped or failed after 5 events, a 429). Every check runs the CLI and
compares what it printed with what the proxy sent. What it found is pinned by Rust tests:
`naga-protocol/tests/errors.rs` (a 500 whose body is an event stream: LiteLLM's answer to a
streaming Responses request it cannot stream), `naga-cli/tests/cli.rs` (a streaming request
answered with the whole document: LiteLLM's Messages mock), `naga-protocol/tests/messages.rs`.
Exit status: the number of failures.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from checks import check, expect, finish

NAGA = sys.argv[1] if len(sys.argv) > 1 else "target/debug/naga"
LITELLM = os.path.join(os.path.dirname(sys.executable), "litellm")
MASTER_KEY = "sk-master"
TEXT = "Tokyo is Japan's \"capital\" — café 東京 😀.\nSecond line."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(upstream):
    """The proxy's model list: one mocked model and the emulator with and without faults."""
    def forward(name, faults=None):
        extra = f"\n      extra_headers: {faults}" if faults else ""
        return (f"  - model_name: {name}\n    litellm_params:\n      model: openai/gpt-4o-mini\n"
                f"      api_key: ng-test\n      api_base: {upstream}{extra}\n")
    return ("model_list:\n"
            "  - model_name: mocked\n    litellm_params:\n      model: openai/gpt-4o-mini\n"
            f"      api_key: sk-fake\n      mock_response: {json.dumps(TEXT, ensure_ascii=False)}\n"
            + forward("upstream")
            + forward("upstream-drop", '{"x-mock-drop-after-events": "5"}')
            + forward("upstream-error", '{"x-mock-error-after-events": "5"}')
            + forward("upstream-429", '{"x-mock-status": "429", "x-mock-retry-after": "0"}')
            + f"general_settings:\n  master_key: {MASTER_KEY}\n")


def wait_until_up(url, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def naga(base, *args):
    cmd = [NAGA, "--base-url", base, "--api-key", MASTER_KEY, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def main():
    mock_port, proxy_port = free_port(), free_port()
    mock = subprocess.Popen([NAGA, "serve", "--addr", f"127.0.0.1:{mock_port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    upstream = mock.stdout.readline().strip()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(config(upstream))
    proxy = subprocess.Popen([LITELLM, "--config", f.name, "--host", "127.0.0.1", "--port",
                              str(proxy_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{proxy_port}/health/liveliness")
        run_checks(f"http://127.0.0.1:{proxy_port}/v1")
    finally:
        proxy.terminate()
        mock.terminate()
        os.unlink(f.name)
    version = subprocess.run([LITELLM, "--version"], capture_output=True, text=True).stdout
    finish("litellm proxy", version.strip().splitlines()[-1] if version.strip() else "?")


def run_checks(base):
    for command in ["chat", "respond", "message"]:
        for flags in [[], ["--no-stream"]]:
            streamed = not flags
            how = "streamed" if streamed else "waited"

            @check(f"{command} {how}: the mocked answer")
            def _():
                out = naga(base, command, "-m", "mocked", *flags, "hi")
                if command == "respond" and streamed:
                    # LiteLLM cannot stream a mocked Responses answer: a 500 whose body is
                    # `data: {"error": ...}`, read as that error (after the retries).
                    expect(out.returncode == 1, out.stderr)
                    expect("(internal_server_error): Error processing stream start" in out.stderr,
                           out.stderr)
                else:
                    expect(out.returncode == 0, out.stderr)
                    expect(out.stdout == TEXT + "\n", repr(out.stdout))

            @check(f"{command} {how}: the emulator's answer through the proxy")
            def _():
                out = naga(base, command, "-m", "upstream", *flags, "hi")
                expect(out.returncode == 0, out.stderr)
                expect(out.stdout.startswith("[naga-mock] Emulated reply to “hi”"), out.stdout)
                expect("tokens:" in out.stderr, out.stderr)

    failures = [
        ("an upstream stream dropped after 5 events is an error, the text so far printed",
         "upstream-drop", ["API error in stream"], "[naga-mock] Emulated reply to"),
        ("an upstream error frame comes through as the stream's error",
         "upstream-error", ["emulated upstream provider failure"], ""),
        ("a 429 is retried, then reported with LiteLLM's message",
         "upstream-429", ["gave up after 3 attempts", "429"], ""),
        ("an unknown model is LiteLLM's 400 with its message",
         "nope", ["400", "Invalid model name"], ""),
    ]
    for name, model, said, printed in failures:
        @check(f"chat: {name}")
        def _():
            out = naga(base, "chat", "-m", model, "hi")
            expect(out.returncode == 1, out.stderr)
            expect(all(words in out.stderr for words in said), out.stderr)
            expect(out.stdout.startswith(printed), out.stdout)

    @check("models: the proxy's list")
    def _():
        out = naga(base, "models", "--json")
        expect(out.returncode == 0, out.stderr)
        expect('"upstream-429"' in out.stdout and '"mocked"' in out.stdout, out.stdout)


if __name__ == "__main__":
    main()
