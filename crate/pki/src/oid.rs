//! Object identifiers the core reads and writes, and their readable names.
//!
//! One home for OIDs shared by keys, certificates, requests and password-based encryption, so
//! `keys` and `x509` (and `pbe`) need not reach into each other for them. Depends on nothing.

use const_oid::ObjectIdentifier as Oid;

// Key algorithms and curves (SubjectPublicKeyInfo, PKCS#8).
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
pub const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");
pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
pub const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
pub const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");

// Names, extended key usages and signature algorithms (X.509, PKCS#10).
pub const COUNTRY: Oid = Oid::new_unwrap("2.5.4.6");
pub const ORGANIZATION: Oid = Oid::new_unwrap("2.5.4.10");
pub const ORGANIZATIONAL_UNIT: Oid = Oid::new_unwrap("2.5.4.11");
pub const CN: Oid = Oid::new_unwrap("2.5.4.3");
pub const EMAIL_ADDRESS: Oid = Oid::new_unwrap("1.2.840.113549.1.9.1");
pub const EKU_CLIENT_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.2");
pub const EKU_EMAIL_PROTECTION: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.4");
pub const EKU_CODE_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.3");
pub const EKU_DOCUMENT_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.36");
pub const EKU_ANY: Oid = Oid::new_unwrap("2.5.29.37.0");
pub const SHA1_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
pub const MD5_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.4");
pub const SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
pub const SHA384_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
pub const SHA512_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
pub const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

// Password-based encryption, MACs and digests (PKCS#5, PKCS#12).
pub const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
pub const PBKDF2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.12");
pub const PBMAC1: Oid = Oid::new_unwrap("1.2.840.113549.1.5.14");
pub const HMAC_SHA1: Oid = Oid::new_unwrap("1.2.840.113549.2.7");
pub const HMAC_SHA224: Oid = Oid::new_unwrap("1.2.840.113549.2.8");
pub const HMAC_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.2.9");
pub const HMAC_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.2.10");
pub const HMAC_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.2.11");
pub const AES_128_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.2");
pub const AES_192_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.22");
pub const AES_256_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.42");
pub const DES_EDE3_CBC: Oid = Oid::new_unwrap("1.2.840.113549.3.7");
pub const PKCS12_RC4_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.1");
pub const PKCS12_RC4_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.2");
pub const PKCS12_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
pub const PKCS12_2DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.4");
pub const PKCS12_RC2_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.5");
pub const PKCS12_RC2_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.6");
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
pub const MD5: Oid = Oid::new_unwrap("1.2.840.113549.2.5");

/// A readable name for an algorithm OID, for error messages.
pub(crate) fn algorithm_name(oid: &[u8]) -> String {
    const NAMES: &[(Oid, &str)] = &[
        (PKCS12_RC4_128, "pbeWithSHAAnd128BitRC4"),
        (PKCS12_RC4_40, "pbeWithSHAAnd40BitRC4"),
        (Oid::new_unwrap("1.2.840.113549.1.5.3"), "pbeWithMD5AndDES-CBC"),
        (Oid::new_unwrap("1.2.840.113549.1.5.10"), "pbeWithSHA1AndDES-CBC"),
        (Oid::new_unwrap("1.2.840.113549.1.5.11"), "pbeWithSHA1AndRC2-CBC"),
        (Oid::new_unwrap("1.2.840.113549.1.5.6"), "pbeWithMD5AndRC2-CBC"),
        (Oid::new_unwrap("1.3.6.1.4.1.11591.4.11"), "scrypt"),
        (Oid::new_unwrap("2.16.840.1.101.3.4.1.6"), "aes-128-gcm"),
        (Oid::new_unwrap("2.16.840.1.101.3.4.1.46"), "aes-256-gcm"),
        (Oid::new_unwrap("1.2.840.113549.3.2"), "rc2-cbc"),
        (Oid::new_unwrap("1.3.14.3.2.7"), "des-cbc"),
        (MD5, "md5"),
        (Oid::new_unwrap("1.2.392.200011.61.1.1.1.2"), "camellia-128-cbc"),
        (Oid::new_unwrap("1.2.392.200011.61.1.1.1.3"), "camellia-192-cbc"),
        (Oid::new_unwrap("1.2.392.200011.61.1.1.1.4"), "camellia-256-cbc"),
        (Oid::new_unwrap("1.2.410.200004.1.4"), "seed-cbc"),
        (Oid::new_unwrap("1.2.156.10197.1.104.2"), "sm4-cbc"),
        (HMAC_SHA224, "hmacWithSHA224"),
    ];
    for (known, name) in NAMES {
        if known.as_bytes() == oid {
            return (*name).to_owned();
        }
    }
    Oid::from_bytes(oid).map_or_else(|_| "unknown".to_owned(), |o| o.to_string())
}

/// A readable name for a key algorithm or curve OID.
pub(crate) fn key_algorithm_name(o: &[u8]) -> String {
    for (known, name) in [
        (RSA_ENCRYPTION, "rsa"),
        (SECP521R1, "ec-p521"),
        (ED25519, "ed25519"),
        (DSA, "dsa"),
        (RSA_PSS, "rsassa-pss"),
        (EC_PUBLIC_KEY, "ec"),
    ] {
        if known.as_bytes() == o {
            return name.to_owned();
        }
    }
    algorithm_name(o)
}

/// The readable name of a signature algorithm.
pub fn signature_algorithm_name(oid: &Oid) -> String {
    let table = [
        (SHA1_RSA, "sha1WithRSAEncryption"),
        (MD5_RSA, "md5WithRSAEncryption"),
        (SHA256_RSA, "sha256WithRSAEncryption"),
        (SHA384_RSA, "sha384WithRSAEncryption"),
        (SHA512_RSA, "sha512WithRSAEncryption"),
        (ECDSA_SHA1, "ecdsa-with-SHA1"),
        (ECDSA_SHA256, "ecdsa-with-SHA256"),
        (ECDSA_SHA384, "ecdsa-with-SHA384"),
        (ECDSA_SHA512, "ecdsa-with-SHA512"),
        (RSA_PSS, "rsassa-pss"),
    ];
    table.iter().find(|(o, _)| o == oid).map_or_else(|| key_algorithm_name(oid.as_bytes()), |(_, n)| (*n).to_owned())
}
