#!/usr/bin/env python3
"""Optional interop check: the `naga` CLI (naga-blocking) through nginx as a reverse proxy in
front of the emulator, with nginx's defaults (HTTP/1.0 to the upstream, buffering, gzip on)
and its own answers: 502 and 504 pages, a 413 page, a stream cut when the upstream stalls.

Not part of CI. See README.md "Interop checks".

    apt-get install nginx-light   # or nginx
    cargo build -p naga-cli
    python3 scripts/interop/nginx_proxy.py target/debug/naga

Exit status: the number of failures.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

from checks import check, expect, finish

NAGA = sys.argv[1] if len(sys.argv) > 1 else "target/debug/naga"
NGINX = os.environ.get("NGINX", "nginx")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# name -> (extra server directives, extra location directives)
SERVERS = {
    "plain": ("client_max_body_size 4k;", ""),
    "no-upstream": ("", "proxy_pass http://127.0.0.1:{dead};"),
    "stall-before-headers": ("proxy_read_timeout 1s;", "proxy_set_header x-mock-stall-ms 3000;"),
    "stall-mid-stream": ("proxy_read_timeout 1s;", "proxy_set_header x-mock-stall-after-events 4; "
                         "proxy_set_header x-mock-stall-ms 3000;"),
    "unbuffered-drop": ("", "proxy_http_version 1.1; proxy_set_header Connection \"\"; "
                        "proxy_buffering off; proxy_set_header x-mock-drop-after-events 4;"),
}


def config(root, upstream, ports):
    servers = ""
    for name, (server, location) in SERVERS.items():
        proxy = "" if "proxy_pass" in location else f"proxy_pass {upstream};"
        location = location.format(dead=free_port())
        servers += (f"  server {{ listen 127.0.0.1:{ports[name]}; {server}\n"
                    f"    location / {{ {proxy} {location} }} }}\n")
    temp = " ".join(f"{kind}_temp_path {root}/{kind};"
                    for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    return (f"worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log;\n"
            "events { worker_connections 64; }\n"
            f"http {{ access_log off; {temp}\n"
            "  gzip on; gzip_types text/event-stream application/json; gzip_min_length 20;\n"
            f"{servers}}}\n")


def naga(port, *args):
    base = f"http://127.0.0.1:{port}/v1"
    cmd = [NAGA, "--base-url", base, "--api-key", "ng-test", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def main():
    mock = subprocess.Popen([NAGA, "serve", "--addr", f"127.0.0.1:{free_port()}"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    upstream = mock.stdout.readline().strip().removesuffix("/v1")
    ports = {name: free_port() for name in SERVERS}
    root = tempfile.mkdtemp(prefix="naga-nginx-")
    with open(f"{root}/nginx.conf", "w") as f:
        f.write(config(root, upstream, ports))
    subprocess.run([NGINX, "-p", root, "-c", f"{root}/nginx.conf"], check=True)
    try:
        time.sleep(0.5)
        run_checks(ports)
    finally:
        subprocess.run([NGINX, "-p", root, "-c", f"{root}/nginx.conf", "-s", "stop"])
        mock.terminate()
    version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.strip()
    finish("nginx", version.split("/")[-1])


def run_checks(ports):
    plain = ports["plain"]
    for command, model in [("chat", "gpt-4o-mini"), ("respond", "gpt-4o-mini"),
                           ("message", "claude-sonnet-4.5")]:
        @check(f"{command}: streamed and waited answers through nginx are the same text")
        def _():
            streamed = naga(plain, command, "-m", model, "hi")
            waited = naga(plain, command, "-m", model, "--no-stream", "hi")
            expect(streamed.returncode == 0 and waited.returncode == 0, streamed.stderr + waited.stderr)
            expect(streamed.stdout.startswith("[naga-mock] Emulated reply to “hi”"), streamed.stdout)
            expect(streamed.stdout == waited.stdout, (streamed.stdout, waited.stdout))

    # name, server, prompt, retried, words on stderr, what stdout starts with
    failures = [
        ("nginx's 502 page is retried, then named by its title", "no-upstream", "hi", True,
         ["502", "“502 Bad Gateway”"], ""),
        ("nginx's 504 page is retried, then named by its title", "stall-before-headers", "hi",
         True, ["504", "“504 Gateway Time-out”"], ""),
        ("a body over client_max_body_size is nginx's 413 page, not retried", "plain", "x" * 6000,
         False, ["413", "Request Entity Too Large"], ""),
        ("a stream nginx cuts when the upstream stalls is truncated, not a success",
         "stall-mid-stream", "hi", False, ["stream ended early"], ""),
        ("an upstream drop through unbuffered nginx keeps the text so far and fails",
         "unbuffered-drop", "hi", False, ["stream ended early after 4 events"],
         "[naga-mock] Emulated reply"),
    ]
    for name, server, prompt, retried, said, printed in failures:
        @check(name)
        def _():
            out = naga(ports[server], "chat", prompt)
            expect(out.returncode == 1, out.stderr)
            expect(all(words in out.stderr for words in said), out.stderr)
            expect(("gave up after 3 attempts" in out.stderr) == retried, out.stderr)
            expect(out.stdout.startswith(printed), out.stdout)

if __name__ == "__main__":
    main()
