//! The one header policy for the static site and the widget's embed pages, used by both
//! adapters: the native server reads files from `site_dir`, the Workers build serves the same
//! files as static assets, and both send exactly these headers.
//!
//! - CSP: `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data: blob:;
//!   object-src 'none'; base-uri 'none'; frame-ancestors …`: the page runs only its own scripts
//!   and its own wasm (keys are made in the browser, so script injection is the threat that
//!   matters). `frame-ancestors` is `frame_ancestors` for the site, and for the embed pages
//!   (`/embed/*`) `'self'` plus the configured `embed_origins`: only the issuers' pages may
//!   frame the widget, so no other page can overlay or drive it.
//! - `Cache-Control`: HTML, the web manifest and the service worker are `no-cache` (revalidated
//!   by ETag every time: a stale service worker would pin old code); file names with a content
//!   hash (`app.3f9a1c2e.js`) are immutable for a year; everything else `no-cache` too.

use crate::config::Settings;

/// Where the widget's frames live; each page is `/embed/<element>` (`enroll`, `receive`, `expiry`).
pub const EMBED_PREFIX: &str = "/embed/";

fn file_name(url_path: &str) -> &str {
    url_path.rsplit('/').next().unwrap_or("")
}

fn is_service_worker(name: &str) -> bool {
    matches!(name, "sw.js" | "service-worker.js" | "serviceworker.js")
}

/// Whether a file name carries a content hash: a segment of 8+ hex digits before the extension.
fn is_hashed(name: &str) -> bool {
    name.split('.').rev().skip(1).any(|part| part.len() >= 8 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Cache-Control` for a file (by its URL path or file name).
pub fn cache_control(url_path: &str) -> &'static str {
    let name = file_name(url_path);
    if is_service_worker(name) || name.ends_with(".html") || name.ends_with(".webmanifest") {
        "no-cache"
    } else if is_hashed(name) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Files an issuer's page loads from this origin: `widget.js` is a module script (always a CORS
/// fetch); the other scripts, styles and wasm are for issuers who self-host the npm package's
/// copy and compare it with ours.
pub fn is_widget_asset(url_path: &str) -> bool {
    let name = file_name(url_path);
    matches!(name.rsplit_once('.').map(|(_, ext)| ext), Some("js" | "mjs" | "css" | "wasm"))
}

/// Whether a path is one of the widget's embed pages (or below them).
pub fn is_embed_page(url_path: &str) -> bool {
    url_path.starts_with(EMBED_PREFIX)
}

/// The `frame-ancestors` sources for a path.
pub fn frame_ancestors(settings: &Settings, url_path: &str) -> String {
    if is_embed_page(url_path) {
        std::iter::once("'self'").chain(settings.embed_origins.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
    } else {
        settings.frame_ancestors.clone()
    }
}

/// The security headers on every page and file (and on 404s and 405s of the site).
pub fn security_headers(settings: &Settings, url_path: &str) -> Vec<(String, String)> {
    let mut headers = vec![
        (
            "content-security-policy".to_owned(),
            format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors {}",
                frame_ancestors(settings, url_path)
            ),
        ),
        ("x-content-type-options".to_owned(), "nosniff".to_owned()),
        ("referrer-policy".to_owned(), "no-referrer".to_owned()),
        (
            "permissions-policy".to_owned(),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()"
                .to_owned(),
        ),
        ("cross-origin-opener-policy".to_owned(), "same-origin".to_owned()),
    ];
    if settings.hsts {
        headers.push(("strict-transport-security".to_owned(), "max-age=63072000; includeSubDomains".to_owned()));
    }
    headers
}

/// Every header a found file gets besides its content type and ETag: the security headers,
/// its caching, and CORS for the widget's files.
pub fn file_headers(settings: &Settings, url_path: &str) -> Vec<(String, String)> {
    let mut headers = security_headers(settings, url_path);
    headers.push(("cache-control".into(), cache_control(url_path).into()));
    if is_widget_asset(url_path) {
        // widget.js runs on issuers' pages: a module script is fetched with CORS. It is public
        // and fetched without credentials, so any origin may read it.
        headers.push(("access-control-allow-origin".into(), "*".into()));
        headers.push(("cross-origin-resource-policy".into(), "cross-origin".into()));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caching_and_cors() {
        assert_eq!(cache_control("/sw.js"), "no-cache");
        assert_eq!(cache_control("/app.3f9a1c2e.js"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("/index.html"), "no-cache");
        assert!(is_widget_asset("/pkg/inkan_bg.wasm") && is_widget_asset("/widget.js"));
        assert!(!is_widget_asset("/index.html") && !is_widget_asset("/embed/enroll"));
    }

    #[test]
    fn embed_pages_may_be_framed_only_by_embed_origins() {
        let settings = Settings {
            embed_origins: vec!["https://issuer.example".into(), "https://b.example:8443".into()],
            ..Settings::default()
        };
        let csp = |path: &str| {
            security_headers(&settings, path).into_iter().find(|(k, _)| k == "content-security-policy").map(|(_, v)| v)
        };
        let embed = csp("/embed/enroll").unwrap_or_default();
        assert!(embed.ends_with("frame-ancestors 'self' https://issuer.example https://b.example:8443"), "{embed}");
        let site = csp("/index.html").unwrap_or_default();
        assert!(site.ends_with("frame-ancestors 'self'"), "{site}");
        // Without embed origins only the Inkan origin itself may frame the widget.
        assert!(security_headers(&Settings::default(), "/embed/receive")[0].1.ends_with("frame-ancestors 'self'"));
    }
}
