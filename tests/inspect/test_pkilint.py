"""Cross-check Inkan's S/MIME verdict (`smime`) with DigiCert's pkilint (S/MIME BR linter).

For each leaf certificate among the fixtures we run

    lint_cabf_smime_cert lint -t INDIVIDUAL-MULTIPURPOSE -f JSON -s ERROR LEAF.pem

(pkilint 0.13 takes the validation level and generation as one `-t LEVEL-GENERATION` option;
older releases spelled them --validation-level/--generation) and keep ONLY the ERROR/FATAL
findings in the three areas Inkan's verdict is about. The rest (subject attributes, CN source,
certificatePolicies, CRL DP, AIA...) is about CA issuance practice, not about whether mail
clients can use the certificate, and is ignored.

Why MULTIPURPOSE: the STRICT generation forbids any EKU besides emailProtection
(cabf.smime.prohibited_eku_present for clientAuth), but Inkan's healthy certificate is meant for
S/MIME *and* client login; MULTIPURPOSE allows clientAuth. INDIVIDUAL vs MAILBOX etc. only
changes subject rules, which are ignored here.

Mapping (codes looked up in the installed pkilint source: pkilint/cabf/smime/smime_extension.py,
smime_key.py, pkilint/pkix/certificate/certificate_extension.py, pkilint/pkix/general_name.py):

  EKU emailProtection   cabf.smime.extended_key_usage_extension_missing
                        cabf.smime.emailprotection_eku_missing
  SAN rfc822Name        cabf.smime.san_extension_missing
                        cabf.smime.san_does_not_contain_email_address
                        cabf.smime.email_address_in_attribute_not_in_san
                        pkix.subject_email_address_not_in_san
                        pkix.invalid_email_address_syntax
  keyUsage              cabf.smime.key_usage_extension_missing
                        cabf.smime.prohibited_ku_present
                        cabf.smime.unknown_certificate_key_usage_type
                        pkix.no_ku_bits_set
                        pkix.key_usage_value_prohibited_for_rsa
                        pkix.key_usage_value_prohibited_for_ec
  (not mapped: cabf.smime.prohibited_eku_present — STRICT-only, see above;
   cabf.smime.ku_extension_not_critical / pkix.key_usage_extension_not_critical — criticality,
   which does not change what the certificate can be used for.)

Rule: Inkan smime=false  =>  at least one mapped pkilint error;
      Inkan smime=true   =>  no mapped pkilint error.

Exceptions (asserted exactly, so a change on either side is noticed): none. Inkan's `smime`
follows the BR as pkilint reads them: keyUsage required (noku: false), the address must be in
the SAN (dnemail: false), and signing-only (signonly) and encryption-only (keyenc) profiles are
both S/MIME certificates (true).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from inkan_cli import FIXTURES, Run, inspect

AREAS = {
    "eku": {"cabf.smime.extended_key_usage_extension_missing", "cabf.smime.emailprotection_eku_missing"},
    "san": {
        "cabf.smime.san_extension_missing",
        "cabf.smime.san_does_not_contain_email_address",
        "cabf.smime.email_address_in_attribute_not_in_san",
        "pkix.subject_email_address_not_in_san",
        "pkix.invalid_email_address_syntax",
    },
    "key_usage": {
        "cabf.smime.key_usage_extension_missing",
        "cabf.smime.prohibited_ku_present",
        "cabf.smime.unknown_certificate_key_usage_type",
        "pkix.no_ku_bits_set",
        "pkix.key_usage_value_prohibited_for_rsa",
        "pkix.key_usage_value_prohibited_for_ec",
    },
}
MAPPED = set().union(*AREAS.values())
CERT_TYPE = "INDIVIDUAL-MULTIPURPOSE"

# Leaf certificate sources: the first certificate of each of these bundles.
LEAVES = [
    "healthy", "expired", "notyet", "sha1", "rsa1024", "clientauth", "nosanemail",
    "emailonly", "keyenc", "noku", "dnemail", "signonly",
]
# name -> (inkan smime, mapped pkilint codes) for the documented exceptions (see module doc).
INTENDED_DIFFERENCE: dict = {}
INKAN_BUGS: dict = {}


def _pkilint() -> str:
    exe = shutil.which("lint_cabf_smime_cert")
    if exe is None:
        import sys

        candidate = Path(sys.executable).parent / "lint_cabf_smime_cert"
        exe = str(candidate) if candidate.exists() else None
    if exe is None:
        pytest.fail("pkilint is not installed: pip install -r tests/inspect/requirements.txt", pytrace=False)
    return exe


def pkilint_errors(leaf_pem: Path) -> tuple[set[str], Run]:
    cmd = [_pkilint(), "lint", "-t", CERT_TYPE, "-s", "ERROR", "-f", "JSON", str(leaf_pem)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    run = Run(cmd, p.returncode, p.stdout, p.stderr)
    try:
        data = json.loads(p.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pkilint did not print JSON\n{run.describe()}", pytrace=False)
    codes = {
        d["code"]
        for r in data["results"]
        for d in r["finding_descriptions"]
        if d["severity"] in ("ERROR", "FATAL")
    }
    return codes, run


def _params():
    out = []
    for name in LEAVES:
        marks = [pytest.mark.xfail(reason="inspector bug: " + INKAN_BUGS[name], strict=True, raises=AssertionError)] if name in INKAN_BUGS else []
        out.append(pytest.param(name, id=name, marks=marks))
    return out


@pytest.mark.parametrize("name", _params())
def test_smime_verdict_matches_pkilint(name, tmp_path):
    bundle = FIXTURES / f"{name}-chain.pem"
    leaf = x509.load_pem_x509_certificates(bundle.read_bytes())[0]
    leaf_pem = tmp_path / f"{name}-leaf.pem"
    leaf_pem.write_bytes(leaf.public_bytes(Encoding.PEM))

    report, inkan_run = inspect(leaf_pem, "2026-06-01")
    smime = report["certificates"][0]["smime"]
    errors, lint_run = pkilint_errors(leaf_pem)
    mapped = errors & MAPPED
    context = (
        f"{name}: Inkan smime={smime}, pkilint mapped errors={sorted(mapped)} "
        f"(all pkilint errors: {sorted(errors)})\n--- inkan ---\n{inkan_run.describe()}\n"
        f"--- pkilint ---\n{lint_run.describe()}"
    )
    if name in INTENDED_DIFFERENCE:
        want_smime, want_mapped = INTENDED_DIFFERENCE[name]
        assert (smime, mapped) == (want_smime, want_mapped), "documented exception changed\n" + context
        return
    if smime:
        assert not mapped, "Inkan says S/MIME capable but pkilint reports errors in EKU/SAN/keyUsage\n" + context
    else:
        assert mapped, "Inkan says NOT S/MIME capable but pkilint finds nothing wrong in EKU/SAN/keyUsage\n" + context


def test_pkilint_sees_the_defects_we_built(tmp_path):
    """Sanity check of the mapping itself: each area's defect is caught by its mapped codes."""
    expected_area = {"clientauth": "eku", "nosanemail": "san", "noku": "key_usage", "dnemail": "san"}
    for name, area in expected_area.items():
        leaf = x509.load_pem_x509_certificates((FIXTURES / f"{name}-chain.pem").read_bytes())[0]
        path = tmp_path / f"{name}-leaf.pem"
        path.write_bytes(leaf.public_bytes(Encoding.PEM))
        errors, run = pkilint_errors(path)
        assert errors & AREAS[area], f"{name}: no pkilint error in area {area}: {sorted(errors)}\n{run.describe()}"
