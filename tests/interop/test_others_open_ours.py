"""Files made by inkan (keygen -> csr -> CA-signed by openssl -> p12 build) opened by
OpenSSL 3, Python cryptography, Java keytool and NSS pk12util.

Matrix: profile (modern, legacy) x key (rsa2048, p256, p384) x password (ascii, ja, empty).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from interop_helpers import (FRIENDLY_NAME, LEAF_CN, LEAF_EMAIL, LEAF_O, LEAF_OU, PASSWORDS, Inkan, error_code,
                      nss_pw_args, openssl_info, ossl_pass_for, parse_openssl_info, parse_pem_bags, run,
                      write_pass)

PROFILES = ("modern", "legacy")
KEYS = ("rsa2048", "p256", "p384")
PWS = ("ascii", "ja", "empty")
MATRIX = [(p, k, w) for p in PROFILES for k in KEYS for w in PWS]
MID = lambda t: "-".join(t)  # noqa: E731

PROFILE_ENC = {
    "modern": {"certificates": "pbes2-pbkdf2-hmac-sha256-aes-256-cbc",
               "key": "pbes2-pbkdf2-hmac-sha256-aes-256-cbc", "mac": "hmac-sha256"},
    "legacy": {"certificates": "pbe-sha1-3des", "key": "pbe-sha1-3des", "mac": "hmac-sha1"},
}
INT_CN = "Inkan Interop Intermediate CA"
ROOT_CN = "Inkan Interop Root CA"
KEY_DESC = {"rsa2048": ("rsa", 2048), "p256": ("ec-p256", 256), "p384": ("ec-p384", 384)}


@dataclass
class Issued:
    dir: Path
    key: Path
    key_pass: Path | None  # None: the key PEM is unencrypted
    csr: Path
    cert: Path


@dataclass
class Bundle:
    p12: Path
    pass_file: Path
    password: str
    issued: Issued
    chain: Path


class Factory:
    """Session cache: one key/CSR/certificate per (key, password), one .p12 per (profile, key, password)."""

    def __init__(self, inkan: Inkan, pki, root: Path):
        self.inkan, self.pki, self.root = inkan, pki, root
        self.issued: dict = {}
        self.bundles: dict = {}
        self.failures: dict = {}

    def _once(self, cache, key, make):
        if key in self.failures:
            pytest.fail(f"setup already failed for {key}:\n{self.failures[key]}", pytrace=False)
        if key not in cache:
            try:
                cache[key] = make()
            except AssertionError as e:
                self.failures[key] = str(e)
                raise
        return cache[key]

    def issue(self, kind: str, pw: str) -> Issued:
        def make():
            d = self.root / f"issued-{kind}-{pw}"
            d.mkdir()
            key_pass = write_pass(d / "key.pass", PASSWORDS[pw]) if pw != "empty" else None
            self.inkan.keygen(kind, d / "key.pem", key_pass).ok()
            self.inkan.csr(d / "key.pem", d / "req.csr", key_password_file=key_pass).ok()
            self.pki.sign(d / "req.csr", d / "leaf.pem").ok()
            return Issued(d, d / "key.pem", key_pass, d / "req.csr", d / "leaf.pem")
        return self._once(self.issued, (kind, pw), make)

    def bundle(self, profile: str, kind: str, pw: str) -> Bundle:
        def make():
            iss = self.issue(kind, pw)
            d = self.root / f"p12-{profile}-{kind}-{pw}"
            d.mkdir()
            pf = write_pass(d / "p12.pass", PASSWORDS[pw])
            out = d / "out.p12"
            self.inkan.p12_build(key=iss.key, key_password_file=iss.key_pass, cert=iss.cert, chain=self.pki.chain,
                                 profile=profile, password_file=pf, out=out).ok()
            return Bundle(out, pf, PASSWORDS[pw], iss, self.pki.chain)
        return self._once(self.bundles, (profile, kind, pw), make)


@pytest.fixture(scope="session")
def factory(inkan, pki, tmp_path_factory) -> Factory:
    return Factory(inkan, pki, tmp_path_factory.mktemp("ours"))


def _pub(obj) -> bytes:
    return obj.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _cn(cert):
    a = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return a[0].value if a else None


# =============================================================================== keygen
_KEYGEN_DESC = {"rsa2048": "Private-Key: (2048 bit", "rsa3072": "Private-Key: (3072 bit",
                "rsa4096": "Private-Key: (4096 bit", "p256": "NIST CURVE: P-256", "p384": "NIST CURVE: P-384"}
# every algorithm unencrypted and with the ASCII password; the Japanese password on the fast ones
# (RSA-3072/4096 generation is slow in debug builds and the password path is the same code)
_KEYGEN = [(a, pw) for a in _KEYGEN_DESC for pw in ("none", "ascii")] + [(a, "ja") for a in ("rsa2048", "p256", "p384")]


@pytest.mark.parametrize("alg,pw", _KEYGEN, ids=[f"{a}-{p}" for a, p in _KEYGEN])
def test_keygen_pkcs8_readable_by_openssl_and_cryptography(inkan, tools, work, alg, pw):
    openssl_desc = _KEYGEN_DESC[alg]
    kp = write_pass(work / "k.pass", PASSWORDS[pw]) if pw != "none" else None
    r = inkan.keygen(alg, work / "k.pem", kp)
    r.ok()
    pem = (work / "k.pem").read_text()
    if kp is None:
        assert pem.startswith("-----BEGIN PRIVATE KEY-----"), pem[:60]
        passin = []
    else:
        assert pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem[:60]
        a = run(["openssl", "asn1parse", "-in", work / "k.pem"]).ok().out
        for want in ("PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"):
            assert want in a, f"encrypted PKCS#8 should use {want}:\n{a}"
        passin = ["-passin", f"file:{ossl_pass_for(kp)}"]
    t = run(["openssl", "pkey", "-in", work / "k.pem", *passin, "-noout", "-text"]).ok().out
    assert openssl_desc in t, t[:300]
    key = serialization.load_pem_private_key(pem.encode(), PASSWORDS[pw].encode() if kp else None)
    assert key is not None


# =============================================================================== CSR
@pytest.mark.parametrize("kind", KEYS)
@pytest.mark.parametrize("pw", ["ascii", "ja", "empty"], ids=["keypw-ascii", "keypw-ja", "keypw-none"])
def test_csr_openssl(factory, tools, kind, pw):
    iss = factory.issue(kind, pw)
    v = run(["openssl", "req", "-verify", "-noout", "-in", iss.csr])
    assert v.rc == 0 and "verify OK" in (v.out + v.err), v.describe()
    t = run(["openssl", "req", "-text", "-noout", "-nameopt", "utf8,sep_comma_plus_space,sname", "-in", iss.csr]).ok().out
    assert f"CN={LEAF_CN}" in t, f"CN {LEAF_CN!r} not intact in:\n{t}"
    assert f"O={LEAF_O}" in t and f"OU={LEAF_OU}" in t and "C=JP" in t, t
    assert LEAF_EMAIL in t.split("Subject Public Key Info")[0], f"emailAddress missing from subject:\n{t}"
    assert f"email:{LEAF_EMAIL}" in t, f"SAN rfc822Name missing:\n{t}"
    a = run(["openssl", "asn1parse", "-in", iss.csr]).ok().out
    assert re.search(r"UTF8STRING\s*:" + re.escape(LEAF_CN), a), f"CN must be UTF8String:\n{a}"
    assert re.search(r"UTF8STRING\s*:" + re.escape(LEAF_O), a), f"O must be UTF8String:\n{a}"
    assert re.search(r"PRINTABLESTRING\s*:JP", a), f"C must be PrintableString:\n{a}"
    assert re.search(r"IA5STRING\s*:" + re.escape(LEAF_EMAIL), a), f"emailAddress must be IA5String:\n{a}"
    # and the CA copied the SAN into the certificate
    c = run(["openssl", "x509", "-in", iss.cert, "-noout", "-text", "-nameopt", "utf8"]).ok().out
    assert f"email:{LEAF_EMAIL}" in c and LEAF_CN in c, c


@pytest.mark.parametrize("kind", KEYS)
@pytest.mark.parametrize("pw", ["ascii", "ja", "empty"], ids=["keypw-ascii", "keypw-ja", "keypw-none"])
def test_csr_cryptography(factory, kind, pw):
    iss = factory.issue(kind, pw)
    csr = x509.load_pem_x509_csr(iss.csr.read_bytes())
    assert csr.is_signature_valid
    types = {a.oid: (a.value, a._type.name) for a in csr.subject}
    assert types[NameOID.COMMON_NAME] == (LEAF_CN, "UTF8String")
    assert types[NameOID.ORGANIZATION_NAME] == (LEAF_O, "UTF8String")
    assert types[NameOID.ORGANIZATIONAL_UNIT_NAME] == (LEAF_OU, "UTF8String")
    assert types[NameOID.COUNTRY_NAME] == ("JP", "PrintableString")
    assert types[NameOID.EMAIL_ADDRESS] == (LEAF_EMAIL, "IA5String")
    san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == [LEAF_EMAIL]
    key = serialization.load_pem_private_key(
        iss.key.read_bytes(), PASSWORDS[pw].encode() if iss.key_pass else None)
    assert _pub(key) == _pub(csr)
    want = {"rsa2048": rsa.RSAPublicKey, "p256": ec.EllipticCurvePublicKey, "p384": ec.EllipticCurvePublicKey}[kind]
    assert isinstance(csr.public_key(), want)


# =============================================================================== OpenSSL 3
@pytest.mark.parametrize("profile,kind,pw", MATRIX, ids=[MID(m) for m in MATRIX])
def test_openssl_opens(factory, tools, profile, kind, pw):
    b = factory.bundle(profile, kind, pw)
    passin = ["-passin", f"file:{ossl_pass_for(b.pass_file)}"]
    # No -legacy: the legacy profile is 3DES, which OpenSSL 3's default provider still has.
    r = run(["openssl", "pkcs12", "-in", b.p12, *passin, "-nodes"])
    assert r.rc == 0, "OpenSSL 3 (default provider, no -legacy) cannot open it:\n" + r.describe()
    bags = parse_pem_bags(r.out)
    keys = [x for x in bags if x["kind"] == "key"]
    certs = [x for x in bags if x["kind"] == "cert"]
    assert len(keys) == 1 and len(certs) == 3, r.describe()
    loaded = [x509.load_pem_x509_certificate(c["pem"].encode()) for c in certs]
    assert [_cn(c) for c in loaded] == [LEAF_CN, INT_CN, ROOT_CN], "chain order must be leaf first"
    key = serialization.load_pem_private_key(keys[0]["pem"].encode(), None)
    assert _pub(key) == _pub(loaded[0]), "extracted key does not match the leaf certificate"
    assert loaded[0].public_bytes(serialization.Encoding.PEM) == b.issued.cert.read_bytes().replace(b"\r", b"") \
        or _pub(loaded[0]) == _pub(x509.load_pem_x509_certificate(b.issued.cert.read_bytes()))
    # friendlyName + localKeyID on the key and the leaf only
    for bag, what in ((keys[0], "key"), (certs[0], "leaf")):
        assert bag["attrs"].get("friendlyName") == FRIENDLY_NAME, f"{what} friendlyName: {bag['attrs']}"
        assert bag["attrs"].get("localKeyID"), f"{what} has no localKeyID: {bag['attrs']}"
    assert keys[0]["attrs"]["localKeyID"] == certs[0]["attrs"]["localKeyID"]
    for bag in certs[1:]:
        assert "friendlyName" not in bag["attrs"] and "localKeyID" not in bag["attrs"], \
            f"CA certificate bag must carry no friendlyName/localKeyID: {bag['attrs']}"
    # algorithms, as OpenSSL reports them (again without -legacy)
    i = run(["openssl", "pkcs12", "-info", "-noout", "-in", b.p12, *passin], merge_stderr=True)
    assert i.rc == 0, i.describe()
    info = parse_openssl_info(i.out + i.err)
    want = PROFILE_ENC[profile]
    got = {k: info[k] for k in want}
    assert got == want, f"profile {profile}: expected {want}, openssl -info says {got}\n{i.describe()}"


# =============================================================================== Python cryptography
@pytest.mark.parametrize("profile,kind,pw", MATRIX, ids=[MID(m) for m in MATRIX])
def test_cryptography_opens(factory, profile, kind, pw):
    b = factory.bundle(profile, kind, pw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a BER-fallback warning would mean inkan wrote non-DER
        p = pkcs12.load_pkcs12(b.p12.read_bytes(), b.password.encode() or None)
    assert p.key is not None and p.cert is not None
    assert _pub(p.key) == _pub(p.cert.certificate), "key does not match the certificate"
    assert _cn(p.cert.certificate) == LEAF_CN
    assert p.cert.friendly_name == FRIENDLY_NAME.encode(), p.cert.friendly_name
    assert [_cn(c.certificate) for c in p.additional_certs] == [INT_CN, ROOT_CN]
    assert all(c.friendly_name is None for c in p.additional_certs)
    alg, bits = KEY_DESC[kind]
    if alg == "rsa":
        assert isinstance(p.key, rsa.RSAPrivateKey) and p.key.key_size == bits
    else:
        assert isinstance(p.key, ec.EllipticCurvePrivateKey) and p.key.curve.key_size == bits


# =============================================================================== Java keytool
# Known limitation (the product warns about it): Java's PKCS#12 KeyStore cannot use non-ASCII
# passwords (com.sun.crypto.provider.PBEKey: "Password is not ASCII"), so a file protected
# with the Japanese password can't be opened by keytool / Java clients.
@pytest.mark.parametrize("profile,kind,pw", MATRIX, ids=[MID(m) for m in MATRIX])
def test_keytool_opens(factory, tools, work, profile, kind, pw):
    b = factory.bundle(profile, kind, pw)
    r = run(["keytool", "-list", "-v", "-storetype", "PKCS12", "-keystore", b.p12,
             "-storepass:file", b.pass_file], timeout=120)
    if pw == "ja":
        assert r.rc != 0, "keytool opened a non-ASCII-password PKCS#12; the known limitation is gone?\n" + r.describe()
        return
    # (an empty -storepass:file gives the empty password, which keytool accepts for reading)
    assert r.rc == 0, r.describe()
    assert "Entry type: PrivateKeyEntry" in r.out, r.out
    assert "Certificate chain length: 3" in r.out, r.out
    assert re.search(r"Alias name: " + re.escape(FRIENDLY_NAME), r.out, re.I), r.out
    assert LEAF_CN in r.out, r.out
    # -list does not decrypt the key: copy the store, which must recover the private key
    # (keytool wants >= 6 characters for a new store's password, hence another one for the copy)
    dest = write_pass(work / "dest.pass", "changeit123")
    r2 = run(["keytool", "-importkeystore", "-srckeystore", b.p12, "-srcstoretype", "PKCS12",
              "-srcstorepass:file", b.pass_file, "-destkeystore", work / "copy.p12", "-deststoretype",
              "PKCS12", "-deststorepass:file", dest, "-noprompt"], timeout=120)
    assert r2.rc == 0 and "1 entries successfully imported" in r2.out + r2.err, r2.describe()


# =============================================================================== NSS pk12util
@pytest.mark.parametrize("profile,kind,pw", MATRIX, ids=[MID(m) for m in MATRIX])
def test_nss_imports(factory, tools, work, profile, kind, pw):
    b = factory.bundle(profile, kind, pw)
    db = work / "nssdb"
    db.mkdir()
    dbpw = write_pass(work / "db.pass", "nss db password")
    run(["certutil", "-N", "-d", f"sql:{db}", "-f", dbpw]).ok()
    r = run(["pk12util", "-i", b.p12, "-d", f"sql:{db}", *nss_pw_args(b.pass_file), "-k", dbpw])
    assert r.rc == 0 and "IMPORT SUCCESSFUL" in r.out + r.err, r.describe()
    lst = run(["certutil", "-L", "-d", f"sql:{db}"]).ok().out
    assert re.search(re.escape(FRIENDLY_NAME) + r"\s+u,u,u", lst), f"leaf (with key) not listed as {FRIENDLY_NAME!r}:\n{lst}"
    assert INT_CN in lst or "Intermediate" in lst, f"intermediate not imported:\n{lst}"
    keys = run(["certutil", "-K", "-d", f"sql:{db}", "-f", dbpw]).ok().out
    want = {"rsa2048": "rsa", "p256": "ec", "p384": "ec"}[kind]
    assert re.search(rf"<\s*0>\s+{want}\s+[0-9a-f]+\s+{re.escape(FRIENDLY_NAME)}", keys), keys
    # the imported key belongs to the certificate: NSS can sign with it (certutil -V uses only the cert, so
    # use the cert+key pair in a self-test: export it again, which needs the key)
    out = work / "re.p12"
    r3 = run(["pk12util", "-o", out, "-n", FRIENDLY_NAME, "-d", f"sql:{db}", "-k", dbpw,
              *nss_pw_args(b.pass_file)])
    assert r3.rc == 0, r3.describe()


# =============================================================================== options / errors of p12 build
def test_build_iterations_option(factory, tools, inkan, work):
    iss = factory.issue("p256", "ascii")
    pf = write_pass(work / "p.pass", PASSWORDS["ascii"])
    inkan.p12_build(key=iss.key, key_password_file=iss.key_pass, cert=iss.cert, chain=None, profile="modern",
                    iterations=600000, password_file=pf, out=work / "i.p12").ok()
    r, info = openssl_info(work / "i.p12", pf)
    assert r.rc == 0, r.describe()
    assert info["key_iterations"] == 600000 and info["cert_iterations"] == 600000, r.describe()
    assert info["cert_bags"] == 1, "no --chain: only the leaf"


@pytest.mark.parametrize("iterations", [10, 20_000_000])
def test_build_iterations_out_of_range(factory, inkan, work, iterations):
    """Absurd --iterations values are refused with a JSON error and no output file."""
    iss = factory.issue("p256", "ascii")
    pf = write_pass(work / "p.pass", PASSWORDS["ascii"])
    r = inkan.p12_build(key=iss.key, key_password_file=iss.key_pass, cert=iss.cert, profile="modern",
                        iterations=iterations, password_file=pf, out=work / "i.p12")
    assert error_code(r) is not None, r.describe()
    assert not (work / "i.p12").exists(), "output written despite the error"


def test_build_rejects_mismatched_key(factory, inkan, work):
    a, b = factory.issue("p256", "ascii"), factory.issue("p384", "ascii")
    pf = write_pass(work / "p.pass", PASSWORDS["ascii"])
    r = inkan.p12_build(key=a.key, key_password_file=a.key_pass, cert=b.cert, profile="modern",
                        password_file=pf, out=work / "bad.p12")
    assert error_code(r) == "key_certificate_mismatch", r.describe()
    assert not (work / "bad.p12").exists() or (work / "bad.p12").stat().st_size == 0


def test_build_wrong_key_password(factory, inkan, work):
    a = factory.issue("p256", "ja")
    wrong = write_pass(work / "wrong.pass", "wrong horse")
    pf = write_pass(work / "p.pass", PASSWORDS["ascii"])
    r = inkan.p12_build(key=a.key, key_password_file=wrong, cert=a.cert, profile="modern",
                        password_file=pf, out=work / "x.p12")
    assert error_code(r) == "wrong_password", r.describe()


def test_ours_open_ours(factory, inkan):
    """inkan p12 open on its own output agrees with the profile."""
    for profile in PROFILES:
        b = factory.bundle(profile, "p384", "ja")
        doc = inkan.open_ok(b.p12, b.pass_file)
        assert doc["key"] == {"algorithm": "ec-p384", "bits": 384, "matches_certificate": True}, doc["key"]
        assert [c["role"] for c in doc["certificates"]] == ["leaf", "intermediate", "root"], doc["certificates"]
        assert doc["certificates"][0]["subject_cn"] == LEAF_CN
        assert LEAF_EMAIL in doc["certificates"][0]["emails"]
        for k, v in PROFILE_ENC[profile].items():
            assert doc["encryption"][k] == v, doc["encryption"]
