//! The load client behind `tests/worker/load.py`: sends prepared request bodies to a worker on
//! this machine over keep-alive HTTP/1.1 connections and prints what it measured as one JSON
//! line.
//!
//! ```sh
//! cargo run --release -p inkan-worker --example load -- \
//!     --url http://127.0.0.1:8787 --bodies BODIES.jsonl [-c 32] [--path /api/applications] [--max-seconds 60]
//! ```
//!
//! Why not Python: `http.client` spent 140–220 µs of CPU per request, on the same two cores as
//! the server, so it measured the client. This one runs on one thread (tokio's current-thread
//! runtime), writes each request as one `write` and reads the answer into a reused buffer:
//! ~20 µs of CPU per request here, kernel TCP included. It is bounded twice: it sends each body
//! once (`BODIES.jsonl` holds one JSON body a line) and stops at `--max-seconds` whatever is left.
//!
//! Output: `{"ok", "errors", "first_errors", "wall_seconds", "requests_per_second", "p50_ms",
//! "p90_ms", "p99_ms", "max_ms", "mean_ms", "client_cpu_seconds"}`.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

struct Options {
    host: String,
    port: u16,
    path: String,
    bodies: String,
    connections: usize,
    max_seconds: u64,
}

fn usage() -> ! {
    eprintln!("usage: load --url http://127.0.0.1:PORT --bodies FILE [-c N] [--path P] [--max-seconds S]");
    std::process::exit(2)
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let (mut url, mut bodies, mut connections, mut path, mut max_seconds) =
        (None, None, 32usize, "/api/applications".to_owned(), 60u64);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--url" => url = Some(value()),
            "--bodies" => bodies = Some(value()),
            "-c" => connections = value().parse().unwrap_or_else(|_| usage()),
            "--path" => path = value(),
            "--max-seconds" => max_seconds = value().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    let url = url.unwrap_or_else(|| usage());
    let authority = url.strip_prefix("http://").unwrap_or_else(|| usage()).trim_end_matches('/');
    let (host, port) = authority.rsplit_once(':').unwrap_or_else(|| usage());
    // A load run targets this machine only (loopback), never another address.
    if !(host.starts_with("127.") || host == "localhost") {
        eprintln!("load: only 127.0.0.0/8 or localhost may be loaded, not {host}");
        std::process::exit(2);
    }
    Options {
        host: host.to_owned(),
        port: port.parse().unwrap_or_else(|_| usage()),
        path,
        bodies: bodies.unwrap_or_else(|| usage()),
        connections: connections.clamp(1, 256),
        max_seconds,
    }
}

/// One complete request, as it goes on the wire.
fn request(options: &Options, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "POST {} HTTP/1.1\r\nhost: {}:{}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        options.path,
        options.host,
        options.port,
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Reads one HTTP/1.1 response (status line, headers, a `content-length` body) from `stream`,
/// keeping bytes that arrive early in `buffer`. Returns the status and the body.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<(u16, Vec<u8>)> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end]).map_err(|_| bad("non-UTF-8 head"))?;
            let status: u16 =
                head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad("no status line"))?;
            let length: usize = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse().ok())
                .ok_or_else(|| bad("no content-length"))?;
            let total = end + 4 + length;
            while buffer.len() < total {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(bad("connection closed inside a body"));
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = buffer[end + 4..total].to_vec();
            buffer.drain(..total);
            return Ok((status, body));
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(bad("connection closed before an answer"));
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: usize,
    first_errors: Vec<String>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.first_errors.len() < 3 {
            self.first_errors.push(what);
        }
    }
}

/// One connection: sends its share of the requests one after another.
async fn connection(options: &Options, requests: Vec<Vec<u8>>, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut stream = match TcpStream::connect((options.host.as_str(), options.port)).await {
        Ok(stream) => stream,
        Err(e) => {
            tally.error(format!("connect: {e}"));
            return tally;
        }
    };
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(16 * 1024);
    for request in requests {
        if Instant::now() > deadline {
            break;
        }
        let start = Instant::now();
        if let Err(e) = stream.write_all(&request).await {
            tally.error(format!("write: {e}"));
            break;
        }
        match read_response(&mut stream, &mut buffer).await {
            Ok((200 | 201, _)) => tally.latencies.push(start.elapsed()),
            Ok((status, body)) => {
                tally.error(format!("{status} {}", String::from_utf8_lossy(&body[..body.len().min(200)])))
            }
            Err(e) => {
                tally.error(format!("read: {e}"));
                break;
            }
        }
    }
    tally
}

/// This process's user + system CPU seconds (Linux `/proc/self/stat`, clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let options = options();
    let text = std::fs::read_to_string(&options.bodies).unwrap_or_else(|e| {
        eprintln!("load: cannot read {}: {e}", options.bodies);
        std::process::exit(2)
    });
    let bodies: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    // Body i goes to connection i mod c, so every connection sends a similar mix.
    let mut shares: Vec<Vec<Vec<u8>>> = vec![Vec::new(); options.connections];
    for (i, body) in bodies.iter().enumerate() {
        shares[i % options.connections].push(request(&options, body.as_bytes()));
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| {
        eprintln!("load: no runtime: {e}");
        std::process::exit(2)
    });
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(options.max_seconds);
    let options = std::sync::Arc::new(options);
    let tallies = runtime.block_on(async {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let options = options.clone();
                tokio::spawn(async move { connection(&options, share, deadline).await })
            })
            .collect();
        let mut tallies = Vec::new();
        for handle in handles {
            tallies.push(handle.await.unwrap_or_default());
        }
        tallies
    });
    let wall = start.elapsed();
    let client_cpu = match (cpu_before, cpu_seconds()) {
        (Some(before), Some(after)) => Some(after - before),
        _ => None,
    };
    let mut all = Tally::default();
    for tally in tallies {
        all.latencies.extend(tally.latencies);
        all.errors += tally.errors;
        for e in tally.first_errors {
            if all.first_errors.len() < 3 {
                all.first_errors.push(e);
            }
        }
    }
    all.latencies.sort();
    let quantile = |q: f64| {
        let n = all.latencies.len();
        if n == 0 { 0.0 } else { millis(all.latencies[((q * n as f64) as usize).min(n - 1)]) }
    };
    let ok = all.latencies.len();
    let mean = if ok == 0 { 0.0 } else { all.latencies.iter().map(|d| millis(*d)).sum::<f64>() / ok as f64 };
    let report = serde_json::json!({
        "ok": ok,
        "errors": all.errors,
        "first_errors": all.first_errors,
        "wall_seconds": wall.as_secs_f64(),
        "requests_per_second": ok as f64 / wall.as_secs_f64(),
        "p50_ms": quantile(0.50),
        "p90_ms": quantile(0.90),
        "p99_ms": quantile(0.99),
        "max_ms": all.latencies.last().map_or(0.0, |d| millis(*d)),
        "mean_ms": mean,
        "client_cpu_seconds": client_cpu,
    });
    println!("{report}");
}
