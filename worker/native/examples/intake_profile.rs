//! Where an intake's CPU goes, stage by stage, on one thread:
//!
//! ```sh
//! cargo run --release -p inkan-worker --example intake_profile [-- N]
//! ```
//!
//! Builds N CSRs (RSA 2048 and P-256, a few keys each, distinct e-mail addresses so every CSR is
//! a new application), then times JSON parsing, CSR parsing with the signature check, the key
//! checks, the whole `intake::check`, the verifier's SHA-256 and PHC string, the application's
//! JSON, and durable inserts into SQLite (WAL, `synchronous=FULL`), one at a time (one fsync
//! each) and from 4 and 16 threads (group commit: concurrent inserts share an fsync).
//! Prints microseconds per request for each stage.

use std::time::Instant;

use inkan::{CsrOptions, KeyAlgorithm, PrivateKey, Subject, build_csr};
use inkan_worker::SqliteStore;
use inkan_worker_core::Store as _;
use inkan_worker_core::{Application, ClientVerifier, VerifierBody};

/// Wakes a parked thread (the store answers inserts from its writer thread).
struct Unpark(std::thread::Thread);

impl std::task::Wake for Unpark {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.unpark();
    }
}

fn block_on<F: core::future::Future>(future: F) -> F::Output {
    use core::task::{Context, Poll};
    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut future = core::pin::pin!(future);
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

fn per_request(label: &str, n: usize, f: impl FnMut(usize)) {
    let mut f = f;
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("{label:<44} {micros:>9.1} µs");
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    for algorithm in [KeyAlgorithm::Rsa2048, KeyAlgorithm::P256] {
        println!("== {algorithm:?}, {n} CSRs");
        let keys: Vec<PrivateKey> =
            (0..4).map(|_| PrivateKey::generate(algorithm, &mut inkan::os_rng()).expect("key")).collect();
        let bodies: Vec<Vec<u8>> = (0..n)
            .map(|i| {
                let email = format!("load{i}@example.jp");
                let subject =
                    Subject { common_name: "Yamada Taro".into(), email: Some(email.clone()), ..Subject::default() };
                let csr = build_csr(&keys[i % keys.len()], &subject, &CsrOptions::default()).expect("csr").pem;
                serde_json::to_vec(&serde_json::json!({
                    "product": "sign123", "csr": csr,
                    "applicant": {"name": "山田 太郎", "common_name": "Yamada Taro", "email": email, "organisation": "山田法律事務所"},
                    "download_password_verifier": {"salt": "AAECAwQFBgcICQoLDA0ODw==", "iterations": 600_000,
                        "hash": "SHA-256", "derived": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},
                }))
                .expect("json")
            })
            .collect();
        let csrs: Vec<String> = bodies
            .iter()
            .map(|b| serde_json::from_slice::<serde_json::Value>(b).expect("json")["csr"].as_str().expect("csr").into())
            .collect();

        let spkis: Vec<Vec<u8>> = csrs.iter().map(|c| inkan::parse_csr(c.as_bytes()).expect("csr").spki_der).collect();
        per_request("JSON body -> serde_json::Value", n, |i| {
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&bodies[i]).expect("json"));
        });
        per_request("parse_csr, core verify (rsa/p256 crates)", n, |i| {
            std::hint::black_box(inkan::parse_csr(csrs[i].as_bytes()).expect("csr"));
        });
        per_request("parse_csr, intake's verify (ring first)", n, |i| {
            std::hint::black_box(inkan_worker_core::parse_csr_fast(csrs[i].as_bytes()).expect("csr"));
        });
        per_request("PublicKey::from_spki_der", n, |i| {
            std::hint::black_box(inkan::PublicKey::from_spki_der(&spkis[i]).expect("key"));
        });
        let keys: Vec<_> = spkis.iter().map(|d| inkan::PublicKey::from_spki_der(d).expect("key")).collect();
        per_request("keycheck::check_public_key", n, |i| {
            inkan_worker_core::check_public_key(&keys[i]).expect("sound key");
        });
        if let inkan::PublicKey::Rsa(k) = &keys[0] {
            use rsa::traits::PublicKeyParts as _;
            let (modulus, e) = (k.n_bytes(), k.e_bytes());
            per_request("  small_factor (1,229 primes)", n, |_| {
                std::hint::black_box(inkan_worker_core::small_factor(&modulus));
            });
            per_request("  has_roca_fingerprint", n, |_| {
                std::hint::black_box(inkan_worker_core::has_roca_fingerprint(&modulus));
            });
            let big = num_bigint::BigUint::from_bytes_be(&modulus);
            per_request("  fermat_factor (1,000 steps)", n, |_| {
                std::hint::black_box(inkan_worker_core::fermat_factor(&big, inkan_worker_core::FERMAT_STEPS));
            });
            per_request("  check_rsa (all)", n, |_| {
                inkan_worker_core::check_rsa(&modulus, &e).expect("sound");
            });
        }
        let mut checked = Vec::with_capacity(n);
        per_request("intake::check (all of the above + e-mail)", n, |i| {
            checked.push(inkan_worker_core::check_intake(&bodies[i]).expect("valid"));
        });
        let verifier = VerifierBody {
            salt: "AAECAwQFBgcICQoLDA0ODw==".into(),
            iterations: 600_000,
            hash: "SHA-256".into(),
            derived: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into(),
        };
        per_request("verifier check + SHA-256 + PHC string", n, |_| {
            std::hint::black_box(ClientVerifier::check(&verifier).expect("ok").to_stored());
        });
        let apps: Vec<Application> = checked
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let hash = ClientVerifier::check(&verifier).expect("ok").to_stored();
                c.into_application(inkan_worker_core::Admission {
                    id: format!("profile-{i:06}-{:?}", algorithm),
                    password_hash: hash,
                    now: 0,
                    undecided_until: 90 * 86_400,
                })
            })
            .collect();
        per_request("application -> JSON (stored body)", n, |i| {
            std::hint::black_box(serde_json::to_string(&apps[i]).expect("json"));
        });
        let dir = std::env::temp_dir().join(format!("inkan-profile-{}-{algorithm:?}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let store = SqliteStore::open(&dir.join("inkan.sqlite3")).expect("store");
        let half = n / 2;
        per_request("SQLite insert, one at a time (FULL)", half, |i| {
            block_on(store.insert_application(&apps[i])).expect("insert");
        });
        for threads in [4usize, 16] {
            let rest = &apps[half..];
            let start = Instant::now();
            std::thread::scope(|scope| {
                for t in 0..threads {
                    let store = &store;
                    scope.spawn(move || {
                        for app in rest.iter().skip(t).step_by(threads) {
                            let mut app = app.clone();
                            app.id = format!("{}-{threads}", app.id);
                            app.fingerprint = format!("{}-{threads}", app.fingerprint);
                            block_on(store.insert_application(&app)).expect("insert");
                        }
                    });
                }
            });
            let micros = start.elapsed().as_secs_f64() * 1e6 / rest.len() as f64;
            println!("{:<44} {micros:>9.1} µs", format!("SQLite insert, {threads} concurrent (group commit)"));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
