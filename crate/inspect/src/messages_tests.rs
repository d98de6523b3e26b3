//! Every text of this crate exists in both languages: the two catalogs agree, no key is
//! unused, and every key renders fully with the arguments its call site passes (no fallback to
//! the key, no leftover `{placeholder}`, Japanese in Japanese, printable ASCII in English).
//! The report tests in `tests` also check every finding and platform text they produce.

use inkan_i18n::{Arg, Localized, Message};
use inkan_pki::Pkcs12Error;

use crate::{InspectError, MESSAGES};

/// Every key with the arguments its call site passes (sample values).
fn every_key() -> Vec<(&'static str, Vec<(&'static str, Arg<'static>)>)> {
    let who = || ("who", Arg::from("Taro"));
    let list = || Message::new("一、二", "one, two");
    let plain = [
        "inspect.password_required",
        "inspect.unknown_format",
        "smime_missing.email_protection",
        "smime_missing.email_address",
        "smime_missing.key_usage",
        "smime_missing.key_usage_bits",
        "smime_missing.is_ca",
        "finding.not_client_auth_capable",
        "finding.chain_not_leaf_first",
        "csr.not_smime_capable",
        "platform.windows_legacy",
        "platform.macos_keychain",
        "platform.ios",
        "platform.firefox_nss",
        "platform_reason.windows_pbmac1",
        "platform_reason.windows_legacy_pbes2",
        "platform_reason.windows_legacy_mac",
        "platform_reason.apple_modern",
        "platform_reason.android_pbes2",
        "platform_reason.firefox_pbmac1",
        "platform_reason.java_non_ascii_password",
        "platform_reason.java_short_password",
        "platform_reason.openssl_1_1_pbmac1",
        "platform_reason.openssl_3_legacy",
        "repack.legacy",
        "repack.modern",
    ];
    let mut all: Vec<_> = plain.into_iter().map(|key| (key, vec![])).collect();
    all.extend([
        ("finding.expired", vec![who(), ("not_after", "2026-01-01".into())]),
        ("finding.not_yet_valid", vec![who(), ("not_before", "2026-01-01".into())]),
        (
            "finding.expires_soon",
            vec![
                who(),
                ("days_left", 3i64.into()),
                ("not_after", "2026-01-01".into()),
                ("notices", Message::new(" 通知", " notices").into()),
            ],
        ),
        ("finding.expires_soon_notices", vec![("notices", list().into())]),
        ("finding.weak_signature_algorithm", vec![who(), ("algorithm", "sha1WithRSAEncryption".into())]),
        ("finding.weak_key", vec![who(), ("bits", 1024u32.into())]),
        ("finding.not_smime_capable", vec![("missing", list().into())]),
        ("finding.chain_missing_issuer", vec![("issuer", "CN=CA".into())]),
        ("finding.chain_signature_invalid", vec![who()]),
        ("csr.weak_key", vec![("bits", 1024u32.into())]),
        ("csr.weak_signature_algorithm", vec![("algorithm", "md5".into())]),
    ]);
    all
}

/// Texts without Japanese characters: product names and punctuation.
const NOT_TRANSLATED: &[&str] = &[
    "platform.windows",
    "platform.java",
    "platform.android",
    "platform.openssl_1_1",
    "platform.openssl_3",
    "list.separator",
    "list.notices_separator",
];

#[test]
fn the_catalogs_agree_and_every_key_is_used() {
    assert_eq!(MESSAGES.problems(), Vec::<String>::new());
    assert_eq!(
        MESSAGES.unused_keys(&[include_str!("lib.rs"), include_str!("messages_tests.rs")]),
        Vec::<String>::new()
    );
}

#[test]
fn every_key_renders_in_both_languages() {
    let mut problems: Vec<String> = every_key()
        .into_iter()
        .filter_map(|(key, args)| MESSAGES.check_rendered(key, &MESSAGES.message(key, &args), false))
        .collect();
    let errors =
        [InspectError::PasswordRequired, InspectError::UnknownFormat, InspectError::Pkcs12(Pkcs12Error::NotPkcs12)];
    problems.extend(errors.iter().filter_map(|e| MESSAGES.check_rendered(e.code(), &e.message(), true)));
    for key in NOT_TRANSLATED {
        let m = MESSAGES.message(key, &[]);
        if m.ja == *key || m.en == *key {
            problems.push(format!("{key} is missing"));
        }
    }
    let covered: std::collections::BTreeSet<&str> =
        every_key().iter().map(|(k, _)| *k).chain(NOT_TRANSLATED.iter().copied()).collect();
    problems.extend(
        MESSAGES
            .keys()
            .into_iter()
            .filter(|k| !covered.contains(k.as_str()))
            .map(|k| format!("{k} is not rendered here")),
    );
    assert_eq!(problems, Vec::<String>::new());
}
