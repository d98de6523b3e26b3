"""The client verifier ("server relief"): the page derives PBKDF2-HMAC-SHA256 (600,000
iterations) itself and sends `download_password_verifier`; the worker checks the parameters,
stores a SHA-256 of the derived value, and at download takes either the derived value (salt and
count from the status view) or the password. Lockouts apply to both."""

import base64
import hashlib

import helpers
from helpers import refused
from helpers import application, client_verifier, openssl_csr

WRONG = "WRONG-WRONG-WRONG-WRONG"



def test_intake_with_a_verifier_and_its_public_parameters(api):
    verifier = client_verifier()
    csr = openssl_csr()
    r = api.submit(csr, verifier=verifier)
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    again = api.submit(csr, verifier=verifier)
    assert (again.status_code, again.json()["id"]) == (200, app_id), "the applicant's own retry: same application"
    other = api.submit(csr, verifier=client_verifier())
    assert other.status_code == 409 and app_id not in other.text, "another verifier learns nothing"
    view = api.get(f"/api/applications/{app_id}").json()
    assert view["download_password_kdf"] == {"algorithm": "PBKDF2", "hash": "SHA-256",
                                             "salt": verifier["salt"], "iterations": 600_000}
    text = api.get(f"/api/applications/{app_id}").text
    assert verifier["derived"] not in text and verifier["derived"].rstrip("=") not in text


def test_weak_or_malformed_verifiers_are_refused_before_anything_is_stored(api):
    csr = openssl_csr()
    good = client_verifier(salt=b"\x01" * 16)
    cases = [
        ({**good, "iterations": 599_999}, 400, "weak_password_verifier"),
        ({**good, "iterations": 100_000}, 400, "weak_password_verifier"),
        ({**good, "iterations": 10_000_000}, 400, "unsupported_verifier_iterations"),
        ({**good, "iterations": 600_001}, 400, "unsupported_verifier_iterations"),
        ({**good, "hash": "SHA-1"}, 400, "invalid_password_verifier"),
        ({**good, "salt": base64.b64encode(b"short").decode()}, 400, "invalid_password_verifier"),
        ({**good, "derived": base64.b64encode(b"x" * 31).decode()}, 400, "invalid_password_verifier"),
        ({**good, "derived": "not base64 at all!"}, 400, "invalid_password_verifier"),
    ]
    for verifier, status, code in cases:
        refused(api.post("/api/applications", json=application(csr, verifier=verifier)), status, code)
    both = {**application(csr), "download_password_verifier": good}
    refused(api.post("/api/applications", json=both), 400, "invalid_request")
    neither = application(csr)
    del neither["download_password"]
    refused(api.post("/api/applications", json=neither), 400, "invalid_request")
    # None of those was stored: the same CSR is still new.
    assert api.submit(csr, verifier=good).status_code == 201


def test_download_with_the_derived_value_or_the_password(api):
    app_id = api.issued_application(verifier=client_verifier())
    r = api.download_with_verifier(app_id)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/pem-certificate-chain"
    assert r.text.count("BEGIN CERTIFICATE") == 2, "leaf and issuing CA"
    assert api.get(f"/api/applications/{app_id}").json()["status"] == "downloaded"
    # The legacy body still works: the server derives with the stored salt and count.
    assert api.download(app_id).status_code == 200


def test_a_wrong_verifier_is_403_and_the_lockout_still_applies(target):
    api = target.api()
    app_id = api.issued_application(verifier=client_verifier())
    refused(api.download_with_verifier(app_id, password=WRONG), 403, "wrong_password")
    refused(api.post(f"/api/applications/{app_id}/certificate",
                     json={"download_password_verifier": base64.b64encode(b"\0" * 32).decode()}), 403, "wrong_password")
    refused(api.download(app_id, password=WRONG), 403, "wrong_password")  # the third failure locks
    r = api.download_with_verifier(app_id)  # even the right value waits out the lock
    refused(r, 429, "locked_out")
    assert int(r.headers["Retry-After"]) > 0
    api.advance(int(r.headers["Retry-After"]) + 1)
    assert api.download_with_verifier(app_id).status_code == 200


def test_a_malformed_derived_value_is_400_not_a_guess(api):
    app_id = api.issued_application(verifier=client_verifier())
    for value in ("", "@@@", base64.b64encode(b"x" * 16).decode()):
        refused(api.post(f"/api/applications/{app_id}/certificate", json={"download_password_verifier": value}),
                400, "invalid_password_verifier")
    refused(api.post(f"/api/applications/{app_id}/certificate", json={}), 400, "invalid_request")
    assert api.download_with_verifier(app_id).status_code == 200, "no failure was counted"


def test_a_derived_value_cannot_open_an_application_hashed_on_the_server(api):
    """There the stored hash *is* PBKDF2's output, so taking it as a verifier would let a stolen
    row open the download: refused (and not counted as a guess)."""
    app_id = api.issued_application()
    assert "download_password_kdf" not in api.get(f"/api/applications/{app_id}").json()
    for _ in range(4):
        refused(api.post(f"/api/applications/{app_id}/certificate",
                         json={"download_password_verifier": base64.b64encode(b"\0" * 32).decode()}),
                400, "password_verifier_not_accepted")
    assert api.download(app_id).status_code == 200


def test_the_store_holds_a_hash_of_the_derived_value_not_the_value(target):
    if target.name != "native":
        return
    import sqlite3
    from pathlib import Path

    api = target.api()
    verifier = client_verifier()
    app_id = api.submit(openssl_csr(), verifier=verifier).json()["id"]
    db = sqlite3.connect(Path(target.data_dir) / "inkan.sqlite3")
    (body,) = db.execute("SELECT body FROM applications WHERE id = ?", (app_id,)).fetchone()
    derived = base64.b64decode(verifier["derived"])
    unpadded = lambda b: base64.b64encode(b).decode().rstrip("=")  # noqa: E731
    assert f'"$pbkdf2-sha256-client$i=600000${unpadded(base64.b64decode(verifier["salt"]))}$' in body
    assert unpadded(hashlib.sha256(derived).digest()) in body
    assert unpadded(derived) not in body and helpers.PASSWORD not in body
