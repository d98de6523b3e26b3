//! Every text of this crate that has Japanese renders fully with the arguments its call site
//! passes (no leftover `{placeholder}`, Japanese in Japanese, printable ASCII in English for
//! the errors). The report tests in `tests` also check every finding and platform text they
//! produce. That the two message files agree, and that a Japanese text is only plain ASCII for
//! the product names `build.rs` lists, is checked by the build (`inkan-i18n-build`); that no
//! text is unused, by the compiler (`dead_code`).

use inkan_i18n::{Arg, Localized, Message, Texts, check_rendered};
use inkan_pki::Pkcs12Error;

use crate::InspectError;
use crate::texts;

/// Every text with the arguments its call site passes (sample values).
fn every_text() -> Vec<(Texts, Vec<(&'static str, Arg<'static>)>)> {
    let who = || ("who", Arg::from("Taro"));
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
    let mut all: Vec<_> = plain.into_iter().map(|text| (text, vec![])).collect();
    all.extend([
        (texts::finding::EXPIRED, vec![who(), ("not_after", "2026-01-01".into())]),
        (texts::finding::NOT_YET_VALID, vec![who(), ("not_before", "2026-01-01".into())]),
        (
            texts::finding::EXPIRES_SOON,
            vec![
                who(),
                ("days_left", 3i64.into()),
                ("not_after", "2026-01-01".into()),
                ("notices", Message::new(" 通知", " notices").into()),
            ],
        ),
        (texts::finding::EXPIRES_SOON_NOTICES, vec![("notices", list().into())]),
        (texts::finding::WEAK_SIGNATURE_ALGORITHM, vec![who(), ("algorithm", "sha1WithRSAEncryption".into())]),
        (texts::finding::WEAK_KEY, vec![who(), ("bits", 1024u32.into())]),
        (texts::finding::NOT_SMIME_CAPABLE, vec![("missing", list().into())]),
        (texts::finding::CHAIN_MISSING_ISSUER, vec![("issuer", "CN=CA".into())]),
        (texts::finding::CHAIN_SIGNATURE_INVALID, vec![who()]),
        (texts::csr::WEAK_KEY, vec![("bits", 1024u32.into())]),
        (texts::csr::WEAK_SIGNATURE_ALGORITHM, vec![("algorithm", "md5".into())]),
    ]);
    all
}

#[test]
fn every_text_renders_in_both_languages() {
    let mut problems: Vec<String> = every_text()
        .into_iter()
        .filter_map(|(text, args)| check_rendered(text.en, &text.render(&args), false))
        .collect();
    let errors =
        [InspectError::PasswordRequired, InspectError::UnknownFormat, InspectError::Pkcs12(Pkcs12Error::NotPkcs12)];
    problems.extend(errors.iter().filter_map(|e| check_rendered(e.code(), &e.message(), true)));
    assert_eq!(problems, Vec::<String>::new());
}
