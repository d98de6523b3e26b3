//! The built site, served with strict security headers.
//!
//! - CSP: `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data: blob:;
//!   object-src 'none'; base-uri 'none'; frame-ancestors <configured>`: the page runs only its
//!   own scripts and its own wasm (keys are made in the browser, so script injection is the
//!   threat that matters).
//! - `Cache-Control`: HTML, the web manifest and the service worker are `no-cache` (revalidated
//!   by ETag every time: a stale service worker would pin old code); file names with a content
//!   hash (`app.3f9a1c2e.js`) are immutable for a year; everything else `no-cache` too.

use std::path::{Component, Path, PathBuf};

use crate::config::Settings;

/// A static file answer.
pub struct SiteResponse {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body (empty for 304 and HEAD).
    pub body: Vec<u8>,
}

/// The static site.
pub struct Site {
    root: PathBuf,
}

/// The MIME type for a file name.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "pem" | "crt" => "application/x-pem-file",
        "ics" => "text/calendar; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn is_service_worker(name: &str) -> bool {
    matches!(name, "sw.js" | "service-worker.js" | "serviceworker.js")
}

/// Whether a file name carries a content hash: a segment of 8+ hex digits before the extension.
fn is_hashed(name: &str) -> bool {
    name.split('.').rev().skip(1).any(|part| part.len() >= 8 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Cache-Control` for a file.
pub fn cache_control(path: &Path) -> &'static str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if is_service_worker(name) || name.ends_with(".html") || name.ends_with(".webmanifest") {
        "no-cache"
    } else if is_hashed(name) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Files the embeddable widget loads from this origin: scripts, styles and the wasm.
fn is_widget_asset(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("js" | "mjs" | "css" | "wasm"))
}

/// The security headers on every page and file.
pub fn security_headers(settings: &Settings) -> Vec<(String, String)> {
    let mut headers = vec![
        (
            "content-security-policy".to_owned(),
            format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors {}",
                settings.frame_ancestors
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

impl Site {
    /// A site rooted at `root`.
    pub fn new(root: &Path) -> std::io::Result<Self> {
        Ok(Site { root: root.canonicalize()? })
    }

    /// Maps a URL path to a file under the root, refusing anything that could leave it.
    fn resolve(&self, url_path: &str) -> Option<PathBuf> {
        let relative = url_path.trim_start_matches('/');
        if relative.contains('\\') || relative.contains('\0') || relative.contains('%') {
            return None;
        }
        let relative = Path::new(relative);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        let mut path = self.root.join(relative);
        if path.is_dir() {
            path = path.join("index.html");
        }
        // Symlinks out of the root are not followed.
        let path = path.canonicalize().ok()?;
        (path.starts_with(&self.root) && path.is_file()).then_some(path)
    }

    /// Answers a GET or HEAD for a static file.
    pub fn serve(&self, url_path: &str, if_none_match: Option<&str>, head: bool, settings: &Settings) -> SiteResponse {
        let mut headers = security_headers(settings);
        let Some(path) = self.resolve(url_path) else {
            headers.push(("content-type".into(), "text/plain; charset=utf-8".into()));
            headers.push(("cache-control".into(), "no-store".into()));
            return SiteResponse { status: 404, headers, body: b"Not found\n".to_vec() };
        };
        let Ok(body) = std::fs::read(&path) else {
            return SiteResponse { status: 500, headers, body: Vec::new() };
        };
        use sha2::Digest as _;
        let etag = format!("\"{}\"", &crate::reminders::hex(&sha2::Sha256::digest(&body))[..32]);
        headers.push(("etag".into(), etag.clone()));
        headers.push(("cache-control".into(), cache_control(&path).into()));
        headers.push(("content-type".into(), mime_type(&path).into()));
        if is_widget_asset(&path) {
            // The <inkan-enroll> widget runs on issuers' pages: its modules, worker script and
            // wasm are fetched cross-origin (module scripts and workers always use CORS). They
            // are public and fetched without credentials, so any origin may read them.
            headers.push(("access-control-allow-origin".into(), "*".into()));
            headers.push(("cross-origin-resource-policy".into(), "cross-origin".into()));
        }
        if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
            return SiteResponse { status: 304, headers, body: Vec::new() };
        }
        SiteResponse { status: 200, headers, body: if head { Vec::new() } else { body } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_and_caching() {
        assert_eq!(mime_type(Path::new("inkan_bg.wasm")), "application/wasm");
        assert_eq!(mime_type(Path::new("manifest.webmanifest")), "application/manifest+json");
        assert_eq!(cache_control(Path::new("sw.js")), "no-cache");
        assert_eq!(cache_control(Path::new("app.3f9a1c2e.js")), "public, max-age=31536000, immutable");
        assert_eq!(cache_control(Path::new("index.html")), "no-cache");
        assert!(is_widget_asset(Path::new("pkg/inkan_bg.wasm")) && is_widget_asset(Path::new("widget.js")));
        assert!(!is_widget_asset(Path::new("index.html")));
    }

    #[test]
    fn paths_cannot_leave_the_root() {
        let dir = std::env::temp_dir().join(format!("inkan-site-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("index.html"), "<h1>inkan</h1>").expect("write");
        let site = Site::new(&dir).expect("site");
        let settings = Settings::default();
        assert_eq!(site.serve("/", None, false, &settings).status, 200);
        assert_eq!(site.serve("/../etc/passwd", None, false, &settings).status, 404);
        assert_eq!(site.serve("/%2e%2e/etc/passwd", None, false, &settings).status, 404);
        let first = site.serve("/index.html", None, false, &settings);
        let etag = first.headers.iter().find(|(k, _)| k == "etag").map(|(_, v)| v.clone()).expect("etag");
        assert_eq!(site.serve("/index.html", Some(&etag), false, &settings).status, 304);
        std::fs::remove_dir_all(&dir).ok();
    }
}
