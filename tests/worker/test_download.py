"""Approval, issuance by the local CA, download with the password, lockout and the window."""

import subprocess
import tempfile
from pathlib import Path

import helpers
from conftest import native_only


def split_pem(chain: str) -> list[str]:
    parts = chain.split("-----END CERTIFICATE-----")
    return [p.strip() + "\n-----END CERTIFICATE-----\n" for p in parts if "BEGIN CERTIFICATE" in p]


def openssl_verify(chain: str, root_pem: str, at: int | None = None) -> str:
    """Verifies leaf + issuing CA up to `root_pem`, at the worker's time `at` (the shared test
    server's clock may have been moved forward by earlier tests)."""
    certs = split_pem(chain)
    assert len(certs) == 2, "leaf and issuing CA; the root is not part of the chain"
    with tempfile.TemporaryDirectory() as tmp:
        leaf, inter, root = (Path(tmp) / n for n in ("leaf.pem", "inter.pem", "root.pem"))
        leaf.write_text(certs[0])
        inter.write_text(certs[1])
        root.write_text(root_pem)
        attime = ["-attime", str(at)] if at else []
        out = subprocess.run(["openssl", "verify", *attime, "-CAfile", root, "-untrusted", inter, "-purpose", "smimesign",
                              leaf], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        text = subprocess.run(["openssl", "x509", "-in", leaf, "-noout", "-text"], capture_output=True, text=True).stdout
        return text


def test_approve_issues_and_the_right_password_downloads_a_chain_that_verifies(api):
    app_id = api.issued_application(product="sign123")
    status = api.get(f"/api/applications/{app_id}").json()
    assert status["status"] == "issued"
    assert status["download_deadline"] - status["issued_at"] == 30 * 86400  # seed 000: 30 days
    r = api.download(app_id)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/pem-certificate-chain"
    assert r.headers["Cache-Control"] == "no-store"
    root = api.get("/api/issuer/root")
    assert root.status_code == 200 and "BEGIN CERTIFICATE" in root.text
    text = openssl_verify(r.text, root.text, api.now())
    assert "email:taro@example.jp" in text
    assert "E-mail Protection" in text and "TLS Web Client Authentication" in text
    assert "Subject: O=山田法律事務所, CN=Yamada Taro" in text or "Subject: O = " in text, text
    # The issuing CA is limited to the same two purposes (no serverAuth).
    inter = subprocess.run(["openssl", "x509", "-noout", "-ext", "extendedKeyUsage"], input=split_pem(r.text)[1],
                           capture_output=True, text=True).stdout
    assert "E-mail Protection" in inter and "TLS Web Client Authentication" in inter
    assert "TLS Web Server Authentication" not in inter
    assert api.get(f"/api/applications/{app_id}").json()["status"] == "downloaded"
    # A download lost in transit can be repeated within the window.
    assert api.download(app_id).status_code == 200


def test_approval_needs_the_admin_token(api):
    r = api.submit(helpers.openssl_csr())
    app_id = r.json()["id"]
    no_token = api.post(f"/api/admin/applications/{app_id}/approve")
    assert no_token.status_code == 401 and no_token.json()["error"]["code"] == "unauthorized"
    wrong = api.post(f"/api/admin/applications/{app_id}/approve", headers={"Authorization": "Bearer nope-nope-nope-nope"})
    assert wrong.status_code == 401
    assert api.get(f"/api/admin/reminders").status_code == 401


def test_not_yet_issued_and_rejected_applications_cannot_be_downloaded(api):
    app_id = api.submit_confirmed(helpers.openssl_csr())
    r = api.download(app_id)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_issued_yet"
    assert api.admin(f"/api/admin/applications/{app_id}/reject").json()["status"] == "rejected"
    r = api.download(app_id)
    assert r.status_code == 409 and r.json()["error"]["code"] == "rejected"
    r = api.admin(f"/api/admin/applications/{app_id}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_state"


def test_wrong_password_is_403_then_429_with_retry_after(target):
    api = target.api()
    app_id = api.issued_application()
    for _ in range(3):  # the test servers lock after 3 failures per application
        r = api.download(app_id, password="WRONG-WRONG-WRONG-WRONG")
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "wrong_password"
    r = api.download(app_id)  # even the right password waits out the lock
    assert r.status_code == 429, r.text
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["error"]["code"] == "locked_out"
    # After the lock the right password works, and clears the count.
    api.advance(int(r.headers["Retry-After"]) + 1)
    assert api.download(app_id).status_code == 200


def test_the_lock_grows_with_each_further_failure(target):
    api = target.api()
    app_id = api.issued_application()
    waits = []
    for _ in range(3):
        api.download(app_id, password="WRONG-WRONG-WRONG-WRONG")
    for _ in range(2):
        r = api.download(app_id)
        waits.append(int(r.headers["Retry-After"]))
        api.advance(waits[-1] + 1)
        assert api.download(app_id, password="WRONG-WRONG-WRONG-WRONG").status_code == 403
    r = api.download(app_id)
    waits.append(int(r.headers["Retry-After"]))
    assert waits[0] < waits[1] < waits[2], waits


def test_lockout_per_client_address_spans_applications(target):
    api = target.api()
    first, second = api.issued_application(), api.issued_application()
    for _ in range(3):
        assert api.download(first, password="WRONG-WRONG-WRONG-WRONG").status_code == 403
    for _ in range(2):  # the client's 4th and 5th failure: the client threshold is 5
        assert api.download(second, password="WRONG-WRONG-WRONG-WRONG").status_code == 403
    r = api.download(second)
    assert r.status_code == 429 and "Retry-After" in r.headers
    # Another client is not affected.
    assert target.api().download(second).status_code == 200


def test_the_window_closes_after_30_days_with_410(api):
    app_id = api.issued_application(product="sign123")
    api.advance(30 * 86400 - 60)
    assert api.download(app_id).status_code == 200
    api.advance(120)
    r = api.download(app_id)
    assert r.status_code == 410 and r.json()["error"]["code"] == "download_window_closed"


def test_an_undownloaded_certificate_expires_and_its_secrets_are_removed(target):
    api = target.api()
    app_id = api.issued_application(product="sign123")
    api.advance(30 * 86400 + 1)
    r = api.download(app_id)
    assert r.status_code == 410
    assert api.get(f"/api/applications/{app_id}").json()["status"] == "expired"
    if target.name == "native":
        import sqlite3

        db = sqlite3.connect(Path(target.data_dir) / "inkan.sqlite3")
        (body,) = db.execute("SELECT body FROM applications WHERE id = ?", (app_id,)).fetchone()
        assert '"password_hash":null' in body and '"certificate_pem":null' in body


def test_password_is_never_in_a_url_and_get_does_not_download(api):
    app_id = api.issued_application()
    r = api.get(f"/api/applications/{app_id}/certificate", params={"download_password": helpers.PASSWORD})
    assert r.status_code in (404, 405)


def test_the_key_files_are_private(target):
    native_only(target)
    ca = Path(target.data_dir) / "ca"
    for name in ("root.key.pem", "issuing.key.pem"):
        assert (ca / name).stat().st_mode & 0o777 == 0o600


def leaf_not_after(chain: str) -> int:
    from datetime import datetime, timezone
    end = subprocess.run(["openssl", "x509", "-noout", "-enddate"], input=split_pem(chain)[0], capture_output=True,
                         text=True, check=True).stdout.strip().split("=", 1)[1]
    return int(datetime.strptime(end, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc).timestamp())


def jst_day_end(day) -> int:
    """23:59:59 Japan time (UTC+9) on `day`, as Unix seconds."""
    from datetime import datetime, time, timedelta, timezone
    return int(datetime.combine(day, time(23, 59, 59), tzinfo=timezone(timedelta(hours=9))).timestamp())


def test_the_local_ca_signs_at_collection_so_the_term_counts_from_the_download_day(target):
    """Issue 14, point 3: the seeds count 1-2-3's term from the download day (seed 000:
    「ダウンロード日から」, same day N years later). Approval makes the application ready to
    collect; the certificate is signed at the first download, and its notAfter is the plan's
    expiry: 23:59:59 JST on the same day two years after the download, not after approval."""
    from datetime import datetime, timedelta, timezone
    api = target.api()
    email = "collect@example.jp"
    r = api.post("/api/applications", json={**helpers.application(helpers.openssl_csr(email=email), email=email),
                                            "term_years": 2})
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    api.confirm(app_id, email)
    assert api.admin(f"/api/admin/applications/{app_id}/approve").json()["status"] == "issued"
    approved_day = datetime.fromtimestamp(api.now(), timezone(timedelta(hours=9))).date()
    # The applicant collects ten days later, inside the 30-day window.
    now = api.advance(10 * 86400)
    downloaded_day = datetime.fromtimestamp(now, timezone(timedelta(hours=9))).date()
    assert downloaded_day != approved_day
    first = api.download(app_id)
    assert first.status_code == 200, first.text
    expected = jst_day_end(downloaded_day.replace(year=downloaded_day.year + 2))
    assert leaf_not_after(first.text) == expected, "notAfter is the plan's expiry from the download day"
    assert leaf_not_after(first.text) != jst_day_end(approved_day.replace(year=approved_day.year + 2))
    # Downloading again inside the window gives the same certificate, not a new one.
    api.advance(86400)
    assert api.download(app_id).text == first.text


def test_parallel_first_downloads_get_one_certificate(api):
    """Signing at collection races: several first downloads at once all get the one chain that
    was stored, never two different certificates for one application."""
    from concurrent.futures import ThreadPoolExecutor
    app_id = api.issued_application(email="race@example.jp")
    # Three at once: the lockout (3 in tests) charges each attempt before it is checked.
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: api.download(app_id), range(3)))
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    assert len({r.text for r in answers}) == 1, "one certificate per application"
    assert api.download(app_id).text == answers[0].text
