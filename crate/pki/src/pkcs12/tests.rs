//! Round trips, limits and error codes of building and opening `.p12` files.

use der::Encode as _;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::keys::KeyAlgorithm;
use crate::keys::{KeyType, PrivateKey};
use crate::limits::{MAX_INPUT_BYTES, MAX_KDF_WORK, MAX_WRITE_ITERATIONS};
use crate::password::Password;
use crate::pbe::{Hash, SchemeKind};
use crate::test_support::{rng, self_signed, test};
use inkan_i18n::Localized;

use super::report::{BagAttributes, Scheme};
use super::*;

fn fixture(alg: KeyAlgorithm) -> (PrivateKey, Certificate, Vec<Certificate>) {
    let ca_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("ca key");
    let ca = self_signed(&ca_key, "Inkan Test Root CA", None);
    let key = PrivateKey::generate(alg, &mut rng()).expect("key");
    let leaf = self_signed(&key, "山田 太郎", Some((&ca_key, &ca)));
    (key, leaf, vec![ca])
}

#[test]
fn both_profiles_round_trip_with_japanese_ascii_and_empty_passwords() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    for profile in [Pkcs12Profile::Modern, Pkcs12Profile::Legacy] {
        for pw in ["correct horse", "秘密のパスワード", ""] {
            let password = Password::new(pw);
            let opts = BuildOptions { profile, iterations: Some(1000), friendly_name: None };
            let built = build(&key, &leaf, &chain, &password, &opts, &mut rng()).expect("build");
            let opened = open(&built.der, &password).expect("open");
            assert!(opened.key_matches_certificate());
            assert_eq!(opened.certificates.len(), 2);
            assert_eq!(opened.certificates[0].role, Role::Leaf);
            assert_eq!(opened.certificates[1].role, Role::Root);
            assert_eq!(opened.certificates[0].attributes.friendly_name.as_deref(), Some("山田 太郎"));
            assert!(opened.certificates[0].attributes.local_key_id.is_some());
            assert_eq!(opened.certificates[1].attributes, BagAttributes::default());
            assert_eq!(opened.key_attributes.local_key_id, opened.certificates[0].attributes.local_key_id);
            let expected_scheme = match profile {
                Pkcs12Profile::Modern => "pbes2-pbkdf2-hmac-sha256-aes-256-cbc",
                Pkcs12Profile::Legacy => "pbe-sha1-3des",
            };
            assert_eq!(opened.encryption.certificates.to_string(), expected_scheme);
            assert_eq!(opened.encryption.key.to_string(), expected_scheme);
            assert_eq!(opened.encryption.iterations, 1000);
            assert_eq!(opened.encryption.mac_iterations, 1000);
            assert_eq!(opened.has_finding("legacy_encryption"), profile == Pkcs12Profile::Legacy);
            assert_eq!(opened.has_finding("non_ascii_password"), pw == "秘密のパスワード");
            let err = open(&built.der, &Password::new("wrong")).expect_err("wrong password");
            assert_eq!(err, Pkcs12Error::WrongPassword);
        }
    }
}

#[test]
fn a_key_that_is_not_the_leafs_is_refused() {
    let (_, leaf, chain) = fixture(KeyAlgorithm::P256);
    let other = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("key");
    let err = build(&other, &leaf, &chain, &Password::new("x"), &BuildOptions::new(Pkcs12Profile::Legacy), &mut rng())
        .expect_err("mismatch");
    assert_eq!(err.code(), "key_certificate_mismatch");
}

#[test]
fn the_chain_is_put_leaf_first_whatever_order_it_came_in() {
    let root_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
    let root = self_signed(&root_key, "Root", None);
    let int_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
    let int = self_signed(&int_key, "Intermediate", Some((&root_key, &root)));
    let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
    let leaf = self_signed(&key, "Leaf", Some((&int_key, &int)));
    let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
    let built = build(&key, &leaf, &[root.clone(), leaf.clone(), int.clone()], &Password::new("p"), &opts, &mut rng())
        .expect("build");
    let opened = open(&built.der, &Password::new("p")).expect("open");
    let roles: Vec<_> =
        opened.certificates.iter().map(|c| (crate::x509::facts(&c.certificate).subject_cn, c.role)).collect();
    assert_eq!(
        roles,
        [
            ("Leaf".to_owned(), Role::Leaf),
            ("Intermediate".to_owned(), Role::Intermediate),
            ("Root".to_owned(), Role::Root)
        ]
    );
    assert!(!opened.has_finding("chain_not_leaf_first"));
}

#[test]
fn repack_switches_profile_and_password() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts =
        BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: Some("Mine".into()) };
    let built = build(&key, &leaf, &chain, &Password::new("old"), &opts, &mut rng()).expect("build");
    let legacy = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
    let repacked =
        repack(&built.der, &Password::new("old"), &Password::new("新しい"), &legacy, &mut rng()).expect("repack");
    let opened = open(&repacked.der, &Password::new("新しい")).expect("open");
    assert_eq!(opened.encryption.key.to_string(), "pbe-sha1-3des");
    assert_eq!(opened.key_attributes.friendly_name.as_deref(), Some("Mine"));
    assert_eq!(opened.key.expect("key").public_key(), key.public_key());
}

#[test]
fn derivations_made_elsewhere_are_used_and_give_the_same_file() {
    // The browser binding derives PBKDF2 in WebCrypto and the MAC key here; this is the
    // sans-I/O half of it: the plan names the derivations, the password carries outputs.
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let pw = Password::new("秘密-pin");
    let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
    let plan = BuildPlan::new(&opts, &mut rng()).expect("plan");
    let pbkdf2 = plan.pbkdf2_derivations();
    assert_eq!(pbkdf2.len(), 2, "certificate safe and key bag");
    let mut carried = pw.clone();
    for d in pbkdf2.iter().chain([&plan.mac_derivation(&pw)]) {
        carried = carried.with_derived(d.clone(), d.compute(&pw));
    }
    let built = build_planned(&key, &leaf, &chain, &carried, &opts, &plan).expect("build");
    assert_eq!(open(&built.der, &pw).expect("plain open").key.expect("key").public_key(), key.public_key());

    // Opening: the file names the same PBKDF2 derivations, and check_mac the MAC's.
    let wanted = pbkdf2_derivations(&built.der);
    assert_eq!(wanted.len(), 2);
    assert!(wanted.iter().all(|d| pbkdf2.contains(d)), "{wanted:?}");
    let (mac, mac_key) = check_mac(&built.der, &pw).expect("mac").expect("has a mac");
    assert_eq!(mac, plan.mac_derivation(&pw));
    let mut carried = pw.clone().with_derived(mac, mac_key);
    for d in &wanted {
        carried = carried.with_derived(d.clone(), d.compute(&pw));
    }
    assert!(open(&built.der, &carried).expect("open").key_matches_certificate());

    // The outputs really are used: a wrong one breaks decryption after the MAC passed.
    let mut wrong = pw.clone();
    for d in &wanted {
        wrong = wrong.with_derived(d.clone(), Zeroizing::new(vec![0u8; 32]));
    }
    assert!(matches!(open(&built.der, &wrong), Err(Pkcs12Error::Corrupt { .. })));
    assert!(open(&built.der, &wrong.without_derived()).is_ok());

    assert!(matches!(check_mac(&built.der, &Password::new("wrong")), Err(Pkcs12Error::WrongPassword)));
}

#[test]
fn legacy_files_need_no_pbkdf2_and_junk_names_none() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
    let built = build(&key, &leaf, &chain, &Password::new("pw"), &opts, &mut rng()).expect("build");
    assert!(pbkdf2_derivations(&built.der).is_empty());
    assert!(BuildPlan::new(&opts, &mut rng()).expect("plan").pbkdf2_derivations().is_empty());
    for junk in [&b""[..], b"\x30\x03\x02\x01\x03", b"not a p12", &built.der[..built.der.len() / 2]] {
        assert!(pbkdf2_derivations(junk).is_empty());
    }
}

#[test]
fn every_truncation_is_an_error_never_a_panic() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
    let built = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build");
    for cut in (1..built.der.len()).step_by(7) {
        let err = open(&built.der[..cut], &Password::new("p")).expect_err("truncated");
        assert!(
            matches!(err, Pkcs12Error::Truncated | Pkcs12Error::Corrupt { .. } | Pkcs12Error::NotPkcs12),
            "{cut}: {err:?}"
        );
    }
    assert_eq!(open(&built.der[..built.der.len() - 10], &Password::new("p")).expect_err("t"), Pkcs12Error::Truncated);
}

#[test]
fn bit_flips_are_errors_never_panics() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
    let built = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build");
    for i in (0..built.der.len()).step_by(13) {
        let mut bad = built.der.clone();
        bad[i] ^= 0x5a;
        // Every flip must be caught (the MAC covers the contents; the rest is structure).
        assert!(open(&bad, &Password::new("p")).is_err(), "flip at {i} went unnoticed");
    }
}

#[test]
fn non_pkcs12_inputs_get_specific_codes() {
    let (_, leaf, _) = fixture(KeyAlgorithm::P256);
    let cert_der = leaf.to_der().expect("der");
    let pw = Password::new("p");
    assert_eq!(open(b"", &pw).expect_err("e").code(), "empty_input");
    assert_eq!(open(&cert_der, &pw).expect_err("cert").code(), "not_pkcs12");
    assert_eq!(open(b"-----BEGIN CERTIFICATE-----\n", &pw).expect_err("pem").code(), "not_pkcs12");
    assert_eq!(open(&[0x89, b'P', b'N', b'G'], &pw).expect_err("png").code(), "not_pkcs12");
    assert_eq!(open(&vec![0x30; MAX_INPUT_BYTES + 1], &pw).expect_err("big").code(), "too_large");
}

#[test]
fn total_kdf_work_of_one_file_is_capped() {
    // Every derivation counts towards one budget: the MAC (N), then per encrypted part PBKDF2
    // once (modern) or the PKCS#12 KDF for key and IV (legacy, 2N each).
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let password = Password::new("秘密");
    for (profile, work) in [(Pkcs12Profile::Modern, 3_000), (Pkcs12Profile::Legacy, 5_000)] {
        let opts = BuildOptions { profile, iterations: Some(1000), friendly_name: None };
        let built = build(&key, &leaf, &chain, &password, &opts, &mut rng()).expect("build");
        open_within(&built.der, &password, work).expect("opens within exactly its work");
        let err = open_within(&built.der, &password, work - 1).expect_err("one iteration short");
        assert_eq!(err, Pkcs12Error::LimitExceeded { what: "total kdf iterations", value: work, limit: work - 1 });
        assert_eq!(err.code(), "limit_exceeded");
        // The MAC check alone books the MAC's derivation only.
        assert!(check_mac_within(&built.der, &password, 1000).expect("mac").is_some());
        let err = check_mac_within(&built.der, &password, 999).expect_err("mac over budget");
        assert_eq!(err.code(), "limit_exceeded");
    }
}

#[test]
fn retried_password_encodings_are_charged_too() {
    // A wrong non-ASCII password is tried as BMPString, then as widened UTF-8 (old OpenSSL):
    // each candidate costs the MAC's iterations.
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
    let built = build(&key, &leaf, &chain, &Password::new("正しい"), &opts, &mut rng()).expect("build");
    let wrong = Password::new("違う");
    assert_eq!(open_within(&built.der, &wrong, 2_000).expect_err("wrong"), Pkcs12Error::WrongPassword);
    let err = open_within(&built.der, &wrong, 1_999).expect_err("budget");
    assert_eq!(err, Pkcs12Error::LimitExceeded { what: "total kdf iterations", value: 2_000, limit: 1_999 });
}

#[test]
fn what_we_write_at_the_most_iterations_we_write_opens() {
    // limits.rs: five derivations (legacy) at MAX_WRITE_ITERATIONS fit in MAX_KDF_WORK. Run
    // with a budget of exactly five times a small count, the count the profiles scale by.
    assert!(5 * u64::from(MAX_WRITE_ITERATIONS) <= MAX_KDF_WORK);
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1234), friendly_name: None };
    let built = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build");
    open_within(&built.der, &Password::new("p"), 5 * 1234).expect("opens");
}

#[test]
fn bytes_after_the_pfx_make_it_corrupt_not_another_kind_of_file() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
    let mut der = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build").der;
    der.extend_from_slice(&[0x00, 0x42]);
    assert_eq!(open(&der, &Password::new("p")).expect_err("trailing"), Pkcs12Error::Corrupt { detail: "pfx encoding" });
}

#[test]
fn iteration_bounds_are_enforced_on_write() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    for bad in [1, 999, MAX_WRITE_ITERATIONS + 1] {
        let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(bad), friendly_name: None };
        let err = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect_err("bounds");
        assert_eq!(err.code(), "invalid_iterations");
    }
}

#[test]
fn encryption_facts_serialize_to_the_names_reports_always_used() {
    use crate::pbe::{Pbes2Cipher, Pkcs12Cipher};
    let modern = EncryptionFacts {
        certificates: Scheme::Encrypted(SchemeKind::Pbes2 { prf: Hash::Sha256, cipher: Pbes2Cipher::Aes256Cbc }),
        key: Scheme::Encrypted(SchemeKind::Pbes2 { prf: Hash::Sha1, cipher: Pbes2Cipher::DesEde3Cbc }),
        mac: Mac::Pbmac1(Hash::Sha512),
        iterations: 600_000,
        mac_iterations: 600_000,
    };
    assert_eq!(
        serde_json::to_string(&modern).expect("json"),
        r#"{"certificates":"pbes2-pbkdf2-hmac-sha256-aes-256-cbc","key":"pbes2-pbkdf2-hmac-sha1-des-ede3-cbc","mac":"pbmac1-hmac-sha512","iterations":600000,"mac_iterations":600000}"#
    );
    let legacy = EncryptionFacts {
        certificates: Scheme::Encrypted(SchemeKind::Pkcs12(Pkcs12Cipher::Rc2_40)),
        key: Scheme::Encrypted(SchemeKind::Pkcs12(Pkcs12Cipher::TripleDes3Key)),
        mac: Mac::Hmac(Hash::Sha1),
        iterations: 2048,
        mac_iterations: 2048,
    };
    assert_eq!(
        serde_json::to_string(&legacy).expect("json"),
        r#"{"certificates":"pbe-sha1-rc2-40","key":"pbe-sha1-3des","mac":"hmac-sha1","iterations":2048,"mac_iterations":2048}"#
    );
    assert_eq!(
        serde_json::to_string(&EncryptionFacts::default()).expect("json"),
        r#"{"certificates":"none","key":"none","mac":"none","iterations":0,"mac_iterations":0}"#
    );
    let names: Vec<String> =
        [Pkcs12Cipher::TripleDes2Key, Pkcs12Cipher::Rc2_128, Pkcs12Cipher::Rc4_128, Pkcs12Cipher::Rc4_40]
            .into_iter()
            .map(|c| Scheme::Encrypted(SchemeKind::Pkcs12(c)).to_string())
            .collect();
    assert_eq!(names, ["pbe-sha1-2des", "pbe-sha1-rc2-128", "pbe-sha1-rc4-128", "pbe-sha1-rc4-40"]);
    assert_eq!(Mac::Hmac(Hash::Sha256).to_string(), "hmac-sha256");
}

#[test]
fn key_reports_serialize_key_types_by_their_old_names() {
    let report = |algorithm| KeyReport { algorithm, bits: 1, matches_certificate: true };
    let json: Vec<String> = [
        KeyType::Rsa,
        KeyType::EcP256,
        KeyType::EcP384,
        KeyType::named("ed25519".into()),
        KeyType::named("rsa".into()),
    ]
    .into_iter()
    .map(|t| serde_json::to_string(&report(t)).expect("json"))
    .collect();
    assert_eq!(
        json,
        [
            r#"{"algorithm":"rsa","bits":1,"matches_certificate":true}"#,
            r#"{"algorithm":"ec-p256","bits":1,"matches_certificate":true}"#,
            r#"{"algorithm":"ec-p384","bits":1,"matches_certificate":true}"#,
            r#"{"algorithm":"ed25519","bits":1,"matches_certificate":true}"#,
            r#"{"algorithm":"rsa","bits":1,"matches_certificate":true}"#,
        ]
    );
}

#[test]
fn every_error_has_both_languages() {
    let errors = [
        Pkcs12Error::EmptyInput,
        Pkcs12Error::TooLarge { size: 1, limit: 0 },
        Pkcs12Error::NotPkcs12,
        Pkcs12Error::Truncated,
        Pkcs12Error::Corrupt { detail: "x" },
        Pkcs12Error::WrongPassword,
        Pkcs12Error::UnsupportedAlgorithm { algorithm: "rc5".into() },
        Pkcs12Error::LimitExceeded { what: "iterations", value: 2, limit: 1 },
        Pkcs12Error::KeyCertificateMismatch,
        Pkcs12Error::Missing { what: "key" },
        Pkcs12Error::Missing { what: "certificate" },
        Pkcs12Error::InvalidIterations { value: 1, min: 2, max: 3 },
        Pkcs12Error::PasswordTooLong { limit: 1 },
        Pkcs12Error::UnsupportedKeyType { algorithm: "ed25519".into() },
        Pkcs12Error::RepackWouldLoseContent { what: "x".into() },
    ];
    let mut codes = std::collections::BTreeSet::new();
    for e in errors {
        let m = e.message();
        assert!(!m.ja.is_ascii() && !m.en.is_empty(), "{}", e.code());
        codes.insert(e.code());
    }
    for required in [
        "wrong_password",
        "truncated",
        "corrupt",
        "not_pkcs12",
        "unsupported_algorithm",
        "empty_input",
        "too_large",
        "limit_exceeded",
        "key_certificate_mismatch",
    ] {
        assert!(codes.contains(required), "{required}");
    }
}

#[test]
fn without_a_mac_garbage_that_passes_the_padding_check_does_not_stop_the_next_encoding() {
    // A file without a MAC, written by old OpenSSL (UTF-8 widened) for a non-ASCII password:
    // the standard encoding is tried first, and about once in 256 salts its garbage passes
    // the CBC padding check. Find such a salt; the widened encoding must still be tried.
    let password = Password::new("合言葉");
    let (encoding, widened) = password.bmp_alternatives().remove(0);
    assert_eq!(encoding, crate::password::PasswordEncoding::WidenedUtf8);
    let contents = crate::asn1::sequence(&[&crate::asn1::octet_string(b"safe contents")]);
    let lucky = (0u64..20_000)
        .map(|i| crate::pbe::PbeScheme::pkcs12_3des(i.to_be_bytes(), 1))
        .map(|scheme| {
            let data = scheme.encrypt(&password, &widened, &contents);
            (scheme, data)
        })
        .find(|(scheme, data)| scheme.decrypt(&password, &password.bmp(), data).is_ok())
        .expect("some salt lets the standard encoding pass the padding check");
    let (scheme, data) = lucky;
    let mut state = state::OpenState::new(&password, MAX_KDF_WORK);
    let plain = open::decrypt(&scheme, &data, &mut state).expect("the widened encoding opens it");
    assert_eq!(plain.as_slice(), contents.as_slice());
    assert_eq!(state.encoding, crate::password::PasswordEncoding::WidenedUtf8);
}

#[test]
fn an_open_plan_uses_outputs_from_elsewhere_and_survives_a_wrong_one() {
    let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
    let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
    let password = Password::new("合言葉");
    let built = build(&key, &leaf, &chain, &password, &opts, &mut rng()).expect("build");
    let derivations = OpenPlan::pbkdf2_derivations(&built.der);
    assert!(!derivations.is_empty(), "the modern profile's PBES2 runs can be delegated");
    assert_eq!(OpenPlan::new(&built.der, Password::new("違う")).err(), Some(Pkcs12Error::WrongPassword));

    let runs = core::cell::Cell::new(0);
    let open_counted = |p: &Password| {
        runs.set(runs.get() + 1);
        open(&built.der, p)
    };
    // The right outputs: one run, which opens.
    let mut plan = OpenPlan::new(&built.der, password.clone()).expect("mac");
    for d in &derivations {
        plan.add_derived((d.clone(), d.compute(&password)));
    }
    let opened = plan.finish(open_counted).expect("opens");
    assert_eq!((runs.get(), opened.report().certificates.len()), (1, 2));
    // Wrong outputs from elsewhere: the first run fails, the plain password opens the file.
    runs.set(0);
    let mut plan = OpenPlan::new(&built.der, password.clone()).expect("mac");
    for d in &derivations {
        plan.add_derived((d.clone(), Zeroizing::new(vec![0u8; 32])));
    }
    plan.finish(open_counted).expect("the plain password still opens it");
    assert_eq!(runs.get(), 2);
}
