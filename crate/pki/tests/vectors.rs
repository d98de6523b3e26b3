//! The interop `.p12` vectors (`tests/interop/fixtures/manifest.json`, made by OpenSSL, keytool,
//! NSS and pyca through `fixtures/gen.sh`) opened by the core itself, so `cargo test` sees a
//! regression without the Python suites. The Python suites run the same manifest against the
//! CLI and the real readers; this is the core's half: one loop, expectations from the manifest,
//! and an exceptions list where the core is meant to differ, each with its reason.

use std::path::{Path, PathBuf};

use inkan_i18n::Localized as _;
use inkan_pki::Password;
use serde_json::Value;

/// Vectors whose outcome in the core is knowingly different from the manifest's, with why.
/// (None today: the CLI adds nothing to `pkcs12::open` but reading the password file.)
const EXCEPTIONS: &[(&str, &str)] = &[];

/// What opening one vector did.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The file opened.
    Opened,
    /// It was refused with this stable code.
    Refused(String),
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/fixtures")
}

/// The password as the CLI reads a password file: UTF-8, one trailing newline removed.
fn password(path: &Path) -> Password {
    let mut text = String::from_utf8(std::fs::read(path).expect("password file")).expect("UTF-8 password");
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Password::new(text)
}

/// The differences between what the core did with `vector` and what the manifest expects.
fn check(vector: &Value) -> Vec<String> {
    let base = fixtures();
    let file = vector["file"].as_str().expect("file");
    let bytes = std::fs::read(base.join(file)).expect("vector file");
    let password = password(&base.join(vector["password_file"].as_str().expect("password_file")));
    let expect = vector["expect"].as_str().expect("expect");
    let opened = inkan_pki::open_pkcs12(&bytes, &password);
    let outcome = match &opened {
        Ok(_) => Outcome::Opened,
        Err(e) => Outcome::Refused(e.code().to_owned()),
    };
    let wanted = match expect.strip_prefix("error:") {
        Some(code) => Outcome::Refused(code.to_owned()),
        None => Outcome::Opened,
    };
    let head = format!("{file} ({}): ", vector["password_file"].as_str().unwrap_or(""));
    if outcome != wanted {
        let what = match (&wanted, &outcome) {
            (Outcome::Refused(_), Outcome::Opened) => "unexpected success",
            (Outcome::Opened, Outcome::Refused(_)) => "unexpected failure",
            _ => "another error",
        };
        return vec![format!("{head}{what}: expected {wanted:?}, got {outcome:?}")];
    }
    let mut problems = Vec::new();
    let opened = match opened {
        Ok(opened) => opened,
        Err(e) => {
            // The message names what the manifest says it must name, in both languages.
            let message = e.message();
            let mentions: Vec<String> = vector["error_mentions"]
                .as_str()
                .unwrap_or("")
                .split('|')
                .filter(|a| !a.is_empty())
                .map(str::to_lowercase)
                .collect();
            for (language, text) in [("ja", &message.ja), ("en", &message.en)] {
                let text = text.to_lowercase();
                if !mentions.is_empty() && !mentions.iter().any(|m| text.contains(m)) {
                    problems.push(format!("{head}the {language} message names none of {mentions:?}: {text}"));
                }
                if let Some(bad) = vector["error_not_mentions"].as_str()
                    && text.contains(&bad.to_lowercase())
                {
                    problems.push(format!("{head}the {language} message mentions {bad:?}: {text}"));
                }
            }
            return problems;
        }
    };
    let report = serde_json::to_value(opened.report()).expect("report");
    match (&vector["key"], &report["key"]) {
        (Value::Null, Value::Null) => {}
        (want, got) if !want.is_null() && !got.is_null() => {
            if (&want["algorithm"], &want["bits"]) != (&got["algorithm"], &got["bits"]) {
                problems.push(format!("{head}key: expected {want}, got {got}"));
            }
            if vector["certificates"].as_u64().unwrap_or(0) > 0 && got["matches_certificate"] != true {
                problems.push(format!("{head}the key should match the leaf"));
            }
        }
        (want, got) => problems.push(format!("{head}key: expected {want}, got {got}")),
    }
    let certificates = report["certificates"].as_array().expect("certificates");
    if Some(certificates.len() as u64) != vector["certificates"].as_u64() {
        problems.push(format!("{head}expected {} certificates, got {}", vector["certificates"], certificates.len()));
    }
    if let (Some(cn), Some(first)) = (vector["leaf_cn"].as_str(), certificates.first())
        && first["subject_cn"] != cn
    {
        problems.push(format!("{head}first certificate CN: expected {cn:?}, got {}", first["subject_cn"]));
    }
    if let Some(roles) = vector["roles"].as_array() {
        let got: Vec<&Value> = certificates.iter().map(|c| &c["role"]).collect();
        if got != roles.iter().collect::<Vec<_>>() {
            problems.push(format!("{head}roles: expected {roles:?}, got {got:?}"));
        }
    }
    for field in ["certificates", "key", "mac", "iterations", "mac_iterations"] {
        let want = &vector["encryption"][field];
        if !want.is_null() && &report["encryption"][field] != want {
            problems.push(format!("{head}encryption.{field}: expected {want}, got {}", report["encryption"][field]));
        }
    }
    let findings: Vec<&str> =
        report["findings"].as_array().expect("findings").iter().filter_map(|f| f["code"].as_str()).collect();
    for code in vector["findings"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if !findings.contains(&code) {
            problems.push(format!("{head}expected finding {code:?}, got {findings:?}"));
        }
    }
    if let Some(severities) = vector["finding_severity"].as_object() {
        for (code, severity) in severities {
            let got = report["findings"].as_array().into_iter().flatten().find(|f| f["code"] == code.as_str());
            if let Some(got) = got
                && &got["severity"] != severity
            {
                problems.push(format!("{head}finding {code}: expected severity {severity}, got {}", got["severity"]));
            }
        }
    }
    problems
}

#[test]
fn the_core_opens_every_interop_vector_as_the_manifest_expects() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("manifest.json")).expect("manifest")).expect("JSON");
    let vectors = manifest["vectors"].as_array().expect("vectors");
    assert!(vectors.len() >= 60, "the manifest lists {} vectors: is it the right file?", vectors.len());
    let name =
        |v: &Value| format!("{}|{}", v["file"].as_str().unwrap_or(""), v["password_file"].as_str().unwrap_or(""));
    for (exception, why) in EXCEPTIONS {
        assert!(!why.is_empty(), "{exception}: an exception needs its reason");
        assert!(vectors.iter().any(|v| &name(v) == exception), "stale exception {exception}: no such vector");
    }
    // The 600,000-iteration vectors dominate: check them on every core.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let found: Vec<Vec<String>> = std::thread::scope(|scope| {
        let chunks: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || vectors.iter().skip(t).step_by(threads).map(|v| (v, check(v))).collect::<Vec<_>>())
            })
            .collect();
        let mut all: Vec<_> = chunks.into_iter().flat_map(|c| c.join().expect("a check panicked")).collect();
        all.sort_by_key(|(v, _)| vectors.iter().position(|w| std::ptr::eq(*v, w)));
        all.into_iter().map(|(_, found)| found).collect()
    });
    let mut problems = Vec::new();
    let mut excepted = 0;
    for (vector, found) in vectors.iter().zip(found) {
        if EXCEPTIONS.iter().any(|(e, _)| *e == name(vector)) {
            assert!(!found.is_empty(), "{}: listed as an exception but now agrees; remove it", name(vector));
            excepted += 1;
        } else {
            problems.extend(found);
        }
    }
    assert!(problems.is_empty(), "{} of {} vectors disagree:\n{}", problems.len(), vectors.len(), problems.join("\n"));
    eprintln!("{} vectors agree with the manifest, {excepted} known exceptions", vectors.len() - excepted);
}
