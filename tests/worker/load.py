#!/usr/bin/env python3
"""Bounded load measurement on 127.0.0.1: N valid CSR submissions over M connections against a
running worker (or one started here), then requests/s and p50/p99 latency, beside
`openssl speed -seconds 3 rsa2048` for scale.

    python3 tests/worker/load.py [--url URL] [-n 100] [-c 4]

Every intake runs PBKDF2-HMAC-SHA256 with 600,000 iterations on the download password, so
the intake rate is bounded by that hash by design (roughly cores / hash time)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import helpers  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running worker; default: start a native one here")
    parser.add_argument("-n", type=int, default=100, help="submissions (at most 1000)")
    parser.add_argument("-c", type=int, default=4, help="connections (at most 16)")
    args = parser.parse_args()
    n, c = min(args.n, 1000), min(args.c, 16)

    server = None
    url = args.url
    tmp = tempfile.TemporaryDirectory()
    if not url:
        if not helpers.native_binary().exists():
            helpers.build_native()
        server = helpers.NativeServer(os.path.join(tmp.name, "data")).start()
        url = server.url
    assert url.startswith("http://127.") or url.startswith("http://localhost"), "load only against this machine"

    print(f"making {n} CSRs with openssl ...", flush=True)
    csrs = [helpers.openssl_csr(email=f"load{i}@example.jp") for i in range(n)]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(index: int):
        nonlocal errors
        session = requests.Session()
        for i in range(index, n, c):
            body = helpers.application(csrs[i], email=f"load{i}@example.jp")
            start = time.perf_counter()
            r = session.post(url + "/api/applications", json=body, timeout=120)
            elapsed = time.perf_counter() - start
            with lock:
                if r.status_code in (200, 201):
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(c)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if server:
        server.stop()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"intake: {len(latencies)} ok, {errors} errors, {n} submissions over {c} connections in {wall:.1f} s")
    print(f"intake: {len(latencies) / wall:.1f} requests/s, p50 {p(0.50):.0f} ms, p99 {p(0.99):.0f} ms, "
          f"mean {statistics.mean(latencies) * 1000:.0f} ms")
    speed = subprocess.run(["openssl", "speed", "-seconds", "3", "rsa2048"], capture_output=True, text=True)
    for line in speed.stdout.splitlines():
        if line.strip().startswith(("rsa", "sign")) or "2048" in line:
            print("openssl speed:", line)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
