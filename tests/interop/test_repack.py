"""inkan p12 repack: legacy -> modern -> legacy, with a Japanese new password; every result opened by
OpenSSL 3 (default provider, no -legacy) and Python cryptography, key and certificates unchanged."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from interop_helpers import (FIXTURES, PASSWORDS, error_code, ossl_pass_for, parse_openssl_info, parse_pem_bags, run,
                      write_pass)

PROFILE_ENC = {
    "modern": {"certificates": "pbes2-pbkdf2-hmac-sha256-aes-256-cbc",
               "key": "pbes2-pbkdf2-hmac-sha256-aes-256-cbc", "mac": "hmac-sha256"},
    "legacy": {"certificates": "pbe-sha1-3des", "key": "pbe-sha1-3des", "mac": "hmac-sha1"},
}
NEW_PW_1 = PASSWORDS["ja"]
NEW_PW_2 = "新しい合言葉・二〇二六"


def _pub(o):
    return o.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _cn(c):
    a = c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return a[0].value if a else None


def load_pyca(p12: Path, password: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pkcs12.load_pkcs12(p12.read_bytes(), password.encode() or None)


def contents(p12: Path, password: str):
    """(key public DER, [certificate DER in file order]) as Python cryptography sees them."""
    p = load_pyca(p12, password)
    certs = ([p.cert.certificate] if p.cert else []) + [c.certificate for c in p.additional_certs]
    return (_pub(p.key) if p.key else None), [c.public_bytes(serialization.Encoding.DER) for c in certs]


def check_with_openssl(p12: Path, pass_file: Path, profile: str, n_certs: int):
    passin = ["-passin", f"file:{ossl_pass_for(pass_file)}"]
    r = run(["openssl", "pkcs12", "-in", p12, *passin, "-nodes"])
    assert r.rc == 0, "OpenSSL 3 (no -legacy) cannot open the repacked file:\n" + r.describe()
    bags = parse_pem_bags(r.out)
    keys = [b for b in bags if b["kind"] == "key"]
    certs = [x509.load_pem_x509_certificate(b["pem"].encode()) for b in bags if b["kind"] == "cert"]
    assert len(keys) == 1 and len(certs) == n_certs, r.describe()
    key = serialization.load_pem_private_key(keys[0]["pem"].encode(), None)
    assert _pub(key) == _pub(certs[0]), "first certificate must be the leaf matching the key"
    i = run(["openssl", "pkcs12", "-info", "-noout", "-in", p12, *passin], merge_stderr=True)
    assert i.rc == 0, i.describe()
    info = parse_openssl_info(i.out + i.err)
    got = {k: info[k] for k in PROFILE_ENC[profile]}
    assert got == PROFILE_ENC[profile], f"repacked as {profile}: openssl -info says {got}\n{i.describe()}"


@pytest.fixture
def openssl_legacy_p12(tools, pki, work):
    """A fresh `openssl pkcs12 -export -legacy` file (RC2-40 certs, 3DES key, SHA-1 MAC) with the chain."""
    run(["openssl", "genpkey", "-quiet", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-out", work / "leaf.key"]).ok()
    run(["openssl", "req", "-new", "-utf8", "-key", work / "leaf.key", "-subj",
         "/C=JP/O=山田法律事務所/CN=山田 太郎/emailAddress=taro@example.jp", "-out", work / "leaf.csr"]).ok()
    pki.sign(work / "leaf.csr", work / "leaf.pem").ok()
    pf = write_pass(work / "old.pass", PASSWORDS["ascii"])
    run(["openssl", "pkcs12", "-export", "-legacy", "-inkey", work / "leaf.key", "-in", work / "leaf.pem",
         "-certfile", pki.chain, "-name", "legacy name", "-passout", f"file:{ossl_pass_for(pf)}",
         "-out", work / "legacy.p12"]).ok()
    i = run(["openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", work / "legacy.p12", "-passin",
             f"file:{ossl_pass_for(pf)}"], merge_stderr=True).ok()
    assert parse_openssl_info(i.out + i.err)["certificates"] == "pbe-sha1-rc2-40"
    return work / "legacy.p12", pf, 3


SOURCES = {
    # name -> (fixture p12, password file, certificate count)
    "nss-ber-chain-ja-pw": ("vectors/nss-export-chain-p256-ja.p12", "vectors/nss-export-chain-p256-ja.pass", 3),
    "keytool-chain": ("vectors/keytool-importkeystore-chain-rsa2048.p12",
                      "vectors/keytool-importkeystore-chain-rsa2048.pass", 3),
    "openssl-empty-pw": ("vectors/openssl-default-p384-empty.p12", "vectors/openssl-default-p384-empty.pass", 1),
    "pyca-legacy-ja-pw": ("vectors/pyca-legacy-rsa2048-ja.p12", "vectors/pyca-legacy-rsa2048-ja.pass", 1),
}


def _round_trip(inkan, work, src: Path, src_pass: Path, n_certs: int):
    old_pw = src_pass.read_text(encoding="utf-8")
    want = contents(src, old_pw)
    # legacy/other -> modern, Japanese password
    new1 = write_pass(work / "new1.pass", NEW_PW_1)
    inkan.repack(src, password_file=src_pass, new_password_file=new1, profile="modern", out=work / "modern.p12").ok()
    check_with_openssl(work / "modern.p12", new1, "modern", n_certs)
    assert contents(work / "modern.p12", NEW_PW_1) == want, "key or certificates changed by repack to modern"
    doc = inkan.open_ok(work / "modern.p12", new1)
    assert {k: doc["encryption"][k] for k in PROFILE_ENC["modern"]} == PROFILE_ENC["modern"], doc["encryption"]
    # modern -> legacy, another Japanese password
    new2 = write_pass(work / "new2.pass", NEW_PW_2)
    inkan.repack(work / "modern.p12", password_file=new1, new_password_file=new2, profile="legacy",
                 out=work / "legacy2.p12").ok()
    check_with_openssl(work / "legacy2.p12", new2, "legacy", n_certs)
    assert contents(work / "legacy2.p12", NEW_PW_2) == want, "key or certificates changed by repack to legacy"
    doc = inkan.open_ok(work / "legacy2.p12", new2)
    assert {k: doc["encryption"][k] for k in PROFILE_ENC["legacy"]} == PROFILE_ENC["legacy"], doc["encryption"]
    # the old password no longer opens it
    r = run(["openssl", "pkcs12", "-in", work / "legacy2.p12", "-passin", f"file:{ossl_pass_for(new1)}", "-nodes"])
    assert r.rc != 0, "the previous password still opens the repacked file"


def test_repack_openssl_legacy_round_trip(inkan, work, openssl_legacy_p12):
    src, pf, n = openssl_legacy_p12
    _round_trip(inkan, work, src, pf, n)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_repack_other_tools(inkan, tools, work, source):
    f, p, n = SOURCES[source]
    _round_trip(inkan, work, FIXTURES / f, FIXTURES / p, n)


def test_repack_wrong_old_password(inkan, work, openssl_legacy_p12):
    src, _, _ = openssl_legacy_p12
    wrong = write_pass(work / "wrong.pass", "wrong horse")
    new = write_pass(work / "new.pass", NEW_PW_1)
    r = inkan.repack(src, password_file=wrong, new_password_file=new, profile="modern", out=work / "out.p12")
    assert error_code(r) == "wrong_password", r.describe()
    assert not (work / "out.p12").exists() or (work / "out.p12").stat().st_size == 0, \
        "a failed repack left an output file behind"


def test_repack_keeps_friendly_name_on_key_and_leaf_only(inkan, work, openssl_legacy_p12):
    src, pf, _ = openssl_legacy_p12
    new = write_pass(work / "new.pass", NEW_PW_1)
    inkan.repack(src, password_file=pf, new_password_file=new, profile="modern", out=work / "m.p12").ok()
    p = load_pyca(work / "m.p12", NEW_PW_1)
    assert p.cert.friendly_name is not None, "leaf lost its friendlyName"
    assert all(c.friendly_name is None for c in p.additional_certs), \
        [c.friendly_name for c in p.additional_certs]
    r = run(["openssl", "pkcs12", "-in", work / "m.p12", "-passin", f"file:{ossl_pass_for(new)}", "-nodes"]).ok()
    bags = parse_pem_bags(r.out)
    key = next(b for b in bags if b["kind"] == "key")
    leaf = next(b for b in bags if b["kind"] == "cert")
    assert key["attrs"].get("localKeyID") and key["attrs"].get("localKeyID") == leaf["attrs"].get("localKeyID"), bags


@pytest.mark.parametrize("source,lost", [("keytool-two-keys", "multiple_keys"), ("keytool-secret-key", "ignored_bags")])
def test_repack_does_not_drop_content_silently(inkan, work, source, lost):
    """A keystore with a second private key / an AES secret key: repack must keep it, refuse, or at least
    say in its result that it is leaving something out (the finding `open` already reports)."""
    src, pf = FIXTURES / f"vectors/{source}.p12", FIXTURES / f"vectors/{source}.pass"
    new = write_pass(work / "new.pass", NEW_PW_1)
    r = inkan.repack(src, password_file=pf, new_password_file=new, profile="modern", out=work / "out.p12")
    if error_code(r) is not None:
        return  # refusing is fine
    i = run(["openssl", "pkcs12", "-info", "-noout", "-in", work / "out.p12", "-passin",
             f"file:{ossl_pass_for(new)}"], merge_stderr=True).ok()
    info = parse_openssl_info(i.out)
    kept = info["key_bags"] == 2 if lost == "multiple_keys" else "Secret bag" in i.out
    codes = [f["code"] for f in r.json().get("findings", [])]
    assert kept or lost in codes, (
        f"repack of {source} silently dropped content: output has {info['key_bags']} key bag(s), "
        f"secret bag kept: {'Secret bag' in i.out}; repack findings: {codes}\n" + r.describe() + "\n" + i.describe())
