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

/// The most KDF iterations one `.p12` may cost in total when it is opened: the MAC, every
/// encrypted safe, every shrouded key bag, the key *and* IV derivations of the PKCS#12 schemes,
/// and every retry with another password encoding, summed. The per-derivation bound above
/// alone lets a crafted file ask for 64 bags × 2 derivations × 2 encodings × 10,000,000
/// iterations (hours in a browser). The most a real file needs is about 9,600,000: four
/// derivations (MAC, certificate safe, key bag's key and IV) at OWASP's 600,000, doubled for
/// a retried password encoding; so the whole file gets what a single derivation may cost,
/// about 8 s of PBKDF2 in wasm at worst.
pub const MAX_KDF_WORK: u64 = 10_000_000;

/// The most iterations we agree to write. Never write what we would refuse to open: a legacy
/// profile file runs the KDF five times (MAC, then key and IV for each of its two encrypted
/// parts), so five times this must stay within [`MAX_KDF_WORK`]. 2,000,000 is still over three
/// times OWASP's 600,000.
pub const MAX_WRITE_ITERATIONS: u32 = 2_000_000;

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

/// Certificates read from one paste or file (PEM blocks, a DER file holds one). A real chain
/// is a leaf, at most three or four intermediates and a root; 32 leaves room for a chain
/// pasted together with a few roots. The inspector compares every certificate with every other
/// by name and verifies one signature per certificate, so the work grows with the square of
/// this number: a 1 MiB paste of 3,000 tiny certificates would otherwise mean nine million
/// name comparisons and 3,000 signature checks.
pub const MAX_CHAIN_CERTIFICATES: usize = 32;

// What we write must open within the budget (see MAX_WRITE_ITERATIONS).
const _: () = assert!(5 * MAX_WRITE_ITERATIONS as u64 <= MAX_KDF_WORK);
