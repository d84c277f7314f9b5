#!/usr/bin/env bash
# Measures how soon `trustwork demo` answers /healthz after start and its resident memory when
# idle. Usage: scripts/measure-demo.sh [path/to/trustwork] (build with `cargo build --release`).
set -euo pipefail
bin="${1:-target/release/trustwork}"
dir="$(mktemp -d)"
port=18181
start=$(date +%s%N)
"$bin" demo --bind "127.0.0.1:$port" --data-dir "$dir" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "demo exited early" >&2; exit 1; fi
  sleep 0.02
done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "answering /healthz after ${ready_ms} ms"
# Touch a few console pages and API routes, then let it idle.
curl -fsS "http://127.0.0.1:$port/login" >/dev/null
sleep 15
echo "idle resident memory: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status) (peak $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status))"
