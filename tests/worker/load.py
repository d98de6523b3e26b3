#!/usr/bin/env python3
"""Bounded load measurement on 127.0.0.1: N valid CSR submissions over M connections against a
running worker (or one started here), then requests/s and p50/p99 latency, beside
`openssl speed -seconds 3 rsa2048` for scale.

    python3 tests/worker/load.py [--url URL] [-n 100] [-c 4] [--path site|password|both] [--key rsa2048|p256]

The first `intake:` line measures what the site sends: RSA 2048 CSRs (the page's default key)
with a `download_password_verifier`, the PBKDF2-HMAC-SHA256 (600,000 iterations) that the
browser derives with WebCrypto. That derivation runs on the applicant's machine, so it is done
here before the clock starts (a few distinct verifiers, reused: the server's work does not
depend on their value). `--path password` (and `both`, the default, after the site path)
measures the legacy body with the plain `download_password`, where the server runs the
600,000 iterations itself; that path is bounded by the hash (about cores / 180 ms).

The requests are sent by `worker/examples/load.rs` (built here, release): one thread, keep-alive
HTTP/1.1, bodies prepared in advance, ~20 µs of CPU per request (measured). (The Python `http.client`
this script used before spent 140-220 µs per request on the same two cores as the server, so
it measured mostly itself.) When the worker is started here it runs as in production (not in
test mode) and its CPU time per request is printed too (from /proc): the server's own cost,
whatever the load generator costs."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import helpers  # noqa: E402

ITERATIONS = 600_000
VERIFIERS = 4  # distinct client-side derivations, reused round-robin


def client_verifier(password: str) -> tuple[dict, float]:
    """What the page sends: salt, count, PRF and the derived key (base64), and the seconds the
    derivation took here."""
    salt = os.urandom(16)
    start = time.perf_counter()
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS, 32)
    took = time.perf_counter() - start
    return ({"salt": base64.b64encode(salt).decode(), "iterations": ITERATIONS, "hash": "SHA-256",
             "derived": base64.b64encode(derived).decode()}, took)


def server_cpu_seconds(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def run(url: str, bodies: list[bytes], c: int, pid: int | None) -> dict:
    """Sends every body once over `c` connections with the Rust load client."""
    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as f:
        for body in bodies:
            f.write(body.replace(b"\n", b"") + b"\n")
        path = f.name
    try:
        cpu_before = server_cpu_seconds(pid)
        answer = subprocess.run([str(helpers.load_client()), "--url", url, "--bodies", path, "-c", str(c),
                                 "--max-seconds", "300"], capture_output=True, text=True, timeout=400)
        cpu_after = server_cpu_seconds(pid)
    finally:
        os.unlink(path)
    if answer.returncode != 0:
        raise SystemExit(f"load client failed ({answer.returncode}): {answer.stderr[-1000:]}")
    result = json.loads(answer.stdout)
    result["server_cpu"] = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return result


def report(label: str, result: dict, n: int, c: int, primary: bool) -> None:
    """Prints the result; the primary run's lines start `intake:` (bench/run.mjs reads the first
    `intake: X requests/s, p50 Y ms, p99 Z ms`)."""
    if not result["ok"]:
        print(f"{label}: no successful submissions; first errors: {result['first_errors']}")
        return
    prefix = "intake" if primary else f"intake ({label})"
    print(f"{prefix}: {result['ok']} ok, {result['errors']} errors, {n} submissions over {c} connections "
          f"in {result['wall_seconds']:.2f} s")
    print(f"{prefix}: {result['requests_per_second']:.1f} requests/s, p50 {result['p50_ms']:.1f} ms, "
          f"p99 {result['p99_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms, mean {result['mean_ms']:.1f} ms, "
          f"max {result['max_ms']:.0f} ms")
    cpu = result["server_cpu"]
    client = result.get("client_cpu_seconds")
    if cpu is not None:
        print(f"{prefix}: server CPU {cpu * 1e6 / n:.0f} µs per request ({cpu / result['wall_seconds'] * 100:.0f} % of one core)"
              + (f"; load client CPU {client * 1e6 / n:.0f} µs per request" if client is not None else ""))
    if result["errors"]:
        print(f"{prefix}: first errors: {result['first_errors']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running worker; default: start a native one here")
    parser.add_argument("-n", type=int, default=100, help="submissions on the site path (at most 50000)")
    parser.add_argument("-c", type=int, default=4, help="connections (at most 256)")
    parser.add_argument("--path", choices=["site", "password", "both"], default="both",
                        help="site: download_password_verifier (what the page sends); password: the legacy "
                             "download_password (server-side PBKDF2); both: site, then password")
    parser.add_argument("--password-n", type=int, default=40,
                        help="submissions on the legacy password path (at most 1000; default 40)")
    parser.add_argument("--key", choices=["rsa2048", "p256"], default="rsa2048", help="CSR key (the page's default: rsa2048)")
    args = parser.parse_args()
    c = min(args.c, 256)
    site_n = min(args.n, 50_000) if args.path in ("site", "both") else 0
    password_n = {"site": 0, "password": min(args.n, 1000), "both": min(args.password_n, 1000)}[args.path]

    server = None
    url = args.url
    tmp = tempfile.TemporaryDirectory()
    if not url:
        if not helpers.native_binary().exists():
            helpers.build_native()
        # As in production: test mode would read the test clock from the store on every request.
        server = helpers.NativeServer(os.path.join(tmp.name, "data"), env={"INKAN_TEST_MODE": "0"}).start()
        url = server.url
    assert url.startswith("http://127.") or url.startswith("http://localhost"), "load only against this machine"
    pid = server.process.pid if server and server.process else None

    print(f"making {site_n + password_n} {args.key} CSRs ...", flush=True)
    csrs = helpers.quick_csrs(site_n + password_n, args.key)
    code = 0
    try:
        if site_n:
            verifiers = [client_verifier(helpers.PASSWORD) for _ in range(VERIFIERS)]
            took = statistics.mean(t for _, t in verifiers)
            print(f"client-side PBKDF2-HMAC-SHA256, {ITERATIONS} iterations: {took * 1000:.0f} ms each here "
                  f"(the browser's WebCrypto pays this on the applicant's machine; not timed below)")
            bodies = []
            for i in range(site_n):
                body = helpers.application(csrs[i], email=f"load{i}@example.jp")
                del body["download_password"]
                body["download_password_verifier"] = verifiers[i % VERIFIERS][0]
                bodies.append(json.dumps(body).encode())
            result = run(url, bodies, c, pid)
            report("site", result, site_n, c, primary=True)
            code |= bool(result["errors"])
        if password_n:
            bodies = [json.dumps(helpers.application(csrs[i], email=f"load{i}@example.jp")).encode()
                      for i in range(site_n, site_n + password_n)]
            result = run(url, bodies, c, pid)
            report("legacy download_password", result, password_n, c, primary=not site_n)
            code |= bool(result["errors"])
    finally:
        if server:
            server.stop()
    speed = subprocess.run(["openssl", "speed", "-seconds", "3", "rsa2048"], capture_output=True, text=True)
    for line in speed.stdout.splitlines():
        if line.strip().startswith(("rsa", "sign")) or "2048" in line:
            print("openssl speed:", line)
    return code


if __name__ == "__main__":
    sys.exit(main())
