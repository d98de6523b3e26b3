"""inkan p12 open on PKCS#12 files made by OpenSSL 3, Java keytool, NSS pk12util and Python cryptography.

The vectors and their expected outcomes are in fixtures/manifest.json (made by fixtures/gen.sh).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from interop_helpers import (FIXTURES, MANIFEST, Inkan, error_code, openssl_info, run, check_open_shape)

_MANIFEST = json.loads(MANIFEST.read_text(encoding="utf-8"))["vectors"]


def _vid(v):
    pw = Path(v["password_file"]).name
    base = Path(v["file"]).stem
    return base if pw == base + ".pass" else f"{base}[{pw}]"


def pyca_oracle(p12: Path, pass_file: Path):
    """What Python cryptography sees in the file, or None if it cannot load it."""
    pw = pass_file.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BER fallback warning for NSS files
        try:
            return pkcs12.load_pkcs12(p12.read_bytes(), pw if pw else None)
        except Exception:
            return None


def _key_desc(key):
    if isinstance(key, rsa.RSAPrivateKey):
        return {"algorithm": "rsa", "bits": key.key_size}
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"algorithm": {"secp256r1": "ec-p256", "secp384r1": "ec-p384"}.get(key.curve.name, key.curve.name),
                "bits": key.curve.key_size}
    return {"algorithm": type(key).__name__, "bits": None}


def _cn(cert: x509.Certificate):
    a = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return a[0].value if a else None


def _san_emails(cert: x509.Certificate):
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return san.get_values_for_type(x509.RFC822Name)


def compare(vector: dict, base: Path, inkan: Inkan) -> list[str]:
    """Open one manifest vector with inkan; return the list of differences from the expectation."""
    p12 = base / vector["file"]
    pw = base / vector["password_file"]
    r = inkan.open(p12, pw)
    head = f"{vector['file']} (password file {vector['password_file']}): "
    problems = []
    try:
        code = error_code(r)
    except AssertionError as e:
        return [head + str(e)]
    expect = vector["expect"]
    if expect.startswith("error:"):
        want = expect.split(":", 1)[1]
        if code != want:
            problems.append(head + f"expected error {want!r}, got {code or 'success'!r}\n" + r.describe(1500))
        else:
            msg = json.loads(r.stdout)["error"]["message"]
            alts = [a for a in vector.get("error_mentions", "").lower().split("|") if a]
            for lang in ("en", "ja"):
                if alts and not any(a in msg[lang].lower() for a in alts):
                    problems.append(head + f"error message ({lang}) should name one of {alts}: {msg[lang]!r}")
                bad = vector.get("error_not_mentions")
                if bad and bad.lower() in msg[lang].lower():
                    problems.append(head + f"error message ({lang}) should not mention {bad!r} "
                                    f"({vector.get('why', '')}): {msg[lang]!r}")
        return problems
    if code is not None:
        return [head + f"expected to open, got error {code!r}\n" + r.describe(1500)]
    doc = r.json()
    try:
        check_open_shape(doc, r)
    except AssertionError as e:
        problems.append(head + str(e))
        return problems
    # key
    if vector["key"] is None:
        if doc["key"] is not None:
            problems.append(head + f"expected no key, got {doc['key']}")
    else:
        k = doc["key"]
        if k is None:
            problems.append(head + f"expected key {vector['key']}, got null")
        else:
            if (k["algorithm"], k["bits"]) != (vector["key"]["algorithm"], vector["key"]["bits"]):
                problems.append(head + f"key: expected {vector['key']}, got {k}")
            if vector["certificates"] and k.get("matches_certificate") is not True:
                problems.append(head + f"key.matches_certificate should be true, got {k.get('matches_certificate')!r}")
    # certificates
    certs = doc["certificates"]
    if len(certs) != vector["certificates"]:
        problems.append(head + f"expected {vector['certificates']} certificates, got {len(certs)}: "
                        f"{[c.get('subject_cn') for c in certs]}")
    if vector.get("leaf_cn") and certs and certs[0].get("subject_cn") != vector["leaf_cn"]:
        problems.append(head + f"first certificate CN: expected {vector['leaf_cn']!r}, got {certs[0].get('subject_cn')!r}")
    if vector.get("roles") and [c.get("role") for c in certs] != vector["roles"]:
        problems.append(head + f"roles: expected {vector['roles']}, got {[c.get('role') for c in certs]}")
    # encryption
    enc, want = doc["encryption"], vector["encryption"]
    for field in ("certificates", "key", "mac", "iterations", "mac_iterations"):
        if want.get(field) is not None and enc.get(field) != want[field]:
            problems.append(head + f"encryption.{field}: expected {want[field]!r}, got {enc.get(field)!r}")
    # findings
    codes = {f["code"]: f["severity"] for f in doc["findings"]}
    for c in vector["findings"]:
        if c not in codes:
            problems.append(head + f"expected finding {c!r}, got {sorted(codes)}")
    for c, sev in (vector.get("finding_severity") or {}).items():
        if c in codes and codes[c] != sev:
            problems.append(head + f"finding {c!r}: expected severity {sev!r}, got {codes[c]!r}")
    if "no_mac" in codes and vector["encryption"]["mac"] != "none":
        problems.append(head + "finding no_mac on a file that has a MAC")
    # cross-check against Python cryptography's view of the same file
    o = pyca_oracle(p12, pw)
    if o is not None:
        pc = ([o.cert.certificate] if o.cert else []) + [c.certificate for c in o.additional_certs]
        want_dates = sorted((_cn(c) or "", c.not_valid_after_utc.date().isoformat()) for c in pc)
        got_dates = sorted((c.get("subject_cn") or "", c.get("not_after")) for c in certs)
        if want_dates != got_dates:
            problems.append(head + f"(subject_cn, not_after): cryptography sees {want_dates}, inkan says {got_dates}")
        for c in pc:
            mine = [x for x in certs if x.get("subject_cn") == _cn(c)]
            for e in _san_emails(c):
                if mine and e not in mine[0].get("emails", []):
                    problems.append(head + f"SAN email {e!r} of {_cn(c)!r} missing from emails {mine[0].get('emails')}")
    return problems


# ----------------------------------------------------------------------------- fixture self-checks (no inkan)
@pytest.mark.parametrize("vector", [v for v in _MANIFEST if v["expect"] == "opens"], ids=_vid)
def test_manifest_agrees_with_openssl(vector, tools):
    """The committed manifest describes the committed files (checked with openssl and cryptography)."""
    p12, pw = FIXTURES / vector["file"], FIXTURES / vector["password_file"]
    r, info = openssl_info(p12, pw)
    assert r.rc == 0, r.describe()
    want = vector["encryption"]
    got = {"certificates": info["certificates"], "key": info["key"], "mac": info["mac"],
           "iterations": info["key_iterations"] or info["cert_iterations"], "mac_iterations": info["mac_iterations"]}
    for f in got:
        if want.get(f) is not None:
            assert got[f] == want[f], f"{f}: manifest {want[f]!r}, openssl -info {got[f]!r}\n{r.describe()}"
    assert info["cert_bags"] == vector["certificates"], r.describe()
    assert info["key_bags"] == (0 if vector["key"] is None else 2 if "multiple_keys" in vector["findings"] else 1), r.describe()
    o = pyca_oracle(p12, pw)
    # cryptography has no fallback for the pre-1.1.0 OpenSSL password encoding
    if "legacy_password_encoding" not in vector["findings"]:
        assert o is not None, "cryptography cannot load it"
        if vector["key"] is not None:
            assert _key_desc(o.key) == vector["key"]


def test_manifest_covers_every_vector_file():
    """Every file in fixtures/vectors/ is in the manifest (nothing untested), and vice versa."""
    listed = {v["file"] for v in _MANIFEST} | {v["password_file"] for v in _MANIFEST}
    on_disk = {str(p.relative_to(FIXTURES)) for p in (FIXTURES / "vectors").iterdir()}
    assert on_disk - listed == set(), "files not in manifest.json"
    assert listed - on_disk == set(), "manifest.json names missing files"
    assert len({(v["file"], v["password_file"]) for v in _MANIFEST}) == len(_MANIFEST), "duplicate vectors"


# ----------------------------------------------------------------------------- inkan opens the committed vectors
@pytest.mark.parametrize("vector", _MANIFEST, ids=_vid)
def test_inkan_opens_vector(vector, inkan):
    problems = compare(vector, FIXTURES, inkan)
    assert not problems, "\n\n".join(problems)


def test_password_from_env(inkan, work):
    """INKAN_PASSWORD is an alternative to --password-file."""
    v = next(v for v in _MANIFEST if v["file"].endswith("openssl-default-p256-ja.p12") and v["expect"] == "opens")
    pw = (FIXTURES / v["password_file"]).read_text(encoding="utf-8")
    r = inkan.open(FIXTURES / v["file"], None, env={"INKAN_PASSWORD": pw})
    assert error_code(r) is None, r.describe()
    assert r.json()["key"]["algorithm"] == "ec-p256"
    r = inkan.open(FIXTURES / v["file"], None, env={"INKAN_PASSWORD": "wrong horse"})
    assert error_code(r) == "wrong_password", r.describe()


def test_missing_file_is_an_error_not_a_crash(inkan, work):
    (work / "p").write_bytes(b"x")
    r = inkan.open(work / "does-not-exist.p12", work / "p")
    assert r.rc != 0, r.describe()
    assert r.rc < 100 and r.rc != 101, "looks like a panic / signal:\n" + r.describe()


# ----------------------------------------------------------------------------- fresh vectors from today's tools
def test_regenerated_vectors(inkan, tools, tmp_path):
    """gen.sh into a temp dir (fresh salts, the installed tools' current behaviour), then open every file."""
    out = tmp_path / "fixtures"
    r = run(["bash", FIXTURES / "gen.sh", out], timeout=600, env={"PYTHON": sys.executable})
    assert r.rc == 0, r.describe()
    fresh = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["vectors"]
    assert [(v["file"], v["expect"]) for v in fresh] == [(v["file"], v["expect"]) for v in _MANIFEST], \
        "gen.sh now produces a different vector list than the committed manifest.json: regenerate and commit"
    problems = []
    for v in fresh:
        problems += compare(v, out, inkan)
    assert not problems, f"{len(problems)} problem(s):\n\n" + "\n\n".join(problems)


# ----------------------------------------------------------------------------- hostile inputs not worth a fixture file
def test_too_large(inkan, work):
    """8 MiB of junk (real .p12 files are a few KiB): refused by size before parsing."""
    big = work / "big.p12"
    with open(big, "wb") as fh:
        fh.write(b"\x30\x84\x00\x80\x00\x00")
        fh.write(b"\x00" * (8 * 1024 * 1024))
    (work / "p").write_bytes(b"correct horse")
    r = inkan.open(big, work / "p")
    assert error_code(r) == "too_large", r.describe()


def test_deep_nesting(inkan, work):
    """100000 nested indefinite-length SEQUENCEs: a clean error, no stack overflow, sensible numbers."""
    deep = work / "deep.p12"
    deep.write_bytes(b"\x30\x80" * 100000)
    (work / "p").write_bytes(b"correct horse")
    r = inkan.open(deep, work / "p")
    code = error_code(r)
    assert code in ("limit_exceeded", "corrupt", "not_pkcs12", "truncated"), r.describe()
    if code == "limit_exceeded":
        en = json.loads(r.stdout)["error"]["message"]["en"]
        assert "limit 0" not in en, f"the message reports a limit of 0: {en!r}"


def test_closed_stdout_is_not_a_panic(inkan):
    """`inkan p12 open ... --json | head -c 0`: a closed stdout must not end in a Rust panic (exit 101)."""
    import subprocess
    v = next(v for v in _MANIFEST if v["file"].endswith("openssl-default-rsa2048.p12"))
    r_fd, w_fd = os.pipe()
    os.close(r_fd)
    try:
        p = subprocess.run([inkan.bin, "p12", "open", FIXTURES / v["file"], "--password-file",
                            FIXTURES / v["password_file"], "--json"], stdout=w_fd, stderr=subprocess.PIPE,
                           timeout=60)
    finally:
        os.close(w_fd)
    assert p.returncode != 101 and b"panicked" not in p.stderr, \
        f"exit {p.returncode}, stderr:\n{p.stderr.decode('utf-8', 'replace')[:1500]}"
