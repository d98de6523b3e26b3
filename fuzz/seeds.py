#!/usr/bin/env python3
"""Writes each fuzz target's seed corpus from the committed fixtures and vectors.

    python3 fuzz/seeds.py OUTDIR      (scripts/fuzz.sh passes $INKAN_CACHE/fuzz/seeds)

One folder per target under OUTDIR, rebuilt on every run so that seeds follow the fixtures.
The targets that take a password read it from the input's head (fuzz/src/lib.rs): one byte of
length, the password, then the file; each `.p12` becomes one seed per password file beside it
(the right one and, where the fixtures have it, a wrong one).
"""
import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "fuzz" / "fixtures"
INTEROP = ROOT / "tests" / "interop" / "fixtures"
INSPECT = ROOT / "tests" / "inspect" / "fixtures"
KEY_PASSWORD = "fuzz-seed-pass"  # fuzz/fixtures/gen.sh


def with_password(password: str, data: bytes) -> bytes:
    pw = password.encode()[:64]
    return bytes([len(pw)]) + pw + data


def p12_seeds():
    out = {}
    for p12 in sorted(INTEROP.glob("vectors/*.p12")):
        for pw_file in sorted(p12.parent.glob(p12.stem + ".*pass")):
            password = pw_file.read_text(encoding="utf-8").removesuffix("\n")
            out[f"{p12.stem}.{pw_file.name}"] = with_password(password, p12.read_bytes())
    passwords = [INSPECT / "password-ascii.txt", INSPECT / "password-ja.txt"]
    for p12 in sorted(INSPECT.glob("*.p12")):
        for pw_file in passwords:
            password = pw_file.read_text(encoding="utf-8").removesuffix("\n")
            out[f"inspect-{p12.stem}.{pw_file.stem}"] = with_password(password, p12.read_bytes())
    return out


def files(*patterns):
    out = {}
    for base, pattern in patterns:
        for f in sorted(base.glob(pattern)):
            out[f"{base.name}-{f.name}"] = f.read_bytes()
    return out


def intake_seeds():
    out = {}
    for csr in sorted(INSPECT.glob("*.csr")):
        pem = csr.read_text()
        for email in ["taro.yamada@example.jp", "someone@example.com"]:
            body = {
                "product": "sign123",
                "csr": pem,
                "applicant": {"name": "山田 太郎", "email": email, "organisation": "山田法律事務所"},
                "download_password": "correct horse battery staple",
            }
            out[f"{csr.stem}-{email.split('@')[0]}-password.json"] = json.dumps(body, ensure_ascii=False).encode()
        body = {
            "product": "jcan-123sign",
            "csr": pem,
            "applicant": {"name": "Taro Yamada", "email": "taro.yamada@example.jp"},
            "download_password_verifier": {
                "salt": "c2FsdHNhbHRzYWx0c2FsdA==",
                "iterations": 600000,
                "hash": "SHA-256",
                "derived": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=",
            },
        }
        out[f"{csr.stem}-verifier.json"] = json.dumps(body).encode()
    return out



def download_seeds() -> dict[str, bytes]:
    """Download bodies as the site and scripts send them: each fixture value as the password and
    as the verifier, both at once (refused), and neither (refused)."""
    out = {}
    for name, value in files((FIX, "download-*.txt")).items():
        text = value.decode("utf-8").strip()
        stem = name.rsplit(".", 1)[0]
        out[f"{stem}-password.json"] = json.dumps({"download_password": text}, ensure_ascii=False).encode()
        out[f"{stem}-verifier.json"] = json.dumps({"download_password_verifier": text}).encode()
    out["both.json"] = b'{"download_password":"a","download_password_verifier":"b"}'
    out["neither.json"] = b"{}"
    return out


def main():
    out = pathlib.Path(sys.argv[1])
    p12 = p12_seeds()
    certs = files((INTEROP / "pki", "*.pem"), (INTEROP / "pki", "*.der"), (INSPECT, "*.pem"))
    csrs = files((INSPECT, "*.csr"), (FIX, "csr-*.der"))
    keys = files((INTEROP / "pki", "*.key"), (FIX, "key-plain-*"), (FIX, "key-sec1-*"), (FIX, "key-pkcs1-*"))
    encrypted = {name: with_password(KEY_PASSWORD, data) for name, data in files((FIX, "key-pbe*")).items()}
    encrypted.update({f"wrong-{name}": with_password("wrong", data) for name, data in files((FIX, "key-pbe*")).items()})
    targets = {
        "p12_open": p12,
        "p12_password_check": p12,
        "certificates": certs,
        "csr": csrs,
        "pem": {**certs, **csrs, **files((INTEROP / "pki", "*.key"), (FIX, "key-pbes2-p256.pem"))},
        "inspect": {**certs, **csrs, **files((INSPECT, "*.p12"))},
        "key_pkcs8": keys,
        "key_encrypted": encrypted,
        "advisor_answers": files((FIX, "advisor-*.json")),
        "expiry_inputs": files((FIX, "expiry-*.txt")),
        "worker_intake": intake_seeds(),
        "worker_download_body": download_seeds(),
        "est_pkcs7": files((FIX, "est-*")),
    }
    for target, seeds in targets.items():
        if not seeds:
            sys.exit(f"fuzz/seeds.py: no seeds for {target}: are the fixtures there?")
        d = out / target
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        for name, data in seeds.items():
            (d / name).write_bytes(data)
    print(f"seeds: {sum(len(s) for s in targets.values())} files for {len(targets)} targets in {out}")


if __name__ == "__main__":
    main()
