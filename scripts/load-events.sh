#!/usr/bin/env bash
# Load test of the enforcement pipeline: `message.sent` events through POST /api/v1/events on a
# release build, against SQLite (default) or PostgreSQL (DATABASE_URL=postgres://...).
# Usage: scripts/load-events.sh [seconds] [connections]
# HOT_SHARE=1 (one flooding sender) or HOT_SHARE=0.01 (1% of the traffic from it); see
# scripts/load/message_sent.lua. REPLAY=0.1: a tenth of the requests are retries of the one before.
# BAD_SHARE=0.05 (the default): that share of the spread senders' messages carries contact details
# or payment talk.
# SCRIPT=account_login sends sign-ins instead (scripts/load/account_login.lua: devices, networks,
# places; SHARED and TRAVEL shares).
# Needs: cargo build --release, wrk (apt-get install wrk), python3. Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
conns="${2:-32}"
bin="${BIN:-target/release/trustwork}"
actors="${ACTORS:-10000}"
port="${PORT:-18190}"
dir="$(mktemp -d)"
db_url="${DATABASE_URL:-sqlite://$dir/load.db}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }

if [[ "$db_url" == postgres* ]]; then
  # A fresh database for the run.
  base="${db_url%/*}"; name="tw_load_$$"
  psql "$db_url" -qc "CREATE DATABASE $name" >/dev/null
  db_url="$base/$name"
  trap 'kill $pid 2>/dev/null || true; psql "${base}/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
else
  trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
fi

# On PostgreSQL the server and the commands must be given one secret key.
export TRUSTWORK_ENCRYPTION_KEY="${TRUSTWORK_ENCRYPTION_KEY:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}"
token=$("$bin" token create --name load --scope accounts:write --database-url "$db_url" --data-dir "$dir" 2>/dev/null)
RUST_LOG="${SERVER_LOG:-warn}" "$bin" serve --bind "127.0.0.1:$port" --database-url "$db_url" --data-dir "$dir" >"$dir/server.log" 2>&1 &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.1; done

# The accounts the messages come from, signed up in batches of 1,000.
python3 - "$port" "$token" "$actors" <<'PY'
import json, sys, urllib.request
port, token, actors = sys.argv[1], sys.argv[2], int(sys.argv[3])
for start in range(0, actors, 1000):
    events = [{"idempotency_key": f"signup-{i}", "type": "account.signup", "occurred_at": "2026-11-21T09:00:00Z",
               "actor_id": f"mp_{i}", "data": {"email": f"user{i}@example.org", "role": "freelancer"}}
              for i in range(start, min(actors, start + 1000))]
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/events:batch", data=json.dumps({"events": events}).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    body = json.load(urllib.request.urlopen(req))
    errors = [r for r in body["results"] if "error" in r]
    assert not errors, errors[:3]
PY

# CPU time of the server's threads, by thread name (clock ticks), to divide by requests served.
thread_ticks() {
  for f in /proc/$pid/task/*/stat; do
    sed -E 's/^[0-9]+ \(([^)]*)\) (.*)$/\1 \2/' "$f" 2>/dev/null
  done | awk '{ name=$1; if (name ~ /^sqlx-sqlite/) name="sqlite"; t[name]+=$13+$14 } END { for (n in t) print n, t[n] }'
}
thread_ticks >"$dir/ticks.before"
echo "backend: ${db_url%%:*}, ${secs}s, ${conns} connections, 2 wrk threads, ${actors} actors"
TOKEN="$token" ACTORS="$actors" SHARED="${SHARED:-0.01}" TRAVEL="${TRAVEL:-0.001}" PLACES="${PLACES:-1}" HOT_SHARE="${HOT_SHARE:-0}" HOT_TEXT="${HOT_TEXT:-clean}" BAD_SHARE="${BAD_SHARE:-0.05}" REPLAY="${REPLAY:-0}" ${WRK_NICE:+nice -n "$WRK_NICE"} wrk -t2 -c"$conns" -d"${secs}s" --latency \
  -s "scripts/load/${SCRIPT:-message_sent}.lua" "http://127.0.0.1:$port" | tee "$dir/wrk.txt"
thread_ticks >"$dir/ticks.after"
requests=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
echo "server CPU per request, by thread (µs): $(awk -v n="$requests" -v hz="$(getconf CLK_TCK)" '
  NR==FNR { before[$1]=$2; next }
  { d=$2-before[$1]; if (d>0) { printf "%s %.0f, ", $1, d/hz*1e6/n; total+=d } }
  END { printf "total %.0f", total/hz*1e6/n }' "$dir/ticks.before" "$dir/ticks.after")"
echo "server peak resident memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
echo "server resident memory now:  $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
# KEEP_DB=dir copies the SQLite database and its WAL there, for scripts/wal-pages.py.
if [ -n "${KEEP_DB:-}" ] && [[ "$db_url" == sqlite* ]]; then
  mkdir -p "$KEEP_DB" && cp "$dir/load.db-wal" "$KEEP_DB/load.db-wal" && cp "$dir/load.db" "$KEEP_DB/load.db"
fi
# SERVER_LOG=trustwork_app::events=debug KEEP_LOG=/tmp/server.log keeps the server's log (group timings).
[ -n "${KEEP_LOG:-}" ] && cp "$dir/server.log" "$KEEP_LOG"
true
