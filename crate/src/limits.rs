//! Hard limits on hostile input. Each one is far above what any real file needs, and low
//! enough that a crafted file cannot make the browser hang or run out of memory.

/// The largest file we read: a real `.p12` with a long chain is a few KB; 1 MiB is generous.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// ASN.1 nesting depth; a PKCS#12 file nests about ten levels.
pub const MAX_ASN1_DEPTH: usize = 32;

/// The most KDF iterations we run when opening a file. OWASP's 600,000 (2023) is the highest
/// count a real issuer uses; 10,000,000 would take tens of seconds in a browser, so anything
/// above this is a denial of service rather than a protection.
pub const MAX_KDF_ITERATIONS: u64 = 10_000_000;

/// The most iterations we agree to write (the same bound as reading: never write what we
/// would refuse to open).
pub const MAX_WRITE_ITERATIONS: u32 = 10_000_000;

/// The fewest iterations we agree to write: below this the file gives no real protection.
pub const MIN_WRITE_ITERATIONS: u32 = 1_000;

/// Safe bags in one file (key, leaf, a long chain and some attributes fit easily).
pub const MAX_SAFE_BAGS: usize = 64;

/// Nested SafeContents bags (bags within bags) we follow.
pub const MAX_BAG_NESTING: usize = 3;

/// Salt length; real files use 8 to 32 bytes.
pub const MAX_SALT_BYTES: usize = 1024;

/// Password length in characters (a passphrase, not a novel).
pub const MAX_PASSWORD_CHARS: usize = 1024;
