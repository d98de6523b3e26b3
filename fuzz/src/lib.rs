//! Shared pieces of the fuzz targets.
#![forbid(unsafe_code)]

use inkan::Password;

/// The KDF budget (total iterations) a fuzzed `.p12` open may spend. The seeds use 2,048
/// iterations; with the real budget ([`inkan::MAX_KDF_WORK`]) a mutated iteration
/// count makes one input take seconds, and libFuzzer's timeout would then report the KDF we
/// chose to allow rather than a parser that loops. The real budget itself is tested in the
/// crate's unit tests.
pub const FUZZ_KDF_WORK: u64 = 50_000;

/// Splits an input into a password and the file: the first byte is the password's length in
/// bytes (taken modulo 65), the password follows (lossy UTF-8), the rest is the file. Seeds are
/// written the same way by `scripts/fuzz.sh` from each fixture and its `.pass` file.
pub fn password_and_file(data: &[u8]) -> (Password, &[u8]) {
    let Some((&len, rest)) = data.split_first() else {
        return (Password::new(""), data);
    };
    let len = usize::from(len % 65).min(rest.len());
    let (pw, file) = rest.split_at(len);
    (Password::new(String::from_utf8_lossy(pw).into_owned()), file)
}
