"""Differential checks: Inkan's certificate, CSR and PKCS#12 readers against pyca `cryptography`
(OpenSSL and rust-asn1 underneath) on generated inputs.

Inputs are made two ways, from a fixed seed so every run sees the same cases:
- structure-aware: pyca builds valid certificates, CSRs and `.p12` files over the options real
  tools use (key types and sizes, hashes, UTF-8 names, e-mail SANs, PKCS#12 encryptions, MAC
  hashes, iteration counts, passwords, chains, key-only and certificate-only files);
- mutated: the committed fixtures and the generated files with bytes flipped, inserted, deleted
  or cut off.

Each input is read by both sides. They must give the same verdict (accept or reject) and, when
both accept, the same facts: subject CN, serial, validity, key type and size (and for a `.p12`
the number of certificates and whether it has a key). A disagreement fails the test unless it
falls in one of the EXPECTED classes below, each with the reason Inkan differs on purpose; the
classes that occurred are printed (pytest -rP shows them), so the note in fuzz/README.md can be
checked against a run.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from interop_helpers import FIXTURES, write_pass

SEED = 18
AT = "2026-06-01"
ROOT = FIXTURES.parent.parent.parent
INSPECT_FIXTURES = ROOT / "tests" / "inspect" / "fixtures"

# Disagreements Inkan has on purpose: class -> reason. `classify()` names the class of each
# disagreement from what it is; anything it cannot name fails the test.
EXPECTED = {
    "key-unsupported": "Inkan takes RSA, P-256 and P-384 keys only (what the issuers accept) and refuses a .p12 "
                       "or CSR with another key (P-521, Ed25519) as unsupported_algorithm; pyca reads them. "
                       "A certificate with such a key is still read, and its key named with its size.",
    "csr-sha1-policy": "pyca's is_signature_valid refuses SHA-1 signatures by policy; OpenSSL's `req -verify` "
                       "accepts them, and so does Inkan, whose inspector then reports weak_signature_algorithm "
                       "(an error finding) so the applicant learns why an issuer will refuse the request.",
    "p12-trailing-data": "Bytes appended after the PFX: Inkan refuses the file as damaged (a concatenation or a "
                         "broken transfer should not pass silently); pyca warns and falls back to BER, reading "
                         "the first object only.",
    "p12-widened-password": "A Japanese password encoded the pre-1.1.0 OpenSSL way (UTF-8 bytes widened to 16 "
                            "bits): OpenSSL 3's CLI and Inkan open it (Inkan with legacy_password_encoding), pyca "
                            "does not.",
    "p12-leaf-pairing": "pyca names a leaf only when a certificate's localKeyID pairs it with the key; Inkan "
                        "pairs by public key, and without a key picks the end of the chain. Same key, same "
                        "certificates; pyca just has no leaf to compare (a trust store, or a mutated localKeyID).",
}
SUPPORTED_KEYS = ("rsa", "ec-p256", "ec-p384")
MUTATIONS_PER_FILE = {"cert": 12, "csr": 12, "p12": 6}


# --------------------------------------------------------------------------- inputs
def _name(cn: str, email: str | None = None, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def _keys():
    return {
        "rsa2048": rsa.generate_private_key(65537, 2048),
        "rsa3072": rsa.generate_private_key(65537, 3072),
        "p256": ec.generate_private_key(ec.SECP256R1()),
        "p384": ec.generate_private_key(ec.SECP384R1()),
        "p521": ec.generate_private_key(ec.SECP521R1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
    }


def _cert(key, issuer_key, cn: str, serial: int, days: int, hash_alg, ca: bool, issuer_name=None):
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    b = (x509.CertificateBuilder()
         .subject_name(_name(cn, None if ca else "taro@example.jp", "山田法律事務所"))
         .issuer_name(issuer_name or _name(cn))
         .public_key(key.public_key())
         .serial_number(serial)
         .not_valid_before(now)
         .not_valid_after(now + dt.timedelta(days=days))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        b = b.add_extension(x509.SubjectAlternativeName([x509.RFC822Name("taro@example.jp")]), critical=False)
    alg = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hash_alg
    return b.sign(issuer_key, alg)


def generated(rng: random.Random):
    """(kind, name, bytes, password) for valid inputs built by pyca."""
    keys = _keys()
    ca_key = keys["p384"]
    ca = _cert(ca_key, ca_key, "Inkan Differential Root", 1, 3650, hashes.SHA384(), True)
    out = []
    hashes_for = [hashes.SHA256(), hashes.SHA384(), hashes.SHA512()]
    for i, (kname, key) in enumerate(keys.items()):
        serial = rng.getrandbits(rng.choice([8, 64, 159]))  | 1
        leaf = _cert(key, ca_key, f"山田 太郎 {kname}", serial, rng.choice([1, 365, 825]), hashes_for[i % 3], False,
                     issuer_name=ca.subject)
        selfsigned = _cert(key, key, f"Self {kname}", serial + 2, 30, hashes_for[(i + 1) % 3], True)
        out.append(("cert", f"leaf-{kname}", leaf.public_bytes(serialization.Encoding.DER), None))
        out.append(("cert", f"self-{kname}", selfsigned.public_bytes(serialization.Encoding.DER), None))
        alg = None if kname == "ed25519" else hashes_for[(i + 2) % 3]
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(_name(f"申請 {kname}", "taro@example.jp"))
               .add_extension(x509.SubjectAlternativeName([x509.RFC822Name("taro@example.jp")]), critical=False)
               .sign(key, alg))
        out.append(("csr", f"csr-{kname}", csr.public_bytes(serialization.Encoding.DER), None))
        encryptions = [
            ("aes", lambda pw: serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(rng.randint(1000, 3000))
             .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256()).build(pw)),
            ("3des", lambda pw: serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(rng.randint(1000, 3000))
             .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(pw)),
        ]
        for ename, make in encryptions:
            password = rng.choice(["correct horse", "秘密のパスワード", "x"])
            with_chain = rng.random() < 0.6
            data = pkcs12.serialize_key_and_certificates(
                b"Inkan Test Key", key, leaf, [ca] if with_chain else None, make(password.encode()))
            out.append(("p12", f"p12-{kname}-{ename}{'-chain' if with_chain else ''}", data, password))
    # A certificate-only file (a trust store) and a key-only one.
    enc = serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048) \
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256()).build(b"store")
    out.append(("p12", "p12-certs-only", pkcs12.serialize_key_and_certificates(None, None, None, [ca], enc), "store"))
    enc = serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048) \
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256()).build(b"key")
    out.append(("p12", "p12-key-only", pkcs12.serialize_key_and_certificates(b"k", keys["p256"], None, None, enc), "key"))
    return out


def committed():
    """(kind, name, bytes, password) for the committed fixtures that both readers should read."""
    out = []
    for f in sorted((FIXTURES / "pki").glob("*.der")):
        out.append(("cert", f.name, f.read_bytes(), None))
    for f in sorted(INSPECT_FIXTURES.glob("*.csr")):
        out.append(("csr", f.name, x509.load_pem_x509_csr(f.read_bytes()).public_bytes(serialization.Encoding.DER), None))
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    for v in manifest["vectors"]:
        if v.get("expect") == "opens" and "iter600k" not in v["file"]:
            password = (FIXTURES / v["password_file"]).read_text(encoding="utf-8")
            out.append(("p12", Path(v["file"]).name, (FIXTURES / v["file"]).read_bytes(), password))
    return out


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    b = bytearray(data)
    op = rng.choice(["flip", "flip", "flip", "set", "insert", "delete", "truncate", "append"])
    pos = rng.randrange(len(b))
    if op == "flip":
        b[pos] ^= 1 << rng.randrange(8)
    elif op == "set":
        b[pos] = rng.choice([0x00, 0x80, 0xff, 0x7f, 0x81, 0x30])
    elif op == "insert":
        b[pos:pos] = bytes([rng.randrange(256)])
    elif op == "delete":
        del b[pos]
    elif op == "truncate":
        del b[pos:]
    else:
        b += bytes([rng.randrange(256) for _ in range(rng.randint(1, 4))])
    return f"{op}@{pos}", bytes(b)


# --------------------------------------------------------------------------- the two readers
def key_facts(public_key) -> tuple[str, int] | None:
    if isinstance(public_key, rsa.RSAPublicKey):
        return ("rsa", public_key.key_size)
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        names = {"secp256r1": "ec-p256", "secp384r1": "ec-p384", "secp521r1": "ec-p521"}
        return (names.get(public_key.curve.name, f"ec-{public_key.curve.name}"), public_key.curve.key_size)
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return ("ed25519", 256)
    return (type(public_key).__name__, 0)


def _cn(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return values[0].value if values else ""


def pyca_cert(der: bytes):
    try:
        c = x509.load_der_x509_certificate(der)
        facts = {"cn": _cn(c.subject), "serial": c.serial_number,
                 "not_before": int(c.not_valid_before_utc.timestamp()), "not_after": int(c.not_valid_after_utc.timestamp())}
    except Exception as e:  # noqa: BLE001: any refusal is the verdict
        return None, repr(e)
    try:
        facts["key"] = key_facts(c.public_key())
    except Exception:  # noqa: BLE001: an unreadable key is not a refusal of the certificate
        facts["key"] = None
    return facts, None


def pyca_csr(der: bytes):
    try:
        r = x509.load_der_x509_csr(der)
        if not r.is_signature_valid:
            return None, "signature does not verify"
        return {"cn": _cn(r.subject), "key": key_facts(r.public_key())}, None
    except Exception as e:  # noqa: BLE001
        return None, repr(e)


def pyca_p12(data: bytes, password: str):
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode())
    except Exception as e:  # noqa: BLE001
        return None, repr(e)
    certs = ([cert] if cert else []) + list(extra or [])
    leaf = cert
    return {"key": key_facts(key.public_key()) if key else None, "certificates": len(certs),
            "cn": _cn(leaf.subject) if leaf else None,
            "serial": leaf.serial_number if leaf else None}, None


def ours(inkan, kind: str, data: bytes, password: str | None, tmp: Path):
    f = tmp / "input"
    f.write_bytes(data)
    pw = write_pass(tmp / "pw", "unused" if password is None else password)
    if kind == "p12":
        r = inkan.run("p12", "open", f, "--password-file", pw, "--json", timeout=120)
    else:
        r = inkan.run("inspect", f, "--password-file", pw, "--at", AT, "--json", timeout=120)
    doc = json.loads(r.stdout)
    if r.rc != 0:
        return None, doc["error"]["code"]
    if kind == "p12":
        leaf = next((c for c in doc["certificates"] if c["role"] == "leaf"), None)
        return {"key": (doc["key"]["algorithm"], doc["key"]["bits"]) if doc["key"] else None,
                "certificates": len(doc["certificates"]), "cn": leaf["subject_cn"] if leaf else None,
                "serial": int(leaf["serial"], 16) if leaf else None, "leaf_role": bool(leaf)}, None
    if kind == "cert":
        if doc["kind"] != "certificates" or len(doc["certificates"]) != 1:
            return None, f"read as {doc['kind']}"
        c = doc["certificates"][0]
        return {"cn": c["subject_cn"], "serial": int(c["serial"], 16), "not_before": c["not_before_unix"],
                "not_after": c["not_after_unix"], "key": (c["key"]["algorithm"], c["key"]["bits"])}, None
    if doc["kind"] != "csr":
        return None, f"read as {doc['kind']}"
    return {"cn": doc["csr"]["subject_cn"], "key": (doc["csr"]["key"]["algorithm"], doc["csr"]["key"]["bits"])}, None


# --------------------------------------------------------------------------- comparing
def classify(kind: str, name: str, how: str, data: bytes, mine, theirs, my_err: str | None,
             their_err: str | None) -> str | None:
    """The EXPECTED class of a verdict disagreement, or None when it is a real one."""
    key = (theirs or {}).get("key")
    if mine is None and my_err == "unsupported_algorithm" and key and key[0] not in SUPPORTED_KEYS:
        return "key-unsupported"
    if kind == "csr" and mine is not None and their_err == "signature does not verify" and _sha1_signed_csr(data):
        return "csr-sha1-policy"
    if kind == "p12" and how.startswith("append@") and mine is None and my_err == "corrupt":
        return "p12-trailing-data"
    if kind == "p12" and mine is not None and theirs is None and name.startswith("pyca-widened-utf8"):
        return "p12-widened-password"
    return None


def _sha1_signed_csr(der: bytes) -> bool:
    try:
        return isinstance(x509.load_der_x509_csr(der).signature_hash_algorithm, hashes.SHA1)
    except Exception:  # noqa: BLE001
        return False


def compare_facts(kind: str, mine: dict, theirs: dict) -> list[str]:
    diffs = []
    keys = {"cert": ["cn", "serial", "not_before", "not_after", "key"], "csr": ["cn", "key"],
            "p12": ["key", "certificates", "cn", "serial"]}[kind]
    for k in keys:
        a, b = mine.get(k), theirs.get(k)
        if k == "key" and b is None and kind == "cert":
            continue  # pyca could not read the key; ours names the algorithm anyway
        if isinstance(a, list):
            a = tuple(a)
        if a != b:
            diffs.append(f"{k}: inkan {a!r} != pyca {b!r}")
    return diffs


@pytest.mark.parametrize("kind", ["cert", "csr", "p12"])
def test_inkan_and_pyca_agree(inkan, tmp_path, kind):
    rng = random.Random(f"{SEED}-{kind}")
    inputs = [i for i in committed() + generated(rng) if i[0] == kind]
    assert len(inputs) >= 8, f"too few {kind} inputs: {len(inputs)}"
    oracle = {"cert": lambda d, p: pyca_cert(d), "csr": lambda d, p: pyca_csr(d), "p12": pyca_p12}[kind]
    expected, real, cases = Counter(), [], 0
    for _, name, data, password in inputs:
        variants = [("original", data)] + [mutate(data, rng) for _ in range(MUTATIONS_PER_FILE[kind])]
        for how, body in variants:
            cases += 1
            theirs, their_err = oracle(body, password)
            mine, my_err = ours(inkan, kind, body, password, tmp_path)
            if mine is not None and theirs is not None:
                diffs = compare_facts(kind, mine, theirs)
                if diffs and kind == "p12" and theirs["cn"] is None and all(d.startswith(("cn:", "serial:")) for d in diffs):
                    expected["p12-leaf-pairing"] += 1
                elif diffs:
                    real.append(f"{name} [{how}]: facts differ: {'; '.join(diffs)}")
                continue
            if (mine is None) == (theirs is None):
                continue
            cls = classify(kind, name, how, body, mine, theirs, my_err, their_err)
            verdict = f"inkan {'accepts' if mine else 'refuses (' + str(my_err) + ')'}, " \
                      f"pyca {'accepts' if theirs else 'refuses (' + str(their_err)[:80] + ')'}"
            if cls in EXPECTED:
                expected[cls] += 1
                if expected[cls] <= 3:
                    print(f"  e.g. {cls}: {name} [{how}]: {verdict}")
            else:
                real.append(f"{name} [{how}]: {verdict}")
    print(f"\n{kind}: {cases} inputs; expected disagreements: "
          + (", ".join(f"{c} x{n}" for c, n in sorted(expected.items())) or "none"))
    for c in sorted(expected):
        print(f"  {c}: {EXPECTED[c]}")
    assert not real, f"{len(real)} unexplained disagreement(s) between inkan and pyca:\n" + "\n".join(real[:40])
