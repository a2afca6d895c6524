#!/usr/bin/env bash
# Installs cargo-fuzz (libFuzzer driver) unless it is already on PATH. Idempotent.
set -euo pipefail
if cargo fuzz --version >/dev/null 2>&1; then
    exit 0
fi
cargo install cargo-fuzz --locked
