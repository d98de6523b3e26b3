#!/usr/bin/env python3
"""Bounded load measurement on 127.0.0.1: N valid CSR submissions over M connections against a
running worker (or one started here), then requests/s and p50/p99 latency, beside
`openssl speed -seconds 3 rsa2048` for scale.

    python3 tests/worker/load.py [--url URL] [-n 100] [-c 4] [--path site|password|both] [--key rsa2048|p256]
                                 [--profile N]

The first `intake:` line measures what the site sends: RSA 2048 CSRs (the page's default key)
with a `download_password_verifier`, the PBKDF2-HMAC-SHA256 (600,000 iterations) that the
browser derives with WebCrypto. That derivation runs on the applicant's machine, so it is done
here before the clock starts (a few distinct verifiers, reused: the server's work does not
depend on their value). `--path password` (and `both`, the default, after the site path)
measures the legacy body with the plain `download_password`, where the server runs the
600,000 iterations itself; that path is bounded by the hash (about cores / 180 ms).

The requests are sent by `worker/native/examples/load.rs` (built here, release): one thread, keep-alive
HTTP/1.1, bodies prepared in advance, ~20 µs of CPU per request (measured). (The Python `http.client`
this script used before spent 140-220 µs per request on the same two cores as the server, so
it measured mostly itself.) When the worker is started here it runs as in production (not in
test mode) and its CPU time per request is printed too (from /proc): the server's own cost,
whatever the load generator costs, split into user space and kernel. `--profile N` then sends N
more submissions with `perf record` attached to the server and prints its hottest symbols and
their shares grouped by where the time goes (`profile:` lines: what bench/run.mjs shows under
the intake target)."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
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


def server_cpu_seconds(pid: int | None) -> tuple[float, float] | None:
    """The server's (user, kernel) CPU seconds so far."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick  # utime, stime
    except (OSError, IndexError, ValueError):
        return None


def perf_report(data: str, top: int) -> list[str]:
    """The hottest symbols of a `perf record` file, as `profile:` lines (share, where, symbol),
    then the shares summed by where the time goes (kernel, SQLite, ring, ...)."""
    out = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,sym",
                          "--percent-limit", "0.05"], capture_output=True, text=True, timeout=300)
    rows = []
    for line in out.stdout.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[0].endswith("%") and not line.lstrip().startswith("#"):
            share = float(parts[0].rstrip("%"))
            dso, sym = parts[1], parts[3].strip()
            rows.append((share, dso, sym.removeprefix("[k] ").removeprefix("[.] ")))
    groups: dict[str, float] = {}
    for share, dso, sym in rows:
        group = profile_group(dso, sym)
        groups[group] = groups.get(group, 0.0) + share
    lines = [f"profile: {share:5.1f} % {dso} {sym[:110]}" for share, dso, sym in rows[:top]]
    lines += [f"profile group: {share:5.1f} % {name}" for name, share in sorted(groups.items(), key=lambda kv: -kv[1])]
    return lines


def profile_group(dso: str, sym: str) -> str:
    """Where a sample's time goes, in words a reader of BENCHMARKS.md can act on."""
    s = sym.lower()
    if "kernel" in dso:
        if any(k in s for k in ("tcp", "skb", "sock", "inet", "ip_", "loopback", "net_rx", "dev_", "softirq", "netif", "napi")):
            return "kernel: TCP over loopback"
        if any(k in s for k in ("ext4", "jbd2", "fsync", "blk", "bio", "filemap", "page_cache", "writeback", "iomap",
                                "folio", "pwrite", "vfs_write", "generic_perform_write")):
            return "kernel: file writes and fsync (SQLite)"
        if any(k in s for k in ("iowrite", "ioread", "virtio", "vring", "virtqueue")):
            return "kernel: virtio device notifications (disk and network)"
        if any(k in s for k in ("futex", "schedule", "switch", "wake", "epoll", "sched", "idle", "pick_", "enqueue",
                                "dequeue", "update_curr", "update_load", "try_to_wake", "spin_unlock_irq")):
            return "kernel: thread wake-ups and scheduling"
        if any(k in s for k in ("syscall", "entry_", "sysret", "do_syscall", "__x64_sys")):
            return "kernel: system call entry and exit"
        if any(k in s for k in ("memset", "memcpy", "copy_", "clear_page", "fault", "_to_iter", "_from_iter")):
            return "kernel: zeroing and copying memory (page faults, socket and file copies)"
        return "kernel: other"
    if "ring::" in s or s.startswith("ring_core") or "bn_mul_mont" in s:
        return "ring (RSA/ECDSA signature verification)"
    if "keycheck" in s or "num_bigint" in s or "crypto_bigint" in s or "rsa::" in s or "crypto_primes" in s \
            or s.startswith(("__umodti3", "__udivti3", "__divti3", "__multi3")):
        return "RSA key checks (weak-key tests, big-number arithmetic)"
    if "sqlite3" in s or "rusqlite" in s or ("inkan-worker" in dso and "::" not in s and not s.startswith("_")):
        return "SQLite (user space)"
    if any(k in s for k in ("malloc", "free", "realloc", "cfree", "_int_", "tcache", "arena")):
        return "malloc/free"
    if any(k in s for k in ("der::", "x509_cert", "spki", "const_oid", "inkan::asn1", "pkcs")):
        return "DER/X.509 parsing"
    if any(k in s for k in ("serde", "json")):
        return "JSON"
    if any(k in s for k in ("tokio", "hyper", "axum", "tower", "h2::", "http::", "bytes::", "mio")):
        return "HTTP stack (tokio, hyper, axum)"
    if any(k in s for k in ("sha2", "sha256", "hmac", "pbkdf2", "subtle")):
        return "hashing"
    if any(k in s for k in ("memcpy", "memmove", "memset", "memcmp", "strlen")):
        return "memcpy and friends"
    return "other user space"


def run(url: str, bodies: list[bytes], c: int, pid: int | None, perf_data: str | None = None) -> dict:
    """Sends every body once over `c` connections with the Rust load client (under `perf record`
    of the server when `perf_data` is given)."""
    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as f:
        for body in bodies:
            f.write(body.replace(b"\n", b"") + b"\n")
        path = f.name
    perf = None
    try:
        if perf_data and pid is not None:
            perf = subprocess.Popen(["perf", "record", "-q", "-F", "997", "-p", str(pid), "-o", perf_data],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(1.0)  # perf attaches to every thread before the clock starts
        cpu_before = server_cpu_seconds(pid)
        answer = subprocess.run([str(helpers.load_client()), "--url", url, "--bodies", path, "-c", str(c),
                                 "--max-seconds", "300"], capture_output=True, text=True, timeout=400)
        cpu_after = server_cpu_seconds(pid)
    finally:
        os.unlink(path)
        if perf:
            perf.send_signal(2)  # SIGINT: perf writes its file and exits
            perf.wait(timeout=120)
    if answer.returncode != 0:
        raise SystemExit(f"load client failed ({answer.returncode}): {answer.stderr[-1000:]}")
    result = json.loads(answer.stdout)
    if cpu_before is None or cpu_after is None:
        result["server_cpu"] = result["server_user"] = result["server_kernel"] = None
    else:
        result["server_user"] = cpu_after[0] - cpu_before[0]
        result["server_kernel"] = cpu_after[1] - cpu_before[1]
        result["server_cpu"] = result["server_user"] + result["server_kernel"]
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
              + (f"; load client CPU {client * 1e6 / n:.0f} µs per request" if client is not None else "")
              + f"; server user {result['server_user'] * 1e6 / n:.0f} µs, kernel {result['server_kernel'] * 1e6 / n:.0f} µs")
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
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="after the timed site run, N more submissions under `perf record` of the server, "
                             "then its hottest symbols (`profile:` lines); needs perf and a server started here")
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

    profile_n = min(args.profile, 50_000) if site_n and pid is not None and shutil.which("perf") else 0
    if args.profile and not profile_n:
        print("profile: skipped (needs perf on PATH, the site path and a server started here)")
    print(f"making {site_n + password_n + profile_n} {args.key} CSRs ...", flush=True)
    csrs = helpers.quick_csrs(site_n + password_n + profile_n, args.key)
    code = 0
    try:
        if site_n:
            verifiers = [client_verifier(helpers.PASSWORD) for _ in range(VERIFIERS)]
            took = statistics.mean(t for _, t in verifiers)
            print(f"client-side PBKDF2-HMAC-SHA256, {ITERATIONS} iterations: {took * 1000:.0f} ms each here "
                  f"(the browser's WebCrypto pays this on the applicant's machine; not timed below)")
            bodies = []
            for i in range(site_n + profile_n):
                body = helpers.application(csrs[i], email=f"load{i}@example.jp")
                del body["download_password"]
                body["download_password_verifier"] = verifiers[i % VERIFIERS][0]
                bodies.append(json.dumps(body).encode())
            result = run(url, bodies[:site_n], c, pid)
            report("site", result, site_n, c, primary=True)
            code |= bool(result["errors"])
            if profile_n:
                data = os.path.join(tmp.name, "perf.data")
                profiled = run(url, bodies[site_n:], c, pid, perf_data=data)
                report("site, under perf", profiled, profile_n, c, primary=False)
                print("\n".join(perf_report(data, 25)))
        if password_n:
            bodies = [json.dumps(helpers.application(csrs[i], email=f"load{i}@example.jp")).encode()
                      for i in range(site_n + profile_n, site_n + profile_n + password_n)]
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
