#!/usr/bin/env python3
"""Crash safety of the enforcement pipeline, shown.

Starts `trustwork serve` (release build), sends message.sent events from several threads, kills
the server with SIGKILL in the middle, restarts it on the same database, and checks that every
event that got a 2xx answer is stored with its decision (re-sending it replays the same decision,
marked `idempotent-replayed`), and that no event is stored twice.

Usage: scripts/crash-test.py [--database-url postgres://...] [--seconds 4]
Sends traffic to 127.0.0.1 only. Exits non-zero if any check fails.
"""
import argparse, http.client, json, os, signal, sqlite3, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--database-url")
ap.add_argument("--seconds", type=float, default=4.0)
ap.add_argument("--threads", type=int, default=8)
ap.add_argument("--port", type=int, default=18195)
args = ap.parse_args()

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "trustwork")
tmp = tempfile.mkdtemp(prefix="tw-crash-")
db_url = args.database_url or f"sqlite://{tmp}/crash.db"
# On PostgreSQL the server and the commands must be given one secret key.
os.environ.setdefault("TRUSTWORK_ENCRYPTION_KEY", os.urandom(32).hex())

def run(*cmd):
    return subprocess.run([binary, *cmd, "--database-url", db_url, "--data-dir", tmp], check=True, capture_output=True, text=True).stdout.strip()

def start():
    p = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{args.port}", "--database-url", db_url, "--data-dir", tmp],
                         stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/server.log", "a"), env={**os.environ, "RUST_LOG": "warn"})
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1); c.request("GET", "/readyz")
            if c.getresponse().status == 200: return p
        except OSError: pass
        time.sleep(0.05)
    sys.exit("server did not start")

def post(conn, token, key, body):
    conn.request("POST", "/api/v1/events", body=json.dumps(body),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    r = conn.getresponse(); data = r.read()
    return r.status, r.getheader("idempotent-replayed"), (json.loads(data) if data else None)

def event(i):
    text = "mail me: jane.doe.dev@gmail.com" if i % 10 == 0 else f"Update {i}: the staging build is ready for review."
    return {"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": f"mp_{i % 50}",
            "data": {"thread_id": f"t{i}", "recipient_ids": ["c1"], "contract_active": False, "text": text}}

token = run("token", "create", "--name", "crash", "--scope", "accounts:write", "--scope", "accounts:read")
server = start()
c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
for i in range(50):
    s, _, _ = post(c, token, f"signup-{i}", {"type": "account.signup", "occurred_at": "2026-11-21T09:00:00Z", "actor_id": f"mp_{i}",
                                            "data": {"email": f"u{i}@example.org", "role": "freelancer"}})
    assert s == 200, s

acked, lock, counter, stop = {}, threading.Lock(), [0], threading.Event()
def worker():
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
    while not stop.is_set():
        with lock:
            counter[0] += 1; i = counter[0]
        try:
            s, _, body = post(conn, token, f"crash-{i}", event(i))
            if 200 <= s < 300:
                with lock: acked[i] = body["decision"]["id"]
        except (OSError, http.client.HTTPException):
            return
threads = [threading.Thread(target=worker) for _ in range(args.threads)]
for t in threads: t.start()
time.sleep(args.seconds)
server.send_signal(signal.SIGKILL)           # mid-load, no warning
server.wait()
stop.set()
for t in threads: t.join()
print(f"sent {counter[0]} events; {len(acked)} answered 2xx before SIGKILL")

server = start()
c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
failures = 0
for i, decision_id in sorted(acked.items()):
    s, replayed, body = post(c, token, f"crash-{i}", event(i))
    if s != 200 or replayed != "true" or body["decision"]["id"] != decision_id:
        failures += 1
        if failures <= 5: print(f"  key crash-{i}: status {s}, replayed {replayed}, decision {body and body['decision']['id']} != {decision_id}")
print(f"acknowledged events replayed with their stored decision: {len(acked) - failures}/{len(acked)}")

# No event twice: the database holds each key at most once, and every decision has its event.
if db_url.startswith("sqlite"):
    q = sqlite3.connect(db_url.split("://", 1)[1]).execute
    dup = q("SELECT COUNT(*) FROM (SELECT idempotency_key FROM events GROUP BY idempotency_key HAVING COUNT(*) > 1)").fetchone()[0]
    orphans = q("SELECT COUNT(*) FROM decisions d LEFT JOIN events e ON e.decision_id = d.id WHERE e.id IS NULL").fetchone()[0]
    stored = q("SELECT COUNT(*) FROM events WHERE idempotency_key LIKE 'crash-%'").fetchone()[0]
else:
    def q1(sql): return int(subprocess.run(["psql", db_url, "-qtAc", sql], check=True, capture_output=True, text=True).stdout.strip())
    dup = q1("SELECT COUNT(*) FROM (SELECT idempotency_key FROM events GROUP BY idempotency_key HAVING COUNT(*) > 1) x")
    orphans = q1("SELECT COUNT(*) FROM decisions d LEFT JOIN events e ON e.decision_id = d.id WHERE e.id IS NULL")
    stored = q1("SELECT COUNT(*) FROM events WHERE idempotency_key LIKE 'crash-%'")
print(f"stored crash-* events: {stored} (>= {len(acked)} acknowledged); keys stored twice: {dup}; decisions without event: {orphans}")
server.send_signal(signal.SIGTERM); server.wait()
ok = failures == 0 and dup == 0 and orphans == 0 and stored >= len(acked)
print("CRASH TEST PASSED" if ok else "CRASH TEST FAILED")
sys.exit(0 if ok else 1)
