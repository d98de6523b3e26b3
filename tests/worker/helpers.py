"""Helpers for the edge worker's API tests: CSRs made by OpenSSL (and, for keys OpenSSL will
not generate on purpose, by Python's `cryptography`), an API client, a webhook receiver and a
process wrapper for the native server."""

from __future__ import annotations

import base64
import email
import email.policy
import functools
import hashlib
import hmac
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
# The review desk's reviewers (issue 19): `INKAN_ADMIN_TOKENS` beside the legacy token.
DESK_TOKENS = {"alice": "alice-desk-token-0123456789abcdef", "bob": "bob-desk-token-0123456789abcdef"}
DESK_TOKENS_ENV = ",".join(f"{label}:{token}" for label, token in DESK_TOKENS.items())
# A token that was once a reviewer's and is no longer configured.
REVOKED_DESK_TOKEN = "carol-desk-token-0123456789abcdef"
REMINDER_SECRET = "reminder-secret-for-tests"
EST_USER, EST_PASSWORD = "est-client", "est-password-for-tests"
PASSWORD = "ABCDE-FGHJK-LMNPQ-RSTUV"  # the browser's generated download password (100 bits)
WIDGET_ORIGIN = "https://widget.example.jp"
# The issuer pages that may frame the widget (INKAN_EMBED_ORIGINS).
EMBED_ORIGINS = ["https://issuer.example.jp", "http://127.0.0.1:8443"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------
# CSRs


def openssl_csr(email: str | None = "taro@example.jp", key: str = "ec:P-256", digest: str = "sha256",
                cn: str = "Yamada Taro", extra: list[str] | None = None, subj: str | None = None) -> str:
    """A CSR made by the openssl CLI. `key`: `ec:<curve>`, `rsa:<bits>`, `ed25519`."""
    with tempfile.TemporaryDirectory() as tmp:
        keyfile = os.path.join(tmp, "key.pem")
        if key.startswith("ec:"):
            newkey = ["-newkey", "ec", "-pkeyopt", f"ec_paramgen_curve:{key[3:]}"]
        elif key.startswith("rsa:"):
            newkey = ["-newkey", key]
        else:
            newkey = ["-newkey", key]
        subj = subj or f"/C=JP/CN={cn}" + (f"/emailAddress={email}" if email else "")
        cmd = ["openssl", "req", "-new", "-nodes", *newkey, "-keyout", keyfile, "-subj", subj, "-outform", "PEM"]
        if email:
            cmd += ["-addext", f"subjectAltName=email:{email}"]
        if key != "ed25519":
            cmd.append(f"-{digest}")
        cmd += extra or []
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def quick_csrs(count: int, key: str = "rsa2048", start: int = 0, prefix: str = "load") -> list[str]:
    """`count` distinct CSRs for `<prefix><i>@example.jp` (i from `start`), signed by a few keys
    (`rsa2048` or `p256`): generating a key per CSR would dominate the set-up time of load runs
    and changes nothing for the server."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    if key == "rsa2048":
        keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(8)]
    else:
        keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(8)]
    out = []
    for i in range(start, start + count):
        email = f"{prefix}{i}@example.jp"
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                                     x509.NameAttribute(NameOID.COMMON_NAME, "Yamada Taro"),
                                     x509.NameAttribute(NameOID.EMAIL_ADDRESS, email)]))
            .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
            .sign(keys[i % len(keys)], hashes.SHA256())
        )
        out.append(csr.public_bytes(serialization.Encoding.PEM).decode())
    return out


def _is_probable_prime(n: int, rounds: int = 24) -> bool:
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        x = pow(random.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(bits: int) -> int:
    while True:
        c = secrets.randbits(bits) | (3 << (bits - 2)) | 1  # top two bits: p·q has 2·bits bits
        if _is_probable_prime(c) and c % 65537 != 1:
            return c


def _next_prime(n: int) -> int:
    n |= 1
    while not (_is_probable_prime(n) and n % 65537 != 1):
        n += 2
    return n


ROCA_PRIMES = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
               103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167]


def _roca_prime(bits: int) -> int:
    """A prime of Infineon's form k*M + (65537^a mod M) (CVE-2017-15361)."""
    m = 1
    for p in ROCA_PRIMES:
        m *= p
    while True:
        a = secrets.randbelow(1 << 20)
        # p in [2^(bits-1/2), 2^bits), so that p·q has exactly 2·bits bits.
        low, high = math.isqrt(1 << (2 * bits - 1)) // m + 1, (1 << bits) // m
        k = low + secrets.randbelow(high - low)
        c = k * m + pow(65537, a, m)
        if c.bit_length() == bits and c % 65537 != 1 and _is_probable_prime(c):
            return c


def csr_from_primes(p: int, q: int, email: str = "taro@example.jp") -> str:
    """A CSR signed by the RSA key (p, q, e=65537), built with `cryptography` without its
    key-validation (the point is to submit bad keys)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    e = 65537
    n = p * q
    lam = (p - 1) * (q - 1)
    d = pow(e, -1, lam)
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, n))
    key = numbers.private_key(unsafe_skip_rsa_key_validation=True)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Yamada Taro"),
                                 x509.NameAttribute(NameOID.EMAIL_ADDRESS, email)]))
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def fermat_close_csr() -> str:
    p = _random_prime(1024)
    q = _next_prime(p + (1 << 400))
    return csr_from_primes(p, q)


def small_factor_csr() -> str:
    p = 7919
    q = _random_prime(2048 - 12)
    while (p * q).bit_length() < 2048:
        q = _random_prime(2048 - 12)
    return csr_from_primes(p, q)


def roca_csr() -> str:
    while True:
        p, q = _roca_prime(1024), _roca_prime(1024)
        if (p * q).bit_length() == 2048:
            return csr_from_primes(p, q)


def tamper(pem: str) -> str:
    """Flips one character of the subject's common name inside the DER: the structure stays
    valid, the signature no longer matches."""
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    der = bytearray(base64.b64decode(body))
    i = der.find(b"Yamada Taro")
    assert i > 0
    der[i] ^= 0x01
    b64 = base64.b64encode(bytes(der)).decode()
    lines = [b64[j:j + 64] for j in range(0, len(b64), 64)]
    return "-----BEGIN CERTIFICATE REQUEST-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE REQUEST-----\n"


def application(csr: str, product: str = "sign123", email: str = "taro@example.jp", password: str = PASSWORD,
                verifier: dict | None = None, common_name: str = "Yamada Taro",
                organisation: str | None = "山田法律事務所") -> dict:
    """An intake body: with the password itself (legacy; the server hashes it), or with the
    client verifier the site sends (`verifier`, see `client_verifier`). `common_name` is the
    name on the certificate (the CSRs made here carry CN=Yamada Taro)."""
    secret = {"download_password_verifier": verifier} if verifier else {"download_password": password}
    return {"product": product, "csr": csr, **secret,
            "applicant": {"name": "山田 太郎", "common_name": common_name, "email": email,
                          "organisation": organisation}}


# ---------------------------------------------------------------------------------------
# Mail: the mailbox confirmation code


CODE_LINE = re.compile(r"^[A-Z0-9-]{6,10}$")


def code_from_mail(raw: bytes) -> str:
    """The confirmation code from an RFC 5322 message: the body line that is only a code."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] and message["Subject"], "a complete message"
    body = message.get_body(preferencelist=("plain",)).get_content()
    codes = [line.strip() for line in body.splitlines() if CODE_LINE.match(line.strip())]
    assert len(codes) == 1, f"one code line expected in {body!r}"
    return codes[0]


def outbox_code(data_dir: str, app_id: str) -> str:
    """The newest code mailed for an application, from the native outbox folder (.eml files)."""
    outbox = Path(data_dir) / "outbox"
    deadline = time.time() + 10
    while time.time() < deadline:
        files = sorted(outbox.glob(f"{app_id}.mailbox_code.*.eml"), key=lambda f: int(f.name.split(".")[-2]))
        if files:
            return code_from_mail(files[-1].read_bytes())
        time.sleep(0.05)
    raise AssertionError(f"no confirmation mail for {app_id} in {outbox}")


VERIFIER_ITERATIONS = 600_000


@functools.lru_cache(maxsize=None)
def derive(password: str, salt_b64: str, iterations: int = VERIFIER_ITERATIONS) -> str:
    """PBKDF2-HMAC-SHA256(password, salt, iterations), base64: what the page derives with WebCrypto."""
    raw = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt_b64), iterations, 32)
    return base64.b64encode(raw).decode()


def client_verifier(password: str = PASSWORD, salt: bytes | None = None,
                    iterations: int = VERIFIER_ITERATIONS) -> dict:
    """The intake's `download_password_verifier`, as the page builds it."""
    salt_b64 = base64.b64encode(salt if salt is not None else os.urandom(16)).decode()
    return {"salt": salt_b64, "iterations": iterations, "hash": "SHA-256",
            "derived": derive(password, salt_b64, iterations)}


# ---------------------------------------------------------------------------------------
# API client


def refused(response, status: int, code: str) -> dict:
    """Asserts a refusal: the status, the stable code, text in both languages, never cached;
    returns the body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]["ja"] and body["error"]["message"]["en"]
    assert response.headers["Cache-Control"] == "no-store"
    return body


class Api:
    """The worker's HTTP API, one simulated client address per instance. `data_dir`: where a
    native server writes its outbox (else the confirmation code is read through the test mode's
    `GET /api/admin/outbox`, which the Workers build serves from its outbox table)."""

    def __init__(self, base: str, client: str | None = None, data_dir: str | None = None):
        self.data_dir = data_dir
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.client = client or f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        self.session.headers["X-Inkan-Test-Client"] = self.client

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **kw) -> requests.Response:
        return self.session.get(self.url(path), timeout=60, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.session.post(self.url(path), timeout=60, **kw)

    def options(self, path: str, **kw) -> requests.Response:
        return self.session.options(self.url(path), timeout=60, **kw)

    def admin(self, path: str, method: str = "POST", **kw) -> requests.Response:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", **kw.pop("headers", {})}
        return self.session.request(method, self.url(path), headers=headers, timeout=60, **kw)

    def submit(self, csr: str, **kw) -> requests.Response:
        return self.post("/api/applications", json=application(csr, **kw))

    def mailed_code(self, app_id: str, email_address: str = "taro@example.jp") -> str:
        """The confirmation code the worker mailed for `app_id`."""
        if self.data_dir:
            return outbox_code(self.data_dir, app_id)
        r = self.admin(f"/api/admin/outbox?to={requests.utils.quote(email_address)}", method="GET")
        assert r.status_code == 200, r.text
        for mail in r.json()["mail"]:
            if mail["key"].startswith(f"{app_id}:mailbox_code:"):
                codes = [l.strip() for l in mail["text"].splitlines() if CODE_LINE.match(l.strip())]
                assert len(codes) == 1, mail["text"]
                return codes[0]
        raise AssertionError(f"no confirmation mail for {app_id}")

    def confirm(self, app_id: str, email_address: str = "taro@example.jp") -> requests.Response:
        """Confirms the mailbox with the mailed code, as the applicant does."""
        code = self.mailed_code(app_id, email_address)
        r = self.post(f"/api/applications/{app_id}/confirm", json={"code": code})
        assert r.status_code == 200, r.text
        return r

    def submit_confirmed(self, csr: str, **kw) -> str:
        """Submits and confirms the mailbox; returns the id."""
        r = self.submit(csr, **kw)
        assert r.status_code == 201, r.text
        app_id = r.json()["id"]
        self.confirm(app_id, kw.get("email", "taro@example.jp"))
        return app_id

    def now(self) -> int:
        return self.get("/api/health").json()["now"]

    def advance(self, seconds: int) -> int:
        r = self.admin("/api/admin/clock", json={"advance": seconds})
        assert r.status_code == 200, r.text
        return r.json()["now"]

    def tick(self) -> dict:
        r = self.admin("/api/admin/tick")
        assert r.status_code == 200, r.text
        return r.json()

    def download(self, app_id: str, password: str = PASSWORD) -> requests.Response:
        return self.post(f"/api/applications/{app_id}/certificate", json={"download_password": password})

    def download_with_verifier(self, app_id: str, password: str = PASSWORD) -> requests.Response:
        """The site's download: the salt and count from the status view, the derived value in the body."""
        kdf = self.get(f"/api/applications/{app_id}").json()["download_password_kdf"]
        derived = derive(password, kdf["salt"], kdf["iterations"])
        return self.post(f"/api/applications/{app_id}/certificate", json={"download_password_verifier": derived})

    def issued_application(self, product: str = "sign123", email: str = "taro@example.jp",
                           verifier: dict | None = None) -> str:
        app_id = self.submit_confirmed(openssl_csr(email=email), product=product, email=email, verifier=verifier)
        r = self.admin(f"/api/admin/applications/{app_id}/approve")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "issued", r.text
        return app_id


# ---------------------------------------------------------------------------------------
# Webhook receiver


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that checks the HMAC of each delivery and records it."""

    def __init__(self, secret: str):
        self.secret = secret.encode()
        self.deliveries: list[dict] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive with explicit lengths, as real receivers do

            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                sig = self.headers.get("Inkan-Signature", "")
                parts = dict(p.split("=", 1) for p in sig.split(",") if "=" in p)
                expected = hmac.new(outer.secret, parts.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(expected, parts.get("v1", ""))
                with outer.lock:
                    if ok:
                        outer.deliveries.append({"key": self.headers.get("Inkan-Delivery"), "body": json.loads(body)})
                    else:
                        outer.bad_signatures += 1
                self.send_response(204 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keys(self) -> list[str]:
        with self.lock:
            return [d["key"] for d in self.deliveries]

    def close(self):
        self.server.shutdown()


# ---------------------------------------------------------------------------------------
# The native server as a process


def native_binary() -> Path:
    if os.environ.get("INKAN_WORKER_BINARY"):
        return Path(os.environ["INKAN_WORKER_BINARY"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "inkan-worker"


def build_native() -> Path:
    """Release build (PBKDF2 at 600,000 iterations is ~5x slower unoptimised), without the
    workspace's fat LTO, which costs minutes on two cores and nothing a test can see."""
    if os.environ.get("INKAN_WORKER_BINARY"):
        return native_binary()
    _cargo_release("--bin", "inkan-worker")
    return native_binary()


def _cargo_release(*what: str) -> None:
    env = {**os.environ, "CARGO_PROFILE_RELEASE_LTO": "false", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "16"}
    subprocess.run(["cargo", "build", "--release", "-p", "inkan-worker", *what], cwd=REPO, check=True, env=env)


def load_client() -> Path:
    """The load client (`worker/native/examples/load.rs`), built once per process (release)."""
    global _LOAD_CLIENT
    if _LOAD_CLIENT is None:
        _cargo_release("--example", "load")
        _LOAD_CLIENT = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "examples" / "load"
    return _LOAD_CLIENT


_LOAD_CLIENT: Path | None = None


class NativeServer:
    """`inkan-worker` on a free 127.0.0.1 port with its own data directory."""

    def __init__(self, data_dir: str, env: dict[str, str | None] | None = None, port: int | None = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        merged = {
            **os.environ,
            "INKAN_LISTEN": f"127.0.0.1:{self.port}",
            "INKAN_DATA_DIR": data_dir,
            "INKAN_ADMIN_TOKEN": ADMIN_TOKEN,
            "INKAN_ADMIN_TOKENS": DESK_TOKENS_ENV,
            "INKAN_TEST_MODE": "1",
            # The suite simulates many clients from 127.0.0.1: the loopback is the trusted
            # proxy, and each Api names its client in this header.
            "INKAN_CLIENT_IP_HEADER": "x-inkan-test-client",
            "INKAN_TRUSTED_PROXIES": "127.0.0.1/32,::1/128",
            "INKAN_INTAKE_PER_HOUR": "100000",
            "INKAN_TICK_INTERVAL_SECONDS": "3600",
            **(env or {}),
        }
        # A value of None removes a variable (to run with the worker's own default).
        self.env = {k: v for k, v in merged.items() if v is not None}
        self.process: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(data_dir).parent / f"server-{self.port}.log"

    def api(self, client: str | None = None) -> "Api":
        return Api(self.url, client, self.data_dir)

    def start(self) -> "NativeServer":
        Path(self.data_dir).mkdir(parents=True, exist_ok=True)
        self.logfile = open(self.log, "ab")
        self.process = subprocess.Popen([str(native_binary())], env=self.env, stdout=subprocess.PIPE,
                                        stderr=self.logfile, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line == f"inkan-worker listening on {self.url}", f"unexpected first line {line!r}; see {self.log}"
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def logs(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(url + "/api/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not become healthy")
