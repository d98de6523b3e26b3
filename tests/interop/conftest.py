"""Fixtures of the PKCS#12 / CSR interop suite; helpers live in interop_helpers.py (a unique module
name, so that another conftest.py elsewhere in the repository can't shadow them).

The CLI under test is the binary named by $INKAN_BIN.  Tests that need it fail (not skip) when it
is missing.  External tools (openssl, keytool, pk12util, certutil) are required too.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from interop_helpers import *  # noqa: F401,F403  (re-exported for convenience)
from interop_helpers import MANIFEST, Inkan, Pki, run

# --------------------------------------------------------------------------- fixtures
def pytest_report_header(config):
    b = os.environ.get("INKAN_BIN")
    lines = [f"INKAN_BIN={b!r}"]
    for tool, arg in (("openssl", "version"),):
        if shutil.which(tool):
            lines.append(run([tool, arg]).out.strip())
    return lines


@pytest.fixture(scope="session")
def inkan_bin() -> Path:
    b = os.environ.get("INKAN_BIN")
    if not b:
        pytest.fail("INKAN_BIN is not set: point it at the inkan CLI binary "
                    "(e.g. INKAN_BIN=target/debug/inkan). The interop suite does not skip.", pytrace=False)
    p = Path(b)
    if not p.is_file() or not os.access(p, os.X_OK):
        pytest.fail(f"INKAN_BIN={b!r} is not an executable file", pytrace=False)
    return p.resolve()


@pytest.fixture(scope="session")
def inkan(inkan_bin) -> Inkan:
    return Inkan(inkan_bin)


@pytest.fixture(scope="session")
def tools() -> dict:
    """Absolute paths of the external tools; missing ones fail the tests that need them."""
    need = ["openssl", "keytool", "pk12util", "certutil"]
    found = {t: shutil.which(t) for t in need}
    missing = [t for t, p in found.items() if not p]
    if missing:
        pytest.fail(f"missing tools: {missing}; install: apt-get install -y --no-install-recommends "
                    "openssl libnss3-tools default-jre-headless", pytrace=False)
    v = run(["openssl", "version"]).out
    assert v.startswith("OpenSSL 3."), f"OpenSSL 3 is required, got {v!r}"
    return found


@pytest.fixture
def work(tmp_path) -> Path:
    """A per-test temporary directory."""
    return tmp_path


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def pki(tmp_path_factory, tools) -> Pki:
    """Session-scoped test CA (RSA-2048 root -> EC P-256 intermediate) made with openssl."""
    d = tmp_path_factory.mktemp("pki")
    (d / "ca.ext").write_text(
        "[root]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\n"
        "[intermediate]\nbasicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n")
    (d / "leaf.ext").write_text(
        "[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=emailProtection,clientAuth\nsubjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid:always\n")
    run(["openssl", "genpkey", "-quiet", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
         "-out", d / "root.key"]).ok()
    run(["openssl", "req", "-new", "-key", d / "root.key", "-subj",
         "/C=JP/O=Inkan Interop/CN=Inkan Interop Root CA", "-out", d / "root.csr"]).ok()
    run(["openssl", "x509", "-req", "-in", d / "root.csr", "-signkey", d / "root.key", "-days", "3650",
         "-set_serial", "1", "-sha256", "-extfile", d / "ca.ext", "-extensions", "root",
         "-out", d / "root.pem"]).ok()
    run(["openssl", "genpkey", "-quiet", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-out", d / "int.key"]).ok()
    run(["openssl", "req", "-new", "-key", d / "int.key", "-subj",
         "/C=JP/O=Inkan Interop/CN=Inkan Interop Intermediate CA", "-out", d / "int.csr"]).ok()
    run(["openssl", "x509", "-req", "-in", d / "int.csr", "-CA", d / "root.pem", "-CAkey", d / "root.key",
         "-days", "3000", "-set_serial", "2", "-sha256", "-extfile", d / "ca.ext",
         "-extensions", "intermediate", "-out", d / "int.pem"]).ok()
    (d / "chain.pem").write_bytes((d / "int.pem").read_bytes() + (d / "root.pem").read_bytes())
    return Pki(d, d / "root.pem", d / "int.pem", d / "int.key", d / "chain.pem", d / "leaf.ext", [100])
