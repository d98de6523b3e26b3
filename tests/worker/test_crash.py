"""Durability: under a bounded load on 127.0.0.1, `kill -9` the server mid-run, restart it on
the same data directory, and check that every application acknowledged (201/200) before the
kill is there and intact. Twice: with the legacy password body (the server hashes, slow) and
with the site's client verifier (fast intake: group commits of concurrent inserts)."""

import threading
import time

import pytest
import requests

import helpers
from conftest import native_only

THREADS = 4


@pytest.mark.parametrize("path", ["password", "verifier"])
def test_acknowledged_applications_survive_kill_9(target, tmp_path, path):
    native_only(target)
    # The verifier path takes about a millisecond per intake: more submissions, so that the
    # kill still lands mid-run.
    submissions = 200 if path == "password" else 3000
    if path == "password":
        csrs = [helpers.openssl_csr(email=f"user{i}@example.jp") for i in range(submissions)]
    else:
        csrs = helpers.quick_csrs(submissions, "p256", prefix="user")
    verifier = helpers.client_verifier() if path == "verifier" else None
    server = helpers.NativeServer(str(tmp_path / "data")).start()
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def worker(index: int):
        session = requests.Session()
        for i in range(index, submissions, THREADS):
            if stop.is_set():
                return
            body = helpers.application(csrs[i], email=f"user{i}@example.jp", verifier=verifier)
            try:
                r = session.post(server.url + "/api/applications", json=body, timeout=60)
            except requests.RequestException:
                return  # the server is gone
            if r.status_code in (200, 201):
                with lock:
                    acknowledged[i] = r.json()["id"]

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    deadline = time.time() + 120
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= submissions // 3:
                break
        time.sleep(0.05)
    server.kill()  # SIGKILL mid-run: requests are in flight
    stop.set()
    for t in threads:
        t.join(timeout=60)
    killed_with = len(acknowledged)
    assert killed_with >= submissions // 3, f"only {killed_with} acknowledged before the kill"
    assert killed_with < submissions, "the kill came after the run ended"

    server = helpers.NativeServer(str(tmp_path / "data"), port=server.port).start()
    try:
        api = server.api()
        for i, app_id in sorted(acknowledged.items()):
            r = api.get(f"/api/applications/{app_id}")
            assert r.status_code == 200, f"application {i} ({app_id}) acknowledged but lost"
            view = api.admin(f"/api/admin/applications/{app_id}", method="GET").json()
            assert view["status"] == "submitted"
            assert view["applicant"]["email"] == f"user{i}@example.jp"
            assert view["product"] == "sign123"
        # Resubmitting an acknowledged CSR finds the same application (the store is consistent).
        for i in list(acknowledged)[:10]:
            r = api.post("/api/applications",
                         json=helpers.application(csrs[i], email=f"user{i}@example.jp", verifier=verifier))
            assert (r.status_code, r.json()["id"]) == (200, acknowledged[i])
        print(f"\n{path}: {killed_with} acknowledged before kill -9, all {killed_with} present after restart")
    finally:
        server.stop()
