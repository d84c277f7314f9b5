#!/usr/bin/env python3
"""Crash safety of the enforcement pipeline, shown.

Starts `trustwork serve` (release build), sends message.sent events from several threads, kills
the server with SIGKILL in the middle, restarts it on the same database, and checks that every
event that got a 2xx answer is stored with its decision (re-sending it replays the same decision,
marked `idempotent-replayed`), and that no event is stored twice.

With --nodes 2 (PostgreSQL only) two servers share the database: a policy put through the first
must come into force on the second (the delay is printed), the load is spread over both, and the
first is killed mid-load while the second goes on (its clients move to the second, as behind a load
balancer).

Usage: scripts/crash-test.py [--database-url postgres://...] [--seconds 4] [--nodes 2]
A PostgreSQL URL names the server: the test makes a database of its own there and drops it.
Sends traffic to 127.0.0.1 only. Exits non-zero if any check fails.
"""
import argparse, http.client, json, os, signal, sqlite3, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--database-url")
ap.add_argument("--seconds", type=float, default=4.0)
ap.add_argument("--threads", type=int, default=8)
ap.add_argument("--port", type=int, default=18195)
ap.add_argument("--nodes", type=int, default=1, choices=[1, 2])
args = ap.parse_args()

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "trustwork")
tmp = tempfile.mkdtemp(prefix="tw-crash-")
db_url = args.database_url or f"sqlite://{tmp}/crash.db"
if args.nodes > 1 and not db_url.startswith("postgres"):
    sys.exit("--nodes 2 needs --database-url postgres://...")
pg_server = None
if db_url.startswith("postgres"):
    # A database of its own, so that keys from an earlier run cannot pass for this one's.
    pg_server, name = db_url.rsplit("/", 1)[0], f"tw_crash_{os.getpid()}"
    subprocess.run(["psql", f"{pg_server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    db_url = f"{pg_server}/{name}"
# On PostgreSQL the server and the commands must be given one secret key.
os.environ.setdefault("TRUSTWORK_ENCRYPTION_KEY", os.urandom(32).hex())

def run(*cmd):
    return subprocess.run([binary, *cmd, "--database-url", db_url, "--data-dir", tmp], check=True, capture_output=True, text=True).stdout.strip()

def start(node=0):
    port = args.port + node
    p = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", "--database-url", db_url, "--data-dir", tmp],
                         stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/server{node}.log", "a"), env={**os.environ, "RUST_LOG": "warn"})
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1); c.request("GET", "/readyz")
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

token = run("token", "create", "--name", "crash", "--scope", "accounts:write", "--scope", "accounts:read", "--scope", "admin")
server = start()
others = [start(n) for n in range(1, args.nodes)]
c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)

policy_ok = True
if others:
    # A policy put through the first node is in force on the second.
    def policy_version(port):
        k = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        k.request("GET", "/api/v1/policy", headers={"Authorization": f"Bearer {token}"})
        return json.loads(k.getresponse().read())
    source = policy_version(args.port)["source"]
    changed = source.replace('version = "', 'version = "two-nodes-', 1)
    c.request("PUT", "/api/v1/policy", body=changed.encode(), headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"})
    r = c.getresponse(); wanted = json.loads(r.read())["version"]
    put_at = time.monotonic()
    while policy_version(args.port + 1)["version"] != wanted:
        if time.monotonic() - put_at > 10: break
        time.sleep(0.005)
    seen_after = time.monotonic() - put_at
    policy_ok = policy_version(args.port + 1)["version"] == wanted
    print(f"policy {wanted} put through node 0, in force on node 1 after {seen_after * 1000:.0f} ms")
for i in range(50):
    s, _, _ = post(c, token, f"signup-{i}", {"type": "account.signup", "occurred_at": "2026-11-21T09:00:00Z", "actor_id": f"mp_{i}",
                                            "data": {"email": f"u{i}@example.org", "role": "freelancer"}})
    assert s == 200, s

acked, lock, counter, stop = {}, threading.Lock(), [0], threading.Event()
def worker(node):
    conn = http.client.HTTPConnection("127.0.0.1", args.port + node, timeout=5)
    while not stop.is_set():
        with lock:
            counter[0] += 1; i = counter[0]
        try:
            s, _, body = post(conn, token, f"crash-{i}", event(i))
            if 200 <= s < 300:
                with lock: acked[i] = body["decision"]["id"]
        except (OSError, http.client.HTTPException):
            if node == 0 and others:
                # Node 0 died: its clients go on through node 1, as behind a load balancer.
                node, conn = 1, http.client.HTTPConnection("127.0.0.1", args.port + 1, timeout=5)
                continue
            return
threads = [threading.Thread(target=worker, args=(n % args.nodes,)) for n in range(args.threads)]
for t in threads: t.start()
time.sleep(args.seconds)
server.send_signal(signal.SIGKILL)           # mid-load, no warning
server.wait()
if others:
    time.sleep(args.seconds / 2)             # node 1 goes on alone
stop.set()
for t in threads: t.join()
print(f"sent {counter[0]} events; {len(acked)} answered 2xx" + (" (node 0 killed mid-load)" if others else " before SIGKILL"))

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
    # Mail (the warnings' emails) is claimed by one node at a time: each sent once, except what a
    # killed node had claimed, sent again once its claim ran out.
    time.sleep(2)
    mail = subprocess.run(["psql", db_url, "-qtAc", "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'delivered'), "
                           "COUNT(*) FILTER (WHERE attempts > 1) FROM outbox"], check=True, capture_output=True, text=True).stdout.strip()
    total, delivered, again = (int(x) for x in mail.split("|"))
    print(f"emails: {total}, delivered {delivered}, claimed more than once {again}")
print(f"stored crash-* events: {stored} (>= {len(acked)} acknowledged); keys stored twice: {dup}; decisions without event: {orphans}")
server.send_signal(signal.SIGTERM); server.wait()
for o in others:
    o.send_signal(signal.SIGTERM); o.wait()
if pg_server:
    subprocess.run(["psql", f"{pg_server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db_url.rsplit('/', 1)[1]} WITH (FORCE)"], check=False)
ok = policy_ok and failures == 0 and dup == 0 and orphans == 0 and stored >= len(acked)
print("CRASH TEST PASSED" if ok else "CRASH TEST FAILED")
sys.exit(0 if ok else 1)
