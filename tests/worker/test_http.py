"""HTTP surface: CORS for the widget origins, security headers and MIME types on the site."""

import pytest

import helpers
from conftest import native_only


def test_cors_preflight_from_a_widget_origin(api):
    r = api.options("/api/applications", headers={"Origin": helpers.WIDGET_ORIGIN,
                                                  "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204, r.text
    assert r.headers["Access-Control-Allow-Origin"] == helpers.WIDGET_ORIGIN
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    r = api.post("/api/applications", json=helpers.application(helpers.openssl_csr()),
                 headers={"Origin": helpers.WIDGET_ORIGIN})
    assert r.status_code == 201
    assert r.headers["Access-Control-Allow-Origin"] == helpers.WIDGET_ORIGIN
    assert "Origin" in r.headers["Vary"]


def test_cors_refuses_other_origins_and_the_admin_api(api):
    r = api.options("/api/applications", headers={"Origin": "https://evil.example",
                                                  "Access-Control-Request-Method": "POST"})
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers
    r = api.options("/api/admin/tick", headers={"Origin": helpers.WIDGET_ORIGIN,
                                                "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = api.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_security_headers_on_the_site(target):
    native_only(target)
    api = target.api()
    r = api.get("/")
    assert r.status_code == 200 and "印鑑" in r.text
    csp = r.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'",
                 "object-src 'none'", "base-uri 'none'", "frame-ancestors 'self'"):
        assert part in csp, csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in r.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in r.headers, "HSTS only when served over TLS"
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path, mime, cache", [
    ("/inkan_bg.wasm", "application/wasm", "no-cache"),
    ("/manifest.webmanifest", "application/manifest+json", "no-cache"),
    ("/sw.js", "text/javascript; charset=utf-8", "no-cache"),
    ("/app.3f9a1c2e.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
])
def test_mime_types_and_caching(target, path, mime, cache):
    native_only(target)
    r = target.api().get(path)
    assert r.status_code == 200
    assert (r.headers["Content-Type"], r.headers["Cache-Control"]) == (mime, cache)
    again = target.api().get(path, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_no_path_traversal_and_no_listing(target):
    native_only(target)
    api = target.api()
    assert api.get("/../../etc/passwd").status_code == 404
    assert api.get("/nope.txt").status_code == 404
    assert api.post("/").status_code == 405


def test_hsts_and_frame_ancestors_are_configurable(target, tmp_path):
    native_only(target)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html>")
    server = helpers.NativeServer(str(tmp_path / "data"), {
        "INKAN_SITE_DIR": str(site), "INKAN_HSTS": "1", "INKAN_FRAME_ANCESTORS": "https://portal.example.jp"}).start()
    try:
        r = server.api().get("/")
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "frame-ancestors https://portal.example.jp" in r.headers["Content-Security-Policy"]
    finally:
        server.stop()


def header_policy(r):
    """The policy both adapters send with every page (worker/core/src/site.rs)."""
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in r.headers["Permissions-Policy"]
    csp = r.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'",
                 "object-src 'none'", "base-uri 'none'"):
        assert part in csp, csp
    return csp


def test_embed_pages_may_be_framed_only_by_the_embed_origins(target):
    """Native and Workers serve the site and the widget's frames with one header policy:
    `/embed/*` may be framed by INKAN_EMBED_ORIGINS, the rest of the site by `'self'` only."""
    if target.name == "external":
        pytest.skip("needs the suite's site and settings")
    api = target.api()
    r = api.get("/embed/enroll")
    assert r.status_code == 200, (r.status_code, r.text[:200])
    assert "text/html" in r.headers["Content-Type"]
    csp = header_policy(r)
    assert csp.endswith("frame-ancestors 'self' " + " ".join(helpers.EMBED_ORIGINS)), csp
    assert r.headers["Cache-Control"] == "no-cache"
    site = api.get("/")
    assert site.status_code == 200 and "印鑑" in site.text
    assert header_policy(site).endswith("frame-ancestors 'self'")
    assert not any(o in site.headers["Content-Security-Policy"] for o in helpers.EMBED_ORIGINS)
    # widget.js is a module script on issuers' pages: a CORS fetch.
    widget = api.get("/widget.js")
    assert widget.status_code == 200 and widget.headers["Access-Control-Allow-Origin"] == "*"
    header_policy(widget)
    # A missing file: still the policy, never cached.
    missing = api.get("/embed/nope")
    assert missing.status_code == 404
    assert header_policy(missing).endswith("frame-ancestors 'self' " + " ".join(helpers.EMBED_ORIGINS))
    # The frames' postMessage allow-list is the same list.
    assert api.get("/api/embed").json() == {"origins": helpers.EMBED_ORIGINS}


def test_embed_origins_must_be_plain_origins(target, tmp_path):
    native_only(target)
    for bad in ("https://issuer.example/path", "*", "https://a.example; script-src *", "issuer.example"):
        server = helpers.NativeServer(str(tmp_path / "data"), {"INKAN_EMBED_ORIGINS": bad})
        with pytest.raises(AssertionError):
            server.start()
        server.stop()
        assert "embed_origins" in server.logs(), server.logs()[-500:]
