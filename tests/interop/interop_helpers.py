"""Helpers for the PKCS#12 / CSR interop suite (imported by conftest.py and the tests).

The CLI under test is the binary named by $INKAN_BIN.  Tests that need it
fail (not skip) when it is missing.  External tools (openssl, keytool,
pk12util, certutil) are required too: this suite exists to talk to them.

Passwords never go into argv: they are written to files (NAME.pass, UTF-8,
no trailing newline) and passed with --password-file / file: / -storepass:file /
pk12util -w.  (pk12util refuses an empty password file, so the *empty* password
is given to it as -W '' — an empty string is no secret.)
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
MANIFEST = FIXTURES / "manifest.json"

PASSWORDS = {"ascii": "correct horse", "ja": "秘密のパスワード", "empty": ""}
LEAF_CN = "山田 太郎"
LEAF_O = "山田法律事務所"
LEAF_OU = "開発部"
LEAF_EMAIL = "taro@example.jp"
FRIENDLY_NAME = "Inkan Test Key"

DEFAULT_TIMEOUT = 180  # seconds; 600000-iteration files take a few seconds per tool

# Environment for every child: UTF-8 locale (keytool decodes argv and prints with it),
# no inherited INKAN_PASSWORD unless a test sets it.
BASE_ENV = {k: v for k, v in os.environ.items() if k != "INKAN_PASSWORD"}
BASE_ENV.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})


# --------------------------------------------------------------------------- running commands
@dataclass
class Run:
    cmd: list[str]
    rc: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    def describe(self, limit: int = 4000) -> str:
        return (
            f"$ {shlex.join(self.cmd)}\n"
            f"exit status: {self.rc}\n"
            f"--- stdout ---\n{self.out[:limit]}\n"
            f"--- stderr ---\n{self.err[:limit]}"
        )

    def ok(self) -> "Run":
        assert self.rc == 0, "command failed:\n" + self.describe()
        return self

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError(f"stdout is not JSON ({e}):\n" + self.describe()) from None


def run(cmd, *, timeout: float = DEFAULT_TIMEOUT, input: bytes | None = None,
        env: dict | None = None, cwd=None, merge_stderr: bool = False) -> Run:
    cmd = [str(c) for c in cmd]
    full_env = dict(BASE_ENV)
    if env:
        full_env.update(env)
    try:
        p = subprocess.run(cmd, input=input if input is not None else b"", stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                           timeout=timeout, env=full_env, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"timed out after {timeout}s: $ {shlex.join(cmd)}\n"
                             f"stdout: {e.stdout!r:.2000}\nstderr: {e.stderr!r:.2000}") from None
    return Run(cmd, p.returncode, p.stdout, p.stderr or b"")


# --------------------------------------------------------------------------- password files
def write_pass(path: Path, password: str) -> Path:
    """Exact password, UTF-8, no trailing newline (what inkan reads)."""
    path = Path(path)
    path.write_bytes(password.encode("utf-8"))
    return path


def write_ossl_pass(path: Path, password: str) -> Path:
    """openssl's file: reader takes the first line and refuses an empty file: add a newline."""
    path = Path(path)
    path.write_bytes(password.encode("utf-8") + b"\n")
    return path


_OSSL_PASS_DIR: list = []


def ossl_pass_for(pass_file: Path) -> Path:
    """An openssl-readable copy (password + newline) of an inkan password file, in a private temp dir
    (never beside the original: the fixtures folder must stay clean)."""
    import hashlib
    import tempfile
    if not _OSSL_PASS_DIR:
        import atexit
        _OSSL_PASS_DIR.append(Path(tempfile.mkdtemp(prefix="inkan-ossl-pass-")))
        atexit.register(shutil.rmtree, _OSSL_PASS_DIR[0], True)
    data = Path(pass_file).read_bytes()
    out = _OSSL_PASS_DIR[0] / (hashlib.sha256(data).hexdigest()[:16] + ".pass")
    if not out.exists():
        out.write_bytes(data + b"\n")
        out.chmod(0o600)
    return out


def nss_pw_args(pass_file: Path, flag_file="-w", flag_literal="-W") -> list[str]:
    """pk12util/certutil take -w FILE, but refuse an empty file; the empty password goes as -W ''."""
    if Path(pass_file).stat().st_size == 0:
        return [flag_literal, ""]
    return [flag_file, str(pass_file)]


# --------------------------------------------------------------------------- openssl pkcs12 -info parsing
_PBES1 = {
    "pbeWithSHA1And3-KeyTripleDES-CBC": "pbe-sha1-3des",
    "pbeWithSHA1And2-KeyTripleDES-CBC": "pbe-sha1-2des",
    "pbeWithSHA1And40BitRC2-CBC": "pbe-sha1-rc2-40",
    "pbeWithSHA1And128BitRC2-CBC": "pbe-sha1-rc2-128",
    "pbeWithSHA1And128BitRC4": "pbe-sha1-rc4-128",
    "pbeWithSHA1And40BitRC4": "pbe-sha1-rc4-40",
}


def _enc_name(desc: str) -> tuple[str, int | None]:
    """'PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256' -> ('pbes2-pbkdf2-hmac-sha256-aes-256-cbc', 2048)"""
    parts = [p.strip() for p in desc.split(",")]
    it = None
    for p in parts:
        m = re.match(r"Iteration (\d+)", p)
        if m:
            it = int(m.group(1))
    if parts[0] == "PBES2":
        cipher = parts[2].lower()
        prf = "sha1"
        for p in parts:
            m = re.match(r"PRF hmacWith(\w+)", p)
            if m:
                prf = m.group(1).lower()
        return f"pbes2-pbkdf2-hmac-{prf}-{cipher}", it
    return _PBES1.get(parts[0], "unknown:" + parts[0]), it


def parse_openssl_info(text: str) -> dict:
    """Summarise `openssl pkcs12 -info -noout` output in manifest vocabulary.

    Returns {"certificates": name|None, "key": name|None, "mac": name, "iterations": {...},
             "mac_iterations": n|None, "cert_bags": n, "key_bags": n}
    A name of None means no such bag was seen."""
    res = {"certificates": None, "key": None, "mac": "none", "mac_iterations": None,
           "cert_iterations": None, "key_iterations": None, "cert_bags": 0, "key_bags": 0}
    current = None  # encryption of the current safe-contents
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"MAC: (\w+), Iteration (\d+)", line)
        if m:
            res["mac"] = "hmac-" + m.group(1).lower().replace("-", "")
            res["mac_iterations"] = int(m.group(2))
        elif line == "PKCS7 Data":
            current = ("none", None)
        elif "PKCS7 Encrypted data:" in line:  # may follow "Bag Value: " of a secret bag on the same line
            current = _enc_name(line.split("PKCS7 Encrypted data:", 1)[1])
        elif line == "Certificate bag":
            res["cert_bags"] += 1
            if current and res["certificates"] in (None, current[0]):
                res["certificates"], res["cert_iterations"] = current
            elif current:
                res["certificates"] = "mixed"
        elif line.startswith("Shrouded Keybag:"):
            res["key_bags"] += 1
            res["key"], res["key_iterations"] = _enc_name(line.split(":", 1)[1])
        elif line == "Key bag":
            res["key_bags"] += 1
            res["key"] = "none"
    return res


def openssl_info(p12: Path, pass_file: Path) -> tuple[Run, dict]:
    r = run(["openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", p12,
             "-passin", f"file:{ossl_pass_for(pass_file)}"], merge_stderr=True)  # keep openssl's line order
    return r, parse_openssl_info(r.out)


def parse_pem_bags(text: str) -> list[dict]:
    """Split `openssl pkcs12 -nodes` output into bags: [{"kind": "key"|"cert", "attrs": {...}, "pem": str}]"""
    bags = []
    attrs: dict = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Bag Attributes"):
            attrs = {}
            if "<No Attributes>" in line:
                i += 1
                continue
            i += 1
            while i < len(lines) and lines[i].startswith("    "):
                k, _, v = lines[i].strip().partition(":")
                attrs[k.strip()] = v.strip()
                i += 1
            continue
        m = re.match(r"-----BEGIN (.*)-----", line)
        if m:
            label = m.group(1)
            j = i
            while not lines[j].startswith(f"-----END {label}-----"):
                j += 1
            bags.append({"kind": "cert" if label == "CERTIFICATE" else "key", "label": label,
                         "attrs": attrs, "pem": "\n".join(lines[i:j + 1]) + "\n"})
            attrs = {}
            i = j + 1
            continue
        i += 1
    return bags


# --------------------------------------------------------------------------- the CLI under test
class Inkan:
    def __init__(self, binary: Path):
        self.bin = Path(binary)

    def run(self, *args, timeout: float = DEFAULT_TIMEOUT, env: dict | None = None) -> Run:
        return run([self.bin, *args], timeout=timeout, env=env)

    def keygen(self, algorithm: str, out: Path, password_file: Path | None = None) -> Run:
        args = ["keygen", "--algorithm", algorithm, "--out", out]
        if password_file is not None:
            args += ["--password-file", password_file]
        return self.run(*args)

    def csr(self, key: Path, out: Path, *, key_password_file: Path | None = None, cn=LEAF_CN,
            o=LEAF_O, ou=LEAF_OU, c="JP", email=LEAF_EMAIL) -> Run:
        args = ["csr", "--key", key]
        if key_password_file is not None:
            args += ["--key-password-file", key_password_file]
        args += ["--cn", cn]
        for flag, val in (("--o", o), ("--ou", ou), ("--c", c), ("--email", email)):
            if val is not None:
                args += [flag, val]
        return self.run(*args, "--out", out)

    def p12_build(self, *, key: Path, cert: Path, password_file: Path, out: Path, profile: str,
                  key_password_file: Path | None = None, chain: Path | None = None,
                  iterations: int | None = None, name: str | None = FRIENDLY_NAME) -> Run:
        args = ["p12", "build", "--key", key]
        if key_password_file is not None:
            args += ["--key-password-file", key_password_file]
        args += ["--cert", cert]
        if chain is not None:
            args += ["--chain", chain]
        args += ["--profile", profile]
        if iterations is not None:
            args += ["--iterations", str(iterations)]
        args += ["--password-file", password_file, "--out", out]
        if name is not None:
            args += ["--name", name]
        # --json is global in the CLI: errors then come as {"error": {...}} on stdout, as for open
        return self.run(*args, "--json")

    def repack(self, src: Path, *, password_file: Path, new_password_file: Path, out: Path,
               profile: str | None = None) -> Run:
        args = ["p12", "repack", src, "--password-file", password_file,
                "--new-password-file", new_password_file]
        if profile is not None:
            args += ["--profile", profile]
        return self.run(*args, "--out", out, "--json")

    def open(self, p12: Path, password_file: Path | None = None, env: dict | None = None) -> Run:
        args = ["p12", "open", p12]
        if password_file is not None:
            args += ["--password-file", password_file]
        return self.run(*args, "--json", env=env)

    def open_ok(self, p12: Path, password_file: Path) -> dict:
        r = self.open(p12, password_file)
        doc = r.json()
        assert r.rc == 0 and "error" not in doc, "inkan p12 open failed:\n" + r.describe()
        check_open_shape(doc, r)
        return doc


def check_messages(msg, r: Run):
    assert isinstance(msg, dict) and isinstance(msg.get("ja"), str) and isinstance(msg.get("en"), str) \
        and msg["ja"].strip() and msg["en"].strip(), f"message must have non-empty ja and en: {msg!r}\n" + r.describe()


def check_open_shape(doc: dict, r: Run):
    """The JSON contract of `inkan p12 open --json` on success."""
    for k in ("key", "certificates", "encryption", "findings"):
        assert k in doc, f"missing {k!r} in open JSON\n" + r.describe()
    if doc["key"] is not None:
        assert doc["key"].get("algorithm") in ("rsa", "ec-p256", "ec-p384"), r.describe()
        assert isinstance(doc["key"].get("bits"), int), r.describe()
        assert isinstance(doc["key"].get("matches_certificate"), bool), r.describe()
    for c in doc["certificates"]:
        assert isinstance(c.get("subject_cn"), (str, type(None))), r.describe()
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", c.get("not_after", "")), \
            f"not_after must be YYYY-MM-DD: {c!r}\n" + r.describe()
        assert isinstance(c.get("emails"), list), r.describe()
        # "other" extends the contract: a certificate outside the leaf's chain (e.g. the
        # certificate of a second key) is neither the leaf's intermediate nor its root.
        assert c.get("role") in ("leaf", "intermediate", "root", "other"), f"bad role in {c!r}\n" + r.describe()
    enc = doc["encryption"]
    for k in ("certificates", "key", "mac", "iterations", "mac_iterations"):
        assert k in enc, f"encryption.{k} missing\n" + r.describe()
    for f in doc["findings"]:
        assert isinstance(f.get("code"), str) and f.get("severity") in ("error", "warning", "info"), \
            f"bad finding {f!r}\n" + r.describe()
        check_messages(f.get("message"), r)


def error_code(r: Run) -> str | None:
    """The error code of a failed `inkan ... --json` run (asserting the error contract), or None on success."""
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        raise AssertionError("stdout is not JSON:\n" + r.describe()) from None
    if r.rc == 0:
        assert "error" not in doc, "exit 0 but an error object:\n" + r.describe()
        return None
    assert isinstance(doc.get("error"), dict), "non-zero exit without {\"error\":...} on stdout:\n" + r.describe()
    assert isinstance(doc["error"].get("code"), str), r.describe()
    check_messages(doc["error"].get("message"), r)
    return doc["error"]["code"]


# --------------------------------------------------------------------------- the session test CA
@dataclass
class Pki:
    dir: Path
    root: Path
    intermediate: Path
    intermediate_key: Path
    chain: Path  # intermediate then root
    leaf_ext: Path
    _serial: list

    def sign(self, csr: Path, out: Path, days: int = 365) -> Run:
        """Issue a leaf from an inkan CSR, copying its requested extensions (SAN)."""
        self._serial[0] += 1
        return run(["openssl", "x509", "-req", "-in", csr, "-CA", self.intermediate, "-CAkey",
                    self.intermediate_key, "-set_serial", str(self._serial[0]), "-days", str(days),
                    "-sha256", "-copy_extensions", "copyall", "-extfile", self.leaf_ext,
                    "-extensions", "leaf", "-out", out])


