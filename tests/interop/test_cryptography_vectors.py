"""inkan p12 open on every PKCS#12 file of the installed `cryptography_vectors` package (pkcs12/).

Each file has exactly one expected outcome: it opens (and inkan sees the same key and certificates as
Python cryptography does), or it fails with the code listed for it in vectors_exceptions.toml.
A file that appears in a new cryptography_vectors release and is not listed in PASSWORDS below fails
test_every_file_is_classified: nothing is skipped silently.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
import warnings
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from interop_helpers import HERE, error_code, write_pass


def vectors_dir() -> Path:
    spec = importlib.util.find_spec("cryptography_vectors")
    assert spec is not None and spec.origin, "the cryptography-vectors package is not installed (requirements.txt)"
    return Path(spec.origin).parent / "pkcs12"


# Passwords, as used by cryptography's own tests (tests/hazmat/primitives/test_pkcs12.py):
#   b"cryptography" for the cert-*/no-cert-key-* files, b"password" for the name-* "-pwd" files,
#   None for "no-pwd", "no-password" and the Java trust store.  None is given to inkan as an
#   empty password file.
PASSWORDS: dict[str, str | None] = {
    "cert-aes256cbc-no-key.p12": "cryptography",
    "cert-key-aes256cbc.p12": "cryptography",
    "cert-none-key-none.p12": "cryptography",
    "cert-rc2-key-3des.p12": "cryptography",
    "no-cert-key-aes256cbc.p12": "cryptography",
    "java-truststore.p12": None,
    "no-password.p12": None,
}
for _n in ("name-1", "name-2", "name-2-3", "name-3", "name-all", "name-unicode", "no-name",
           "no-cert-name-2", "no-cert-name-3", "no-cert-name-all", "no-cert-name-unicode", "no-cert-no-name"):
    PASSWORDS[f"{_n}-pwd.p12"] = "password"
    PASSWORDS[f"{_n}-no-pwd.p12"] = None

EXCEPTIONS = {e["name"]: e for e in tomllib.loads((HERE / "vectors_exceptions.toml").read_text("utf-8")).get("file", [])}


def _present() -> list[str]:
    d = vectors_dir()
    return sorted(p.name for p in d.iterdir() if p.suffix.lower() in (".p12", ".pfx"))


def test_every_file_is_classified():
    present = set(_present())
    assert present, f"no PKCS#12 files found in {vectors_dir()}"
    unknown = present - set(PASSWORDS)
    assert not unknown, (f"new file(s) in cryptography_vectors/pkcs12 with no known password/outcome: {sorted(unknown)}; "
                         "add them to PASSWORDS (and vectors_exceptions.toml if they must not open)")
    gone = set(PASSWORDS) - present
    assert not gone, f"file(s) no longer shipped by cryptography_vectors: {sorted(gone)}"
    stale = set(EXCEPTIONS) - present
    assert not stale, f"vectors_exceptions.toml lists missing files: {sorted(stale)}"
    for name, e in EXCEPTIONS.items():
        assert e.get("expect", "").startswith("error:") and e.get("why"), f"{name}: needs expect='error:...' and why"
        if e["expect"] == "error:unsupported_algorithm":
            assert e.get("algorithm"), f"{name}: unsupported_algorithm entries must say which algorithm"


def _oracle(data: bytes, pw: str | None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pkcs12.load_pkcs12(data, pw.encode() if pw is not None else None)


def _key_desc(key):
    if key is None:
        return None
    if isinstance(key, rsa.RSAPrivateKey):
        return ("rsa", key.key_size)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return ({"secp256r1": "ec-p256", "secp384r1": "ec-p384"}.get(key.curve.name, key.curve.name), key.curve.key_size)
    return (type(key).__name__, None)


def _cn(c):
    a = c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return a[0].value if a else None


@pytest.mark.parametrize("name", sorted(set(_present()) | set(PASSWORDS)))
def test_vector(name, inkan, work):
    path = vectors_dir() / name
    assert path.exists(), f"{name} is not shipped any more (see test_every_file_is_classified)"
    assert name in PASSWORDS, f"{name}: unknown file (see test_every_file_is_classified)"
    pw = PASSWORDS[name]
    pf = write_pass(work / "pw", pw or "")
    r = inkan.open(path, pf)
    code = error_code(r)
    exc = EXCEPTIONS.get(name)
    if exc:
        want = exc["expect"].split(":", 1)[1]
        assert code == want, f"{name}: expected {exc['expect']} ({exc['why']}), got {code or 'success'}\n" + r.describe()
        if want == "unsupported_algorithm":
            en = json.loads(r.stdout)["error"]["message"]["en"]
            assert exc["algorithm"].lower() in en.lower(), f"{name}: the message must name {exc['algorithm']!r}: {en!r}"
        return
    assert code is None, f"{name}: expected to open, got error {code!r}\n" + r.describe()
    doc = r.json()
    o = _oracle(path.read_bytes(), pw)
    want_key = _key_desc(o.key)
    got_key = None if doc["key"] is None else (doc["key"]["algorithm"], doc["key"]["bits"])
    assert got_key == want_key, f"{name}: key {got_key} != cryptography's {want_key}\n" + r.describe()
    pc = ([o.cert.certificate] if o.cert else []) + [c.certificate for c in o.additional_certs]
    want_certs = sorted((_cn(c) or "", c.not_valid_after_utc.date().isoformat()) for c in pc)
    got_certs = sorted((c.get("subject_cn") or "", c.get("not_after")) for c in doc["certificates"])
    assert got_certs == want_certs, f"{name}: certificates {got_certs} != cryptography's {want_certs}\n" + r.describe()
    if o.key is not None and o.cert is not None:
        assert doc["key"]["matches_certificate"] is True, r.describe()
