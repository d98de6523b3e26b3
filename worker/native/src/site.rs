//! The built site from `site_dir`, with the headers of [`inkan_worker_core::file_headers`] (the policy the Workers
//! build applies to the same files served as static assets).

use std::path::{Component, Path, PathBuf};

use inkan_worker_core::Settings;
pub use inkan_worker_core::security_headers;

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
        } else if path.extension().is_none() && !path.exists() {
            // `/embed/enroll` is `embed/enroll.html`, as Workers static assets serve it.
            path.set_extension("html");
        }
        // Symlinks out of the root are not followed.
        let path = path.canonicalize().ok()?;
        (path.starts_with(&self.root) && path.is_file()).then_some(path)
    }

    /// Answers a GET or HEAD for a static file.
    pub fn serve(&self, url_path: &str, if_none_match: Option<&str>, head: bool, settings: &Settings) -> SiteResponse {
        let mut headers = security_headers(settings, url_path);
        let Some(path) = self.resolve(url_path) else {
            headers.push(("content-type".into(), "text/plain; charset=utf-8".into()));
            headers.push(("cache-control".into(), "no-store".into()));
            return SiteResponse { status: 404, headers, body: b"Not found\n".to_vec() };
        };
        let Ok(body) = std::fs::read(&path) else {
            return SiteResponse { status: 500, headers, body: Vec::new() };
        };
        use sha2::Digest as _;
        let etag = format!("\"{}\"", &inkan_worker_core::hex(&sha2::Sha256::digest(&body))[..32]);
        let served = path.strip_prefix(&self.root).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let mut headers = inkan_worker_core::file_headers(settings, &format!("/{served}"));
        headers.push(("etag".into(), etag.clone()));
        headers.push(("content-type".into(), mime_type(&path).into()));
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
