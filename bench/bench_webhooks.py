"""Webhook fan-out (issue 6, "Performance"): 10,000 case events to 5 subscribers, none lost.

1. *Publish*: ``--events`` case events (default 10,000) go through the channel's publisher
   (``services.feed.publish_events``) one by one, as the case-event subscriber does after each
   commit: each gets its feed sequence number under the organisation's lock and one delivery
   row per subscriber, in one transaction.
2. *Deliver*: ``--workers`` threads (default 4; the huey consumer's worker threads) do what
   ``services.webhooks.deliver_due`` does (claim a batch of ≤ 50 due deliveries, POST each,
   record the outcomes) until nothing is due; the latency printed is a batch's time divided
   by its size. Each delivery is a signed HTTP POST
   to one of ``--subscribers`` (default 5) receivers on loopback, served by a separate
   process (``ThreadingHTTPServer``) that verifies every signature and counts unique
   delivery ids per subscriber.

Prints publish and delivery throughput, p50/p95 of a delivery, duration, peak memory, and
the check: every receiver got every event exactly once (no loss; retries would show as
duplicates of the same delivery id). Prints figures; never passes/fails.

    .venv/bin/python bench/bench_webhooks.py                 # SQLite in a temp dir
    createdb -h 127.0.0.1 -U postgres sambruk_webhookbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_webhookbench \\
        .venv/bin/python bench/bench_webhooks.py
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SECRET = "whsec_bench"  # noqa: S105


def receivers(n: int, ports, ready) -> None:
    """Child process: ``n`` receivers; POST verifies and counts, GET /stats reports."""
    sys.path.insert(0, str(ROOT / "src"))
    from sambruk.channel.webhooks import verify_signature  # pure Python, no Django needed

    servers = []
    for _ in range(n):
        state = {"ids": set(), "seqs": set(), "posts": 0, "bad": 0, "lock": threading.Lock()}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            st = state

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ok = verify_signature(SECRET, body, self.headers)
                with self.st["lock"]:
                    self.st["posts"] += 1
                    if ok:
                        data = json.loads(body)
                        self.st["ids"].add(data["delivery"])
                        self.st["seqs"].add(data["seq"])
                    else:
                        self.st["bad"] += 1
                self.send_response(204 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):  # noqa: N802
                with self.st["lock"]:
                    out = {
                        "posts": self.st["posts"],
                        "unique_deliveries": len(self.st["ids"]),
                        "unique_events": len(self.st["seqs"]),
                        "bad_signatures": self.st["bad"],
                    }
                payload = json.dumps(out).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        ports.append(server.server_address[1])
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    threading.Event().wait()


def setup() -> None:
    os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-webhookbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    os.environ["HUEY_IMMEDIATE"] = "false"  # tasks are queued, the bench's threads deliver
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.CHANNEL_WEBHOOK_ALLOW_HTTP = True
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = True  # receivers on loopback
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    manager = multiprocessing.Manager()
    ports, ready = manager.list(), manager.Event()
    child = multiprocessing.Process(target=receivers, args=(args.subscribers, ports, ready))
    child.start()
    ready.wait(30)
    setup()

    from django.db import connection
    from django.utils import timezone

    from sambruk.channel.models import DeliveryStatus, WebhookDelivery
    from sambruk.channel.netguard import guarded_session
    from sambruk.channel.services.feed import publish_events
    from sambruk.channel.services.webhooks import (
        create_subscription,
        deliver_batch,
        due_delivery_ids,
    )
    from sambruk.core.organisations.models import Organisation

    org, _ = Organisation.objects.get_or_create(
        slug=f"webhook-bench-{int(time.time())}", defaults={"name": "Webhookbänkens kommun"}
    )
    for i, port in enumerate(ports):
        create_subscription(
            actor=None,
            organisation=org,
            name=f"Mottagare {i + 1}",
            url=f"http://127.0.0.1:{port}/hook",
            secret=SECRET,
        )
    print(f"{connection.vendor}: {args.events} events → {len(ports)} subscribers")

    # 1. publish
    start = time.perf_counter()
    for i in range(args.events):
        event = SimpleNamespace(
            pk=None,
            case_id=None,
            case=None,
            name="case.created" if i % 3 else "case.status_changed",
            at=timezone.now(),
            payload={"organisation": org.pk, "case": i + 1, "version": 1, "changes": {}},
        )
        publish_events([event])
    publish_s = time.perf_counter() - start
    total = WebhookDelivery.objects.filter(subscription__organisation=org).count()
    print(
        f"  publish: {publish_s:.1f} s, {args.events / publish_s:.0f} events/s, {total} deliveries"
    )

    # 2. deliver
    latencies: list[float] = []
    lat_lock = threading.Lock()

    def worker():
        # What deliver_due() does, with each delivery timed.
        from django.db import connection as conn

        session = guarded_session()
        try:
            while True:
                mine = []
                ids = due_delivery_ids(limit=200)
                for i in range(0, len(ids), 50):
                    t0 = time.perf_counter()
                    done = deliver_batch(ids[i : i + 50], session=session)
                    if done:
                        mine += [(time.perf_counter() - t0) / len(done)] * len(done)
                with lat_lock:
                    latencies.extend(mine)
                pending = WebhookDelivery.objects.filter(
                    status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
                    subscription__organisation=org,
                )
                if not mine and not pending.exists():
                    return
        finally:
            session.close()
            conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deliver_s = time.perf_counter() - start
    delivered = WebhookDelivery.objects.filter(
        subscription__organisation=org, status=DeliveryStatus.DELIVERED
    ).count()
    stats = [
        json.loads(urllib.request.urlopen(f"http://127.0.0.1:{p}/stats", timeout=10).read())  # noqa: S310
        for p in ports
    ]
    child.terminate()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0
    print(
        f"  deliver: {deliver_s:.1f} s, {delivered / deliver_s:.0f} deliveries/s "
        f"({args.workers} workers), per delivery (batch time / size) p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    print(f"  total: {publish_s + deliver_s:.1f} s")
    print(
        f"  peak memory (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    lost = 0
    for i, s in enumerate(stats):
        lost += args.events - s["unique_events"]
        print(
            f"  receiver {i + 1}: {s['unique_events']} events, {s['posts']} POSTs, "
            f"{s['bad_signatures']} bad signatures"
        )
    print(f"  delivered rows {delivered}/{total}; events lost: {lost}")


if __name__ == "__main__":
    main()
