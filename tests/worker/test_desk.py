"""The issuer's review desk (issue 19): its page, its sign-in, its decisions with reasons, the
audit log, and several labelled reviewer tokens — over real HTTP."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import time
from pathlib import Path

import pytest
import requests

import helpers
from helpers import ADMIN_TOKEN, NativeServer, openssl_csr

ALICE = helpers.DESK_TOKENS["alice"]
BOB = helpers.DESK_TOKENS["bob"]


def bearer(token: str | None) -> dict:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


def desk_routes(app_id: str) -> list[tuple[str, str]]:
    return [
        ("GET", "/api/admin/session"),
        ("GET", "/api/admin/applications"),
        ("GET", "/api/admin/applications?status=submitted&product=sign123"),
        ("GET", f"/api/admin/applications/{app_id}"),
        ("GET", "/api/admin/audit"),
        ("GET", "/api/admin/audit.csv"),
        ("GET", "/api/admin/reminders"),
        ("POST", f"/api/admin/applications/{app_id}/approve"),
        ("POST", f"/api/admin/applications/{app_id}/reject"),
        ("POST", f"/api/admin/applications/{app_id}/cancel"),
        ("GET", f"/api/admin/applications/{app_id}/documents"),
        ("POST", "/api/admin/document-key"),
    ]


def test_the_desk_page_is_served_unframeable_under_the_strict_csp(target):
    r = requests.get(target.url + "/admin", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert 'src="/admin/desk.js"' in r.text and "<script>" not in r.text
    js = requests.get(target.url + "/admin/desk.js", timeout=30)
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "sessionStorage" in js.text and "document.cookie" not in js.text
    # localStorage holds only the document key's encrypted private half, never the token.
    assert [line.strip() for line in js.text.splitlines() if "localStorage." in line and "DOC_KEY" not in line] == []
    assert requests.get(target.url + "/admin/desk.css", timeout=30).status_code == 200
    assert requests.get(target.url + "/admin/nothing.js", timeout=30).status_code == 404


def test_a_wrong_or_missing_token_gets_nothing_from_any_desk_route(target):
    api = target.api()
    app_id = api.submit_confirmed(openssl_csr(email="desk-guard@example.jp"), email="desk-guard@example.jp")
    wrong = [None, "", "wrong-token-0123456789abcdef", ADMIN_TOKEN[:-1], ADMIN_TOKEN + "x", ADMIN_TOKEN.upper(),
             helpers.REVOKED_DESK_TOKEN]
    for method, path in desk_routes(app_id):
        for token in wrong:
            r = requests.request(method, target.url + path, headers=bearer(token), timeout=30)
            assert r.status_code == 401, (method, path, token, r.text)
            assert r.json()["error"]["code"] == "unauthorized"
            for leak in (app_id, "desk-guard", "山田", "sign123"):
                assert leak not in r.text, (method, path, leak)
        # The token in a cookie or the query string is not a sign-in either.
        r = requests.request(method, target.url + path + ("&" if "?" in path else "?") + f"token={ADMIN_TOKEN}",
                             cookies={"token": ADMIN_TOKEN}, timeout=30)
        assert r.status_code == 401, (method, path)
    assert api.get(f"/api/applications/{app_id}").json()["status"] == "submitted", "nothing was decided"


def test_each_reviewer_signs_in_with_a_labelled_token(target):
    for token, label in ((ADMIN_TOKEN, "admin"), (ALICE, "alice"), (BOB, "bob")):
        r = requests.get(target.url + "/api/admin/session", headers=bearer(token), timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["label"] == label
        assert any(p["id"] == "sign123" and p["name"]["ja"] for p in r.json()["products"])


def outbox_mail(target, api, app_id: str, purpose: str, address: str) -> str:
    # Only the native server writes .eml files; wrangler's data_dir is its D1 state, and its mail
    # waits in the outbox table behind the test mode's admin route.
    if target.name == "native":
        path = Path(target.data_dir) / "outbox" / f"{app_id}.{purpose}.eml"
        deadline = time.time() + 10
        while not path.exists() and time.time() < deadline:
            time.sleep(0.05)
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["To"] == address
        return message.get_body(preferencelist=("plain",)).get_content()
    r = api.admin(f"/api/admin/outbox?to={requests.utils.quote(address)}", method="GET")
    for mail in r.json()["mail"]:
        if mail["key"] == f"{app_id}:{purpose.replace('.', ':')}":
            return mail["text"]
    raise AssertionError(f"no {purpose} mail for {app_id}")


def test_decisions_carry_reasons_to_the_applicant_and_land_in_the_audit_log(target):
    api = target.api()
    address = "desk-decide@example.jp"
    first = api.submit_confirmed(openssl_csr(email=address), email=address)
    second = api.submit_confirmed(openssl_csr(email=address), email=address)

    detail = requests.get(target.url + f"/api/admin/applications/{first}", headers=bearer(ALICE), timeout=30).json()
    assert detail["mailbox_confirmed"] is True and detail["product"] == "sign123"
    assert detail["to_be_signed"]["subject"].startswith("CN=Yamada Taro")
    assert detail["to_be_signed"]["san"]["rfc822_names"] == [address]
    assert [h["status"] for h in detail["history"]] == ["submitted"]
    codes = [r["code"] for r in detail["rejection_reasons"]]
    assert "details_incorrect" in codes and "other" in codes

    # A reason not in the product's list is refused, and nothing changes.
    r = requests.post(target.url + f"/api/admin/applications/{first}/reject", headers=bearer(ALICE),
                      json={"reason": "because"}, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_reason", r.text
    assert api.get(f"/api/applications/{first}").json()["status"] == "submitted"

    note = "CN のつづりを確かめてください / check the spelling of the CN"
    r = requests.post(target.url + f"/api/admin/applications/{first}/reject", headers=bearer(ALICE),
                      json={"reason": "details_incorrect", "note": note}, timeout=30)
    assert r.status_code == 200, r.text
    status = api.get(f"/api/applications/{first}").json()
    assert status["status"] == "rejected"
    assert status["rejection"]["reason"] == "details_incorrect"
    assert "申込み内容に誤り" in status["rejection"]["message"]["ja"]
    assert "error" in status["rejection"]["message"]["en"] and status["rejection"]["note"] == note
    assert address not in str(status), "the public view names no one"
    mail = outbox_mail(target, api, first, "decision.rejected", address)
    assert "申込み内容に誤り" in mail and note in mail and first in mail

    r = requests.post(target.url + f"/api/admin/applications/{second}/approve", headers=bearer(BOB), timeout=30)
    assert r.status_code == 200, r.text
    detail = requests.get(target.url + f"/api/admin/applications/{second}", headers=bearer(ALICE), timeout=30).json()
    approved = [h for h in detail["history"] if h["status"] == "approved"]
    assert approved and approved[0]["by"] == "bob"
    assert "rejection" not in api.get(f"/api/applications/{second}").json()

    entries = requests.get(target.url + "/api/admin/audit?limit=200", headers=bearer(ADMIN_TOKEN), timeout=30)
    mine = [e for e in entries.json()["entries"] if e["application_id"] in (first, second)]
    assert [(e["application_id"], e["actor"], e["action"], e["detail"]) for e in mine] == [
        (first, "alice", "reject", "details_incorrect"), (second, "bob", "approve", None)]
    assert all(isinstance(e["at"], int) and e["at"] > 0 for e in mine)

    r = requests.get(target.url + "/api/admin/audit.csv", headers=bearer(BOB), timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    # An id is random base64url, so it starts with "-" one time in 64: the export then writes it
    # with the "'" that keeps a spreadsheet from reading it as a formula (review.rs csv_field).
    def cell(value):
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value

    assert {(row["application_id"], row["actor"], row["action"], row["detail"]) for row in rows} >= {
        (cell(first), "alice", "reject", "details_incorrect"), (cell(second), "bob", "approve", "")}
    assert all(row["at_utc"].endswith("Z") for row in rows)
    assert len(rows) == len(entries.json()["entries"]), "the export holds every decision"


def test_the_queue_filters_by_state_and_product_newest_first(target):
    api = target.api()
    address = "desk-queue@example.jp"
    older = api.submit_confirmed(openssl_csr(email=address), email=address)
    newer = api.submit_confirmed(openssl_csr(email=address), email=address, product="jcan-mcci")
    admin = lambda q: requests.get(target.url + "/api/admin/applications" + q, headers=bearer(ALICE), timeout=30)
    ids = [a["id"] for a in admin("?status=submitted&limit=200").json()["applications"]]
    assert ids.index(newer) < ids.index(older), "newest first"
    only = [a for a in admin("?product=jcan-mcci&limit=200").json()["applications"]]
    assert newer in [a["id"] for a in only] and older not in [a["id"] for a in only]
    assert all(a["product"] == "jcan-mcci" for a in only)
    page = admin("?limit=1&offset=0").json()
    assert len(page["applications"]) == 1 and page["limit"] == 1
    assert admin("?product=nonesuch").status_code == 400


@pytest.mark.usefixtures("native_built")
def test_a_revoked_token_is_refused_and_the_others_still_work(tmp_path):
    # alice's entry removed from the configuration (bob's and the legacy token untouched),
    # and carol's marked revoked: both are refused, the others sign in.
    server = NativeServer(str(tmp_path / "data"), {"INKAN_ADMIN_TOKENS": f"bob:{BOB}"}).start()
    try:
        session = lambda token: requests.get(server.url + "/api/admin/session", headers=bearer(token), timeout=30)
        assert session(ALICE).status_code == 401
        assert session(BOB).json()["label"] == "bob"
        assert session(ADMIN_TOKEN).json()["label"] == "admin"
    finally:
        server.stop()
    toml = tmp_path / "inkan.toml"
    toml.write_text(
        f'[[admin_tokens]]\nlabel = "carol"\ntoken = "carol-token-0123456789abcdef"\nrevoked = true\n'
        f'[[admin_tokens]]\nlabel = "dave"\ntoken = "dave-token-0123456789abcdef"\n', encoding="utf-8")
    server = NativeServer(str(tmp_path / "data2"), {"INKAN_CONFIG": str(toml), "INKAN_ADMIN_TOKEN": None, "INKAN_ADMIN_TOKENS": None}).start()
    try:
        session = lambda token: requests.get(server.url + "/api/admin/session", headers=bearer(token), timeout=30)
        assert session("carol-token-0123456789abcdef").status_code == 401
        assert session("dave-token-0123456789abcdef").json()["label"] == "dave"
        assert session(ADMIN_TOKEN).status_code == 401
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------
# Identity documents (issue 19 point 2): sealed in the browser to the desk's document key; the
# worker checks only counts and sizes and keeps ciphertext. Sealing itself is the crate's (unit
# tests in crate/pki/src/documents.rs, the browser test opens real HPKE); here the bytes are opaque.


def sealed(n: int) -> str:
    import base64
    import os
    return base64.b64encode(os.urandom(n)).decode()


def document_key_body() -> dict:
    import base64
    import os
    return {"public_key": base64.b64encode(os.urandom(32)).decode()}


@pytest.fixture
def small_limits(tmp_path, native_built):
    server = NativeServer(str(tmp_path / "data"), {
        "INKAN_DOCUMENT_MAX_BYTES": "2000", "INKAN_DOCUMENT_MAX_COUNT": "2", "INKAN_DOCUMENT_RETENTION_DAYS": "3",
    }).start()
    try:
        yield server
    finally:
        server.stop()


def test_publishing_the_document_key_needs_a_desk_token_and_applies_without_one(small_limits):
    api = small_limits.api()
    assert api.get("/api/document-key").json()["enabled"] is False
    r = api.submit(openssl_csr(email="nokey@example.jp"), email="nokey@example.jp")
    assert r.status_code == 201, "no key published: the application goes through without documents"
    body = {"token": r.json()["documents_token"], "documents": [{"media_type": "image/png", "sealed": sealed(100)}]}
    helpers.refused(api.post(f"/api/applications/{r.json()['id']}/documents", json=body), 409, "documents_not_enabled")
    key = document_key_body()
    for token in (None, "wrong-token-0123456789abcdef", helpers.REVOKED_DESK_TOKEN):
        r = requests.post(small_limits.url + "/api/admin/document-key", json=key, headers=bearer(token), timeout=30)
        assert r.status_code == 401
    assert api.get("/api/document-key").json()["enabled"] is False
    helpers.refused(api.admin("/api/admin/document-key", json={"public_key": sealed(31)}), 400, "document_key_invalid")
    r = requests.post(small_limits.url + "/api/admin/document-key", json=key, headers=bearer(ALICE), timeout=30)
    assert r.status_code == 200, r.text
    published = api.get("/api/document-key").json()
    assert published["enabled"] is True and published["public_key"] == key["public_key"]
    assert published["max_bytes"] == 2000 and published["max_count"] == 2
    entries = api.admin("/api/admin/audit", method="GET").json()["entries"]
    assert any(e["action"] == "document_key" and e["actor"] == "alice" for e in entries)


def test_documents_are_bounded_taken_once_and_never_echoed(small_limits):
    api = small_limits.api()
    assert api.admin("/api/admin/document-key", json=document_key_body()).status_code == 200
    r = api.submit(openssl_csr(email="docs@example.jp"), email="docs@example.jp")
    app_id, token = r.json()["id"], r.json()["documents_token"]
    path = f"/api/applications/{app_id}/documents"
    one = sealed(1500)
    cases = [
        ([{"media_type": "image/png", "sealed": one}] * 3, 400, "documents_too_many"),
        ([{"media_type": "image/png", "sealed": sealed(2001)}], 413, "document_too_large"),
        ([{"media_type": "text/html", "sealed": one}], 400, "document_type_not_accepted"),
        ([{"media_type": "image/png", "sealed": sealed(20)}], 400, "document_not_sealed"),
    ]
    for documents, status, code in cases:
        r = api.post(path, json={"token": token, "documents": documents})
        err = helpers.refused(r, status, code)
        assert err["error"]["message"]["ja"] and err["error"]["message"]["en"]
        assert documents[0]["sealed"][:40] not in r.text, "the document is never echoed"
    # A body past the bound is cut off at the adapter and refused as too large.
    huge = {"token": token, "documents": [{"media_type": "image/png", "sealed": sealed(20_000)}]}
    r = api.post(path, json=huge)
    helpers.refused(r, 413, "documents_too_large")
    # Its unread rest makes the connection unusable: the refusal says so, and the same session's
    # next request goes out on a fresh connection (it used to hit the dropped socket).
    assert r.headers.get("connection", "").lower() == "close"
    helpers.refused(api.post(path, json={"token": "x" * 22, "documents": [{"media_type": "image/png", "sealed": one}]}),
                    409, "documents_token_refused")
    docs = [{"media_type": "image/jpeg", "sealed": one}, {"media_type": "application/pdf", "sealed": sealed(900)}]
    r = api.post(path, json={"token": token, "documents": docs})
    assert r.status_code == 201 and r.json()["documents"] == 2, r.text
    assert one[:40] not in r.text
    helpers.refused(api.post(path, json={"token": token, "documents": docs}), 409, "documents_token_refused")
    view = api.admin(f"/api/admin/applications/{app_id}", method="GET").json()
    assert view["documents"] == 2
    assert "documents_token" not in api.get(f"/api/applications/{app_id}").text
    got = api.admin(f"/api/admin/applications/{app_id}/documents", method="GET").json()["documents"]
    assert [(d["seq"], d["media_type"], d["sealed"]) for d in got] == [(1, "image/jpeg", one), (2, "application/pdf", docs[1]["sealed"])]


def test_documents_are_deleted_the_configured_days_after_the_decision(small_limits):
    api = small_limits.api()
    assert api.admin("/api/admin/document-key", json=document_key_body()).status_code == 200
    r = api.submit(openssl_csr(email="purge@example.jp"), email="purge@example.jp")
    app_id = r.json()["id"]
    docs = [{"media_type": "image/png", "sealed": sealed(500)}]
    assert api.post(f"/api/applications/{app_id}/documents",
                    json={"token": r.json()["documents_token"], "documents": docs}).status_code == 201
    api.advance(10 * 86_400)
    api.tick()
    assert len(api.admin(f"/api/admin/applications/{app_id}/documents", method="GET").json()["documents"]) == 1, \
        "undecided and not expired: kept"
    r = api.admin(f"/api/admin/applications/{app_id}/reject", json={"reason": "other", "note": ""})
    assert r.status_code == 200, r.text
    assert api.admin(f"/api/admin/applications/{app_id}", method="GET").json()["documents_purge_at"] == api.now() + 3 * 86_400
    api.advance(3 * 86_400 - 60)
    assert api.tick()["documents_deleted"] == 0
    assert len(api.admin(f"/api/admin/applications/{app_id}/documents", method="GET").json()["documents"]) == 1
    api.advance(120)
    assert api.tick()["documents_deleted"] == 1
    assert api.admin(f"/api/admin/applications/{app_id}/documents", method="GET").json()["documents"] == []
    assert api.admin(f"/api/admin/applications/{app_id}", method="GET").json()["documents"] == 0
    import sqlite3
    db = sqlite3.connect(Path(small_limits.data_dir) / "inkan.sqlite3")
    try:
        assert db.execute("SELECT count(*) FROM documents WHERE application_id = ?", (app_id,)).fetchone()[0] == 0
    finally:
        db.close()
