//! Every text of this crate that has Japanese renders fully with the arguments its call site
//! passes (no leftover `{placeholder}`, Japanese in Japanese, printable ASCII in English for
//! the errors). The report tests in `tests` also check every finding and platform text they
//! produce. That the two message files agree, and that a Japanese text is only plain ASCII for
//! the product names `build.rs` lists, is checked by the build (`inkan-i18n-build`); that no
//! text is unused, by the compiler (`dead_code`).

use inkan_i18n::{Arg, Localized, Message, check_rendered};
use inkan_pki::Pkcs12Error;

use crate::InspectError;
use crate::texts;

/// Every text rendered with the arguments its call site passes (sample values), named by its
/// English template.
fn every_text() -> Vec<(&'static str, Message)> {
    let who = || Arg::from("Taro");
    let list = || Message::new("一、二", "one, two");
    let plain = [
        texts::inspect::PASSWORD_REQUIRED,
        texts::inspect::UNKNOWN_FORMAT,
        texts::smime_missing::EMAIL_PROTECTION,
        texts::smime_missing::EMAIL_ADDRESS,
        texts::smime_missing::KEY_USAGE,
        texts::smime_missing::KEY_USAGE_BITS,
        texts::smime_missing::IS_CA,
        texts::finding::NOT_CLIENT_AUTH_CAPABLE,
        texts::finding::CHAIN_NOT_LEAF_FIRST,
        texts::csr::NOT_SMIME_CAPABLE,
        texts::platform::WINDOWS_LEGACY,
        texts::platform::MACOS_KEYCHAIN,
        texts::platform::IOS,
        texts::platform::FIREFOX_NSS,
        texts::platform_reason::WINDOWS_PBMAC1,
        texts::platform_reason::WINDOWS_LEGACY_PBES2,
        texts::platform_reason::WINDOWS_LEGACY_MAC,
        texts::platform_reason::APPLE_MODERN,
        texts::platform_reason::ANDROID_PBES2,
        texts::platform_reason::FIREFOX_PBMAC1,
        texts::platform_reason::JAVA_NON_ASCII_PASSWORD,
        texts::platform_reason::JAVA_SHORT_PASSWORD,
        texts::platform_reason::OPENSSL_1_1_PBMAC1,
        texts::platform_reason::OPENSSL_3_LEGACY,
        texts::repack::LEGACY,
        texts::repack::MODERN,
    ];
    let mut all: Vec<_> = plain.into_iter().map(|text| (text.en, text.render())).collect();
    let date = || Arg::from("2026-01-01");
    all.extend([
        ("finding.expired", texts::finding::Expired { who: who(), not_after: date() }.render()),
        ("finding.not_yet_valid", texts::finding::NotYetValid { who: who(), not_before: date() }.render()),
        (
            "finding.expires_soon",
            texts::finding::ExpiresSoon {
                who: who(),
                days_left: 3i64.into(),
                not_after: date(),
                notices: Message::new(" 通知", " notices").into(),
            }
            .render(),
        ),
        ("finding.expires_soon_notices", texts::finding::ExpiresSoonNotices { notices: list().into() }.render()),
        (
            "finding.weak_signature_algorithm",
            texts::finding::WeakSignatureAlgorithm { who: who(), algorithm: "sha1WithRSAEncryption".into() }.render(),
        ),
        ("finding.weak_key", texts::finding::WeakKey { who: who(), bits: 1024u32.into() }.render()),
        ("finding.not_smime_capable", texts::finding::NotSmimeCapable { missing: list().into() }.render()),
        ("finding.chain_missing_issuer", texts::finding::ChainMissingIssuer { issuer: "CN=CA".into() }.render()),
        ("finding.chain_signature_invalid", texts::finding::ChainSignatureInvalid { who: who() }.render()),
        ("csr.weak_key", texts::csr::WeakKey { bits: 1024u32.into() }.render()),
        ("csr.weak_signature_algorithm", texts::csr::WeakSignatureAlgorithm { algorithm: "md5".into() }.render()),
    ]);
    all
}

#[test]
fn every_text_renders_in_both_languages() {
    let mut problems: Vec<String> =
        every_text().into_iter().filter_map(|(name, message)| check_rendered(name, &message, false)).collect();
    let errors =
        [InspectError::PasswordRequired, InspectError::UnknownFormat, InspectError::Pkcs12(Pkcs12Error::NotPkcs12)];
    problems.extend(errors.iter().filter_map(|e| check_rendered(e.code(), &e.message(), true)));
    assert_eq!(problems, Vec::<String>::new());
}
