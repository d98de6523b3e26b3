"""The relay to the issuer: EST (RFC 7030) against the local CA's EST server, an outage that
leaves applications queued and retried, and the webhook issuer's callback."""

import base64
import subprocess
import tempfile
from pathlib import Path

import requests

import helpers
from conftest import native_only
from test_download import openssl_verify


def test_est_cacerts_is_a_certs_only_pkcs7_openssl_reads(target):
    api = target.api()
    r = api.get("/.well-known/est/cacerts")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/pkcs7-mime")
    der = base64.b64decode(r.content)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "ca.p7").write_bytes(der)
        out = subprocess.run(["openssl", "pkcs7", "-inform", "DER", "-in", Path(tmp) / "ca.p7", "-print_certs"],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout.count("BEGIN CERTIFICATE") == 2


def test_est_enrol_needs_basic_auth(target):
    api = target.api()
    csr = helpers.openssl_csr()
    der = base64.b64decode("".join(l for l in csr.splitlines() if not l.startswith("-----")))
    body = base64.encodebytes(der)
    r = api.post("/.well-known/est/simpleenroll", data=body, headers={"Content-Type": "application/pkcs10"})
    assert r.status_code == 401 and "Basic" in r.headers.get("WWW-Authenticate", "")
    r = api.post("/.well-known/est/simpleenroll", data=body, auth=(helpers.EST_USER, helpers.EST_PASSWORD),
                 headers={"Content-Type": "application/pkcs10"})
    assert r.status_code == 200, r.text
    assert "smime-type=certs-only" in r.headers["Content-Type"]


def test_an_issuer_outage_queues_the_application_until_the_issuer_is_back(target, tmp_path):
    native_only(target)
    est_port = helpers.free_port()
    relay = helpers.NativeServer(str(tmp_path / "relay"), {
        "INKAN_ISSUER": "est",
        "INKAN_EST_URL": f"http://127.0.0.1:{est_port}/.well-known/est",
        "INKAN_EST_USERNAME": helpers.EST_USER,
        "INKAN_EST_PASSWORD": helpers.EST_PASSWORD,
        "INKAN_RELAY_BACKOFF_BASE_SECONDS": "30",
    }).start()
    issuer = None
    try:
        api = relay.api()
        app_id = api.submit_confirmed(helpers.openssl_csr())
        r = api.admin(f"/api/admin/applications/{app_id}/approve")
        assert r.status_code == 200, r.text
        view = r.json()
        assert view["status"] == "approved"
        assert view["relay"] == {"state": "queued", "attempts": 1, "next_attempt_at": view["relay"]["next_attempt_at"],
                                 "last_error": "issuer_unavailable"}
        # Still down at the next attempt: the wait doubles.
        api.advance(31)
        api.tick()
        view = api.get(f"/api/applications/{app_id}").json()
        assert view["relay"]["attempts"] == 2
        assert view["relay"]["next_attempt_at"] - api.now() > 31
        # The issuer comes up (a local-issuer instance serving EST on that port).
        issuer = helpers.NativeServer(str(tmp_path / "issuer"), {
            "INKAN_EST_SERVER_USERNAME": helpers.EST_USER, "INKAN_EST_SERVER_PASSWORD": helpers.EST_PASSWORD,
        }, port=est_port).start()
        api.advance(3600)
        api.tick()
        view = api.get(f"/api/applications/{app_id}").json()
        assert view["status"] == "issued", view
        r = api.download(app_id)
        assert r.status_code == 200
        # The chain leads to the EST server's root, which is not part of it.
        openssl_verify(r.text, requests.get(issuer.url + "/api/issuer/root", timeout=10).text, api.now())
        cacerts = base64.b64decode(requests.get(issuer.url + "/.well-known/est/cacerts", timeout=10).content)
        intermediate_der = base64.b64decode("".join(r.text.split("-----BEGIN CERTIFICATE-----")[-1]
                                                    .split("-----END CERTIFICATE-----")[0].split()))
        assert intermediate_der in cacerts
        assert "BEGIN CERTIFICATE REQUEST" not in relay.logs() and helpers.PASSWORD not in relay.logs()
    finally:
        relay.stop()
        if issuer:
            issuer.stop()


def test_the_webhook_issuer_hands_over_and_accepts_the_chain_back(target, tmp_path):
    native_only(target)
    back_office = helpers.Receiver("webhook-secret-for-tests")
    relay = helpers.NativeServer(str(tmp_path / "relay"), {
        "INKAN_ISSUER": "webhook", "INKAN_WEBHOOK_URL": back_office.url,
        "INKAN_WEBHOOK_SECRET": "webhook-secret-for-tests",
    }).start()
    try:
        api = relay.api()
        csr = helpers.openssl_csr()
        app_id = api.submit_confirmed(csr)
        view = api.admin(f"/api/admin/applications/{app_id}/approve").json()
        assert view["status"] == "approved" and view["relay"]["state"] == "awaiting_issuer"
        handed = back_office.deliveries[-1]["body"]
        assert handed["application_id"] == app_id and "BEGIN CERTIFICATE REQUEST" in handed["csr"]
        # What to sign is the reviewed subject, and the callback has its own credential.
        assert handed["to_be_signed"]["subject"] == "CN=Yamada Taro, O=山田法律事務所"
        assert handed["callback_path"] == f"/api/issuer/applications/{app_id}/certificate"
        token = handed["callback_token"]
        assert len(token) >= 40 and token != helpers.ADMIN_TOKEN
        callback = lambda body, bearer=token: api.post(  # noqa: E731
            handed["callback_path"], data=body, headers={"Authorization": f"Bearer {bearer}",
                                                         "Content-Type": "application/pem-certificate-chain"})
        # A chain for another key is refused.
        other = helpers.NativeServer(str(tmp_path / "ca"), {}).start()
        try:
            other_api = other.api()
            wrong = other_api.download(other_api.issued_application()).text
        finally:
            other.stop()
        r = callback(wrong)
        assert r.status_code == 422 and r.json()["error"]["code"] == "certificate_key_mismatch"
        # The issuer's own chain for this CSR (made here with openssl as a stand-in CA).
        with tempfile.TemporaryDirectory() as tmp:
            t = Path(tmp)
            (t / "req.pem").write_text(csr)
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", t / "ca.key", "-out", t / "ca.pem", "-subj", "/CN=Back Office CA", "-days", "30"],
                           check=True, capture_output=True)
            subprocess.run(["openssl", "x509", "-req", "-in", t / "req.pem", "-CA", t / "ca.pem", "-CAkey", t / "ca.key",
                            "-out", t / "leaf.pem", "-days", "30"], check=True, capture_output=True)
            chain = (t / "leaf.pem").read_text() + (t / "ca.pem").read_text()
        # The token opens this callback only: not another application's, not the admin API;
        # and the admin token is not the issuer's credential.
        other_id = api.submit_confirmed(helpers.openssl_csr(email="hanako@example.jp"), email="hanako@example.jp")
        r = api.post(f"/api/issuer/applications/{other_id}/certificate", data=chain,
                     headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, r.text
        assert api.get("/api/admin/reminders", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert callback(chain, helpers.ADMIN_TOKEN).status_code == 401
        r = callback(chain)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "issued"
        got = api.download(app_id)
        # The back office's CA is self-signed (a root): the chain the applicant gets leaves it out.
        assert got.status_code == 200 and got.text.count("BEGIN CERTIFICATE") == 1
        # The token dies with the window: after issuance it opens nothing.
        assert callback(chain).status_code in (401, 409)
    finally:
        relay.stop()
        back_office.close()
