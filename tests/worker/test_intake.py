"""Intake: every refusal is a 4xx with a stable code and ja/en text, decided before anything
is stored; the same CSR twice is the same application."""

import pytest

import helpers
from helpers import refused
from helpers import application, openssl_csr



def test_a_good_application_is_accepted_with_a_long_random_id(api):
    r = api.submit(openssl_csr())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "submitted"
    assert len(body["id"]) >= 22 and all(c.isalnum() or c in "-_" for c in body["id"])
    assert r.headers["Cache-Control"] == "no-store"
    status = api.get(f"/api/applications/{body['id']}")
    assert status.status_code == 200
    view = status.json()
    assert view["status"] == "submitted" and view["product"] == "sign123"
    assert view["mailbox"]["confirmed"] is False and view["mailbox"]["code_expires_at"] > view["created_at"]
    assert "password" not in status.text.lower() and "BEGIN" not in status.text
    # The id is all a status view needs; it shows nothing personal.
    assert "taro@example.jp" not in status.text and "山田" not in status.text


def test_the_same_csr_twice_is_the_same_application(api):
    csr = openssl_csr()
    first = api.submit(csr)
    second = api.submit(csr)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_the_same_csr_with_another_password_is_409_without_the_id(api):
    csr = openssl_csr()
    first = api.submit(csr)
    assert first.status_code == 201
    other = api.submit(csr, password="OTHER-OTHER-OTHER-OTHER")
    refused(other, 409, "duplicate_csr")
    assert first.json()["id"] not in other.text


def test_rsa_2048_and_p384_are_accepted(api):
    assert api.submit(openssl_csr(key="rsa:2048")).status_code == 201
    assert api.submit(openssl_csr(key="ec:P-384", digest="sha384")).status_code == 201


@pytest.mark.parametrize(
    "make, status, code",
    [
        (lambda: application(openssl_csr(key="rsa:1024")), 422, "rsa_key_size"),
        (lambda: application(openssl_csr(digest="sha1")), 422, "weak_signature_algorithm"),
        (lambda: application(openssl_csr(key="rsa:2048", digest="sha1")), 422, "weak_signature_algorithm"),
        (lambda: application(openssl_csr(key="ec:P-521", digest="sha512")), 422, "unsupported_key"),
        (lambda: application(openssl_csr(key="ed25519")), 422, "unsupported_key"),
        (lambda: application(openssl_csr(email="hanako@example.jp")), 422, "email_mismatch"),
        (lambda: application(openssl_csr(email=None)), 422, "csr_email_missing"),
        (lambda: application(openssl_csr(), product="no-such-product"), 422, "unknown_product"),
        (lambda: application(helpers.tamper(openssl_csr())), 422, "csr_signature_invalid"),
        (lambda: application("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"), 422,
         "not_a_csr"),
        (lambda: application(openssl_csr(), password="short"), 400, "weak_download_password"),
        (lambda: application(openssl_csr(cn="Mizuho Bank")), 422, "csr_subject_mismatch"),
        (lambda: application(openssl_csr(), common_name="Yamada\u202eorat"), 400, "invalid_applicant"),
        (lambda: {"product": "sign123"}, 400, "invalid_request"),
        (lambda: application("x" * (20 * 1024)), 413, "too_large"),
    ],
    ids=["rsa1024", "sha1-ec", "sha1-rsa", "p521", "ed25519", "wrong-email", "no-email", "unknown-product", "tampered",
         "garbage-csr", "short-password", "foreign-cn", "bidi-override", "missing-fields", "csr-over-16k"],
)
def test_intake_refusals(api, make, status, code):
    refused(api.post("/api/applications", json=make()), status, code)


def test_rsa_exponent_3_is_refused(api):
    csr = openssl_csr(key="rsa:2048", extra=["-pkeyopt", "rsa_keygen_pubexp:3"])
    refused(api.submit(csr), 422, "rsa_exponent")


def test_oversize_body_is_413(api):
    body = b'{"product":"sign123","csr":"' + b"A" * (70 * 1024) + b'"}'
    r = api.post("/api/applications", data=body, headers={"Content-Type": "application/json"})
    refused(r, 413, "too_large")


def test_fermat_close_primes_are_refused(api):
    refused(api.submit(helpers.fermat_close_csr()), 422, "rsa_fermat")


def test_a_small_prime_factor_is_refused(api):
    refused(api.submit(helpers.small_factor_csr()), 422, "rsa_small_factor")


def test_the_roca_fingerprint_is_refused(api):
    refused(api.submit(helpers.roca_csr()), 422, "rsa_roca")


def test_a_refused_csr_leaves_nothing_behind(api):
    """Refused at intake, then submitted correctly: a fresh 201, not 200 (nothing was stored)."""
    csr = openssl_csr()
    refused(api.submit(csr, product="no-such-product"), 422, "unknown_product")
    assert api.submit(csr).status_code == 201


def test_unknown_ids_are_404(api):
    refused(api.get("/api/applications/AAAAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found")
    refused(api.get("/api/applications/..%2F..%2Fetc"), 404, "not_found")


def test_health(api):
    r = api.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.headers["Cache-Control"] == "no-store"


def test_the_term_bought_is_stored_refused_when_not_sold_and_signed(api):
    """Issue 14: intake takes `term_years` (one of the catalog's terms; the shortest by default),
    the status view carries it, and the local issuer's certificate lasts that long."""
    refused(api.post("/api/applications", json={**application(openssl_csr()), "term_years": 3}), 422, "unsupported_term")
    one = api.submit(openssl_csr())
    assert api.get(f"/api/applications/{one.json()['id']}").json()["term_years"] == 1, "the shortest by default"
    r = api.post("/api/applications", json={**application(openssl_csr(email="jiro@example.jp"), email="jiro@example.jp"),
                                            "term_years": 2})
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    assert api.get(f"/api/applications/{app_id}").json()["term_years"] == 2
    api.confirm(app_id, "jiro@example.jp")
    tbs = api.admin(f"/api/admin/applications/{app_id}", method="GET").json()["to_be_signed"]["validity"]
    assert 2 * 365 * 86400 <= tbs["not_after"] - tbs["not_before"] <= 2 * 366 * 86400 + 86400
    assert api.admin(f"/api/admin/applications/{app_id}/approve").json()["status"] == "issued"
    leaf = api.download(app_id).text.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    import subprocess
    from datetime import datetime, timezone
    end = subprocess.run(["openssl", "x509", "-noout", "-enddate"], input=leaf, capture_output=True, text=True,
                         check=True).stdout.strip().split("=", 1)[1]
    not_after = datetime.strptime(end, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc).timestamp()
    assert abs(not_after - tbs["not_after"]) < 2 * 86400, "the certificate lasts the two years bought"
