"""The worker on the open internet: each attack that worked against the worker before it was
hardened, reproduced over real HTTP, with the outcome the defence must give. Most run against
the native server and the Workers build under `wrangler dev`; those that need process control,
a socket-level client or the data directory run natively only (they say so).

Each test names the defect it reproduces (issue 13, "The worker on the open internet")."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

import helpers
from helpers import refused
from conftest import native_only
from helpers import application, client_verifier, openssl_csr

WRONG = "WRONG-WRONG-WRONG-WRONG"



# -- 1. Resubmitting someone's CSR revealed their application id ---------------------------

def test_a_resubmitted_csr_with_another_password_learns_nothing(target):
    victim, attacker = target.api(), target.api()
    csr = openssl_csr()
    victim_id = victim.submit(csr).json()["id"]
    probe = attacker.post("/api/applications", json={
        **application(csr, password="ATTACKER-ATTACKER-ATTACK"),
        "applicant": {"name": "Attacker", "common_name": "Yamada Taro", "email": "taro@example.jp"}})
    body = refused(probe, 409, "duplicate_csr")
    assert victim_id not in probe.text and "id" not in body
    # With a verifier the same: another salt, another verifier, nothing learnt.
    vcsr = openssl_csr()
    vid = victim.submit(vcsr, verifier=client_verifier()).json()["id"]
    probe = attacker.submit(vcsr, verifier=client_verifier())
    refused(probe, 409, "duplicate_csr")
    assert vid not in probe.text
    # The applicant's own retry still gets the id back.
    assert victim.submit(csr).json()["id"] == victim_id


def test_the_status_view_holds_nothing_personal(api):
    app_id = api.submit(openssl_csr()).json()["id"]
    text = api.get(f"/api/applications/{app_id}").text
    for personal in ("taro@example.jp", "山田", "Yamada", "BEGIN CERTIFICATE REQUEST"):
        assert personal not in text, personal


# -- 2. The certificate carried whatever subject the CSR claimed --------------------------

def test_a_csr_with_a_foreign_subject_is_refused_by_attribute(api):
    foreign = openssl_csr(subj="/C=JP/O=Mizuho Bank, Ltd./OU=Treasury Dept/CN=<img src=x onerror=alert(1)>"
                               "/emailAddress=taro@example.jp")
    body = refused(api.post("/api/applications", json=application(foreign, organisation="Yamada Law Office")),
                   422, "csr_subject_mismatch")
    assert "Mizuho" not in str(body) and "img" not in str(body), "the refusal names the attribute, not its value"


def test_names_with_markup_control_or_direction_characters_are_refused(api):
    for name in ("<b>Yamada</b>", "Yamada\x07", "Yamada \u202eTaro"):
        refused(api.post("/api/applications", json={**application(openssl_csr()),
                                                     "applicant": {"name": name, "email": "taro@example.jp",
                                                                   "common_name": "Yamada Taro"}}),
                400, "invalid_applicant")


def test_what_is_signed_is_what_the_reviewer_sees(api):
    app_id = api.submit_confirmed(openssl_csr(), organisation="Yamada Law Office")
    view = api.admin(f"/api/admin/applications/{app_id}", method="GET").json()
    tbs = view["to_be_signed"]
    assert tbs["subject"] == "CN=Yamada Taro, O=Yamada Law Office"
    assert tbs["san"] == {"rfc822_names": ["taro@example.jp"]}
    assert tbs["extended_key_usage"] == ["emailProtection", "clientAuth"]
    assert tbs["key"] == {"algorithm": "ec-p256", "bits": 256}
    assert tbs["validity"]["not_after"] > tbs["validity"]["not_before"]
    assert view["applicant"]["email"] == "taro@example.jp" and view["mailbox"]["confirmed"] is True
    assert api.admin(f"/api/admin/applications/{app_id}/approve").json()["status"] == "issued"
    leaf = api.download(app_id).text.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-enddate", "-nameopt", "RFC2253,-esc_msb"],
                         input=leaf, capture_output=True, text=True, check=True).stdout
    assert "subject=CN=Yamada Taro,O=Yamada Law Office" in out, out
    listed = api.admin("/api/admin/applications?status=downloaded&limit=200", method="GET").json()["applications"]
    assert any(a["id"] == app_id for a in listed)
    assert api.get(f"/api/admin/applications/{app_id}").status_code == 401


# -- 3. The wrong-password lockout could be raced -----------------------------------------

def test_forty_parallel_wrong_guesses_check_at_most_the_limit(target):
    """Before: 40 parallel wrong proofs against one application (limit 5) got 9-13 checked.
    Each request comes from its own address, so only the per-application counter stands."""
    api = target.api()
    app_id = api.issued_application(verifier=client_verifier())
    kdf = api.get(f"/api/applications/{app_id}").json()["download_password_kdf"]
    wrong = helpers.derive(WRONG, kdf["salt"], kdf["iterations"])

    def guess(i: int) -> int:
        guesser = helpers.Api(target.url, client=f"10.77.{i // 250}.{i % 250 + 1}")
        return guesser.post(f"/api/applications/{app_id}/certificate",
                            json={"download_password_verifier": wrong}).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(guess, range(40)))
    checked = codes.count(403)
    assert checked <= 3, f"{checked} wrong proofs were checked (limit 3): {codes}"
    assert codes.count(429) == 40 - checked, codes


def test_a_success_resets_the_address_count(target):
    api = target.api()
    apps = [api.issued_application() for _ in range(3)]
    for app_id in apps[:2]:
        for _ in range(2):
            assert api.download(app_id, password=WRONG).status_code == 403  # 4 failures: below 5
    assert api.download(apps[2]).status_code == 200  # a right answer clears this address's count
    for _ in range(2):
        assert api.download(apps[2], password=WRONG).status_code == 403
    r = api.download(apps[2])
    assert r.status_code == 200, "not locked: the address count restarted at the success"


# -- 4. X-Forwarded-For was trusted from anyone -------------------------------------------

def xff_server(tmp_path, trusted: str | None) -> helpers.NativeServer:
    return helpers.NativeServer(str(tmp_path / "xff"), {
        "INKAN_CLIENT_IP_HEADER": "x-forwarded-for", "INKAN_TRUSTED_PROXIES": trusted,
        "INKAN_LOCKOUT_THRESHOLD": "50", "INKAN_CLIENT_LOCKOUT_THRESHOLD": "5"}).start()


def guess_with(server, app_id, xff: str):
    return requests.post(f"{server.url}/api/applications/{app_id}/certificate", json={"download_password": WRONG},
                         headers={"X-Forwarded-For": xff}, timeout=60)


def test_rotating_x_forwarded_for_buys_no_fresh_guesses_without_a_trusted_proxy(target, tmp_path):
    native_only(target)
    server = xff_server(tmp_path, None)
    try:
        app_id = server.api().issued_application()
        codes = [guess_with(server, app_id, f"198.51.100.{i}").status_code for i in range(8)]
        assert codes[:5] == [403] * 5 and set(codes[5:]) == {429}, codes
        # ...and claiming a victim's address locks nobody but the sender.
        victim = requests.post(f"{server.url}/api/applications/{app_id}/certificate",
                               json={"download_password": helpers.PASSWORD}, timeout=60)
        assert victim.status_code == 429, "all of these came from one socket peer, the sender"
    finally:
        server.stop()


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(target, tmp_path):
    native_only(target)
    server = xff_server(tmp_path, "127.0.0.1/32")
    try:
        app_id = server.api().issued_application()
        # The attacker (198.51.100.7, appended by the proxy) claims the victim's address first.
        codes = [guess_with(server, app_id, f"203.0.113.9, 198.51.100.7").status_code for _ in range(7)]
        assert codes[:5] == [403] * 5 and set(codes[5:]) == {429}, codes
        r = requests.post(f"{server.url}/api/applications/{app_id}/certificate",
                          json={"download_password": helpers.PASSWORD}, headers={"X-Forwarded-For": "203.0.113.9"},
                          timeout=60)
        assert r.status_code == 200, "the victim was not locked out by the attacker's claim"
        # One IPv6 /64 is one client: rotating the interface id does not help.
        app2 = server.api().issued_application(email="hanako@example.jp")
        codes = [guess_with(server, app2, f"2001:db8:1:2::{i:x}").status_code for i in range(1, 8)]
        assert codes[:5] == [403] * 5 and set(codes[5:]) == {429}, codes
        # The stored keys are keyed hashes: neither the address nor its plain SHA-256.
        db = sqlite3.connect(Path(server.data_dir) / "inkan.sqlite3")
        keys = [k for (k,) in db.execute("SELECT key FROM attempts")]
        assert keys and not any("198.51.100" in k or "2001:db8" in k for k in keys), keys
        plain = hashlib.sha256(b"inkan-client:198.51.100.7").hexdigest()
        assert not any(plain in k for k in keys)
        # Counter rows are purged once they expire (a day without attempts).
        api = server.api()
        api.advance(2 * 86400)
        assert api.tick()["counters_purged"] >= 2
        assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0
    finally:
        server.stop()


# -- 5. No HTTP timeouts or connection limits -------------------------------------------

@pytest.fixture
def strict_server(target, tmp_path):
    native_only(target)
    server = helpers.NativeServer(str(tmp_path / "strict"), {
        "INKAN_HEADER_TIMEOUT_SECONDS": "2", "INKAN_BODY_TIMEOUT_SECONDS": "2", "INKAN_MAX_CONNECTIONS": "4"}).start()
    yield server
    server.stop()


def closed_within(sock: socket.socket, trickle: bytes, seconds: float) -> tuple[bool, bytes]:
    """Sends `trickle` one byte a second until the server closes; whether it did in time."""
    deadline = time.time() + seconds
    got = b""
    for byte in trickle:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return True, got
        sock.settimeout(1.0)
        try:
            chunk = sock.recv(4096)
            if not chunk:
                return True, got
            got += chunk
        except socket.timeout:
            pass
        if time.time() > deadline:
            return False, got
    return False, got


def test_a_slowloris_header_trickle_is_cut_off(strict_server):
    port = strict_server.port
    with socket.create_connection(("127.0.0.1", port)) as sock:
        closed, _ = closed_within(sock, b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 60, 8)
    assert closed, "a client trickling its headers kept the connection open"


def test_a_slow_body_is_cut_off_with_408(strict_server):
    with socket.create_connection(("127.0.0.1", strict_server.port)) as sock:
        head = (b"POST /api/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 200\r\n\r\n")
        sock.sendall(head)
        closed, got = closed_within(sock, b"{" + b" " * 100, 8)
    assert b" 408 " in got.split(b"\r\n", 1)[0] and b"request_timeout" in got, got[:300]


def test_idle_connections_are_closed_and_the_cap_holds(strict_server):
    idle = [socket.create_connection(("127.0.0.1", strict_server.port)) for _ in range(4)]
    try:
        # All four slots are taken by idle sockets: a fifth client waits...
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(strict_server.url + "/api/health", timeout=1)
        # ...until the header timeout closes them, then is served.
        assert requests.get(strict_server.url + "/api/health", timeout=10).status_code == 200
        for sock in idle:
            sock.settimeout(5)
            assert sock.recv(1) == b"", "the idle connection was closed by the server"
    finally:
        for sock in idle:
            sock.close()


# -- 6./7. Client-chosen KDF cost ---------------------------------------------------------

def test_a_verifier_must_use_the_servers_iteration_count(api):
    # Deriving 10,000,000 iterations here would take seconds; the server refuses on the count alone.
    costly = {**client_verifier(), "iterations": 10_000_000}
    refused(api.post("/api/applications", json=application(openssl_csr(), verifier=costly)),
            400, "unsupported_verifier_iterations")
    health = api.get("/api/health").json()
    assert health["download_password_kdf"] == {"algorithm": "PBKDF2", "hash": "SHA-256", "iterations": 600_000}


# -- 8. Cross-origin simple posts, floods, data kept forever ---------------------------------

def test_cross_origin_simple_posts_are_refused(api):
    body = application(openssl_csr())
    import json as _json
    text_plain = api.post("/api/applications", data=_json.dumps(body),
                          headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    refused(text_plain, 403, "cors_origin_not_allowed")
    no_origin_text = api.post("/api/applications", data=_json.dumps(body), headers={"Content-Type": "text/plain"})
    refused(no_origin_text, 415, "unsupported_media_type")
    form = api.post("/api/applications", data={"csr": "x"}, headers={"Origin": api.base})
    refused(form, 415, "unsupported_media_type")
    evil_json = api.post("/api/applications", json=body, headers={"Origin": "https://evil.example"})
    refused(evil_json, 403, "cors_origin_not_allowed")
    # The configured widget origin, this site itself, and API clients without Origin work.
    assert api.post("/api/applications", json=body, headers={"Origin": helpers.WIDGET_ORIGIN}).status_code == 201
    assert api.post("/api/applications", json=application(openssl_csr()),
                    headers={"Origin": api.base}).status_code == 201
    assert api.post("/api/applications", json=application(openssl_csr())).status_code == 201


def test_an_intake_flood_from_one_address_is_rate_limited(target, tmp_path):
    native_only(target)
    server = helpers.NativeServer(str(tmp_path / "flood"), {"INKAN_INTAKE_PER_HOUR": None}).start()  # the default
    try:
        api = server.api("192.0.2.10")
        csrs = helpers.quick_csrs(22, "p256", prefix="flood")
        codes = [api.post("/api/applications", json=application(c, email=f"flood{i}@example.jp",
                                                                    common_name="Yamada Taro")).status_code
                 for i, c in enumerate(csrs[:21])]
        assert codes[:20] == [201] * 20 and codes[20] == 429, codes
        r = api.post("/api/applications", json=application(csrs[21], email="flood21@example.jp"))
        body = refused(r, 429, "rate_limited")
        assert 0 < int(r.headers["Retry-After"]) <= 3600, body
        other = server.api("192.0.2.11")
        assert other.post("/api/applications", json=application(csrs[21], email="flood21@example.jp")).status_code == 201
        api.advance(3601)
        assert api.post("/api/applications", json=application(openssl_csr())).status_code == 201
    finally:
        server.stop()


def test_undecided_applications_expire_and_their_data_is_deleted(target):
    api = target.api()
    app_id = api.submit(openssl_csr()).json()["id"]
    api.advance(90 * 86400 + 1)
    for _ in range(20):  # a pass takes 200 due applications; the shared server has many
        api.tick()
        if api.get(f"/api/applications/{app_id}").json()["status"] == "expired":
            break
    assert api.get(f"/api/applications/{app_id}").json()["status"] == "expired"
    view = api.admin(f"/api/admin/applications/{app_id}", method="GET").json()
    assert view["applicant"]["email"] == "" and view["csr"] is None
    if target.name == "native":
        db = sqlite3.connect(Path(target.data_dir) / "inkan.sqlite3")
        (body,) = db.execute("SELECT body FROM applications WHERE id = ?", (app_id,)).fetchone()
        assert "taro@example.jp" not in body and "山田" not in body and "CERTIFICATE REQUEST" not in body


# -- 9. Errors echoed submitted values ------------------------------------------------------

def test_errors_never_echo_what_was_sent(api):
    marker = 1234567890123
    for body in ({"product": marker, "csr": "x", "applicant": {}},
                 {**application(openssl_csr()), "applicant": {"name": "SECRET-MARKER-VALUE", "email": ["x"]}},
                 {**application(openssl_csr()), "download_password_verifier": {"salt": "SECRET-MARKER-VALUE"}}):
        r = api.post("/api/applications", json=body)
        assert 400 <= r.status_code < 500, r.text
        assert str(marker) not in r.text and "SECRET-MARKER-VALUE" not in r.text, r.text
    r = api.post("/api/applications", data=b'{"product": "SECRET-MARKER-VALUE', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "SECRET-MARKER-VALUE" not in r.text
    app_id = api.submit(openssl_csr()).json()["id"]
    r = api.post(f"/api/applications/{app_id}/certificate", json={"download_password": ["SECRET-MARKER-VALUE"]})
    assert r.status_code == 400 and "SECRET-MARKER-VALUE" not in r.text


# -- Mailbox control (S/MIME BR 3.2.2): through a real SMTP server -------------------------

class SmtpSink:
    """aiosmtpd on 127.0.0.1, keeping every message it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[bytes] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
                outer.messages.append(envelope.original_content or envelope.content)
                return "250 OK"

        self.port = helpers.free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def code(self, timeout: float = 15) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.messages:
                return helpers.code_from_mail(self.messages[-1])
            time.sleep(0.05)
        raise AssertionError("no mail reached the SMTP sink")

    def stop(self):
        self.controller.stop()


def test_the_mailbox_is_confirmed_through_a_real_smtp_server_before_approval(target, tmp_path):
    native_only(target)
    sink = SmtpSink()
    server = helpers.NativeServer(str(tmp_path / "smtp"), {
        "INKAN_SMTP_HOST": "127.0.0.1", "INKAN_SMTP_PORT": str(sink.port), "INKAN_SMTP_TLS": "none",
        "INKAN_MAIL_FROM": "Inkan <no-reply@inkan.test>", "INKAN_LOCKOUT_THRESHOLD": "3"}).start()
    try:
        api = helpers.Api(server.url)
        app_id = api.submit(openssl_csr()).json()["id"]
        code = sink.code()
        assert 6 <= len(code) <= 10
        import email as _email
        message = _email.message_from_bytes(sink.messages[-1])
        assert message["To"] == "taro@example.jp" and "no-reply@inkan.test" in message["From"]
        assert not (Path(server.data_dir) / "outbox").exists() or not list((Path(server.data_dir) / "outbox").iterdir())
        # Not before the mailbox is confirmed.
        refused(api.admin(f"/api/admin/applications/{app_id}/approve"), 409, "mailbox_not_confirmed")
        wrong = "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"
        refused(api.post(f"/api/applications/{app_id}/confirm", json={"code": wrong}), 403, "wrong_confirmation_code")
        refused(api.post(f"/api/applications/{app_id}/confirm", json={"code": "not a code!"}), 400,
                "invalid_confirmation_code")
        r = api.post(f"/api/applications/{app_id}/confirm", json={"code": code.lower()})
        assert r.status_code == 200 and r.json()["mailbox"]["confirmed"] is True, r.text
        assert api.post(f"/api/applications/{app_id}/confirm", json={"code": code}).status_code == 200, "idempotent"
        assert api.admin(f"/api/admin/applications/{app_id}/approve").json()["status"] == "issued"
        assert app_id not in server.logs(), "ids stay out of the logs"
        assert code not in server.logs() and "taro@example.jp" not in server.logs()
    finally:
        server.stop()
        sink.stop()


def test_wrong_codes_lock_and_an_expired_code_needs_a_new_one(target):
    api = target.api()
    app_id = api.submit(openssl_csr()).json()["id"]
    code = api.mailed_code(app_id)
    for _ in range(3):  # the test servers lock after 3 failures per application
        refused(api.post(f"/api/applications/{app_id}/confirm", json={"code": "ZZZZ-ZZZZ"}), 403,
                "wrong_confirmation_code")
    r = api.post(f"/api/applications/{app_id}/confirm", json={"code": code})
    refused(r, 429, "locked_out")
    api.advance(int(r.headers["Retry-After"]) + 86400)
    refused(api.post(f"/api/applications/{app_id}/confirm", json={"code": code}), 410, "confirmation_code_expired")
    resent = api.post(f"/api/applications/{app_id}/confirm/resend", json={})
    assert resent.status_code == 200, resent.text
    refused(api.post(f"/api/applications/{app_id}/confirm/resend", json={}), 429, "confirmation_resend_limit")
    fresh = api.mailed_code(app_id)
    assert fresh != code
    assert api.post(f"/api/applications/{app_id}/confirm", json={"code": fresh}).status_code == 200
