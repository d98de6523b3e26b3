"""`inkan inspect --json` against the OpenSSL-made vectors in fixtures/manifest.json.

Each manifest vector states its expected outcome:
  expect_codes   finding codes that MUST be reported
  expect_absent  finding codes that MUST NOT be reported
  expect         further checks:
    kind                  report kind (pkcs12 / certificates / csr)
    certificates          list, positional: each a subset of fields of report.certificates[i]
                          (nested dicts such as key{algorithm,bits} compared as subsets too)
    key / encryption      subset of report.key / report.encryption
    platform              {platform_id: verdict}
    severity              {code: severity} for reported findings
    no_severity           severities no finding may have
    code_count            {code: exact number of findings with that code}
    message_en_contains   {code: substring of that finding's English message}
    certificates_count    exact number of certificates
  known_bug      the vector documents an inspector bug: expected to FAIL (strict xfail, only on an
                 expectation mismatch - a missing binary or CLI error still fails), so the
                 suite turns red when the bug is fixed and the marker must be removed.

test_fixture_vector runs every vector on the committed fixtures; test_fresh_vector re-runs
gen.sh into a temporary directory (fresh keys) and checks the same expectations.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inkan_cli import FIXTURES, SEVERITIES, Run, inspect, load_manifest, vector_id

VECTORS = load_manifest()


def _params() -> list:
    return list(_gen_params())


def _gen_params():
    for v in VECTORS:
        marks = [pytest.mark.xfail(reason="inspector bug: " + v["known_bug"], strict=True, raises=AssertionError)] if "known_bug" in v else []
        yield pytest.param(v, id=vector_id(v), marks=marks)


def _subset_mismatches(expected: dict, got: dict, where: str) -> list[str]:
    out = []
    for k, want in expected.items():
        have = got.get(k, "<missing>") if isinstance(got, dict) else "<not an object>"
        if isinstance(want, dict) and isinstance(have, dict):
            out += _subset_mismatches(want, have, f"{where}.{k}")
        elif have != want:
            out.append(f"{where}.{k}: expected {want!r}, got {have!r}")
    return out


def check_vector(v: dict, directory: Path) -> None:
    pw = directory / v["password_file"] if v["password_file"] else None
    report, run = inspect(directory / v["file"], v["at"], pw)
    problems = check_report(v, report)
    if problems:
        summary = [(f["code"], f["severity"]) for f in report.get("findings", [])]
        # AssertionError (not pytest.fail) so that a strict xfail for a known bug only
        # absorbs expectation mismatches, never a missing binary or a CLI crash.
        raise AssertionError(
            f"{v['file']} at {v['at']}: {v['why']}\n"
            + "\n".join(f"  - {p}" for p in problems)
            + f"\nfindings: {summary}\n{run.describe()}"
        )


def check_report(v: dict, r: dict) -> list[str]:
    problems: list[str] = []
    findings = r.get("findings", [])
    codes = [f["code"] for f in findings]
    for c in v["expect_codes"]:
        if c not in codes:
            problems.append(f"expected finding {c!r} is missing")
    for c in v["expect_absent"]:
        if c in codes:
            problems.append(f"finding {c!r} must be absent")
    e = v["expect"]
    if "kind" in e and r.get("kind") != e["kind"]:
        problems.append(f"kind: expected {e['kind']!r}, got {r.get('kind')!r}")
    certs = r.get("certificates", [])
    if "certificates_count" in e and len(certs) != e["certificates_count"]:
        problems.append(f"expected {e['certificates_count']} certificates, got {len(certs)}")
    for i, want in enumerate(e.get("certificates", [])):
        if i >= len(certs):
            problems.append(f"certificates[{i}] missing (only {len(certs)})")
            continue
        problems += _subset_mismatches(want, certs[i], f"certificates[{i}]")
    for section in ("key", "encryption"):
        if section in e:
            problems += _subset_mismatches(e[section], r.get(section) or {}, section)
    for platform, verdict in e.get("platform", {}).items():
        got = {p["platform"]: p["verdict"] for p in r.get("platforms") or []}.get(platform)
        if got != verdict:
            problems.append(f"platform {platform}: expected {verdict!r}, got {got!r}")
    for code, sev in e.get("severity", {}).items():
        got = [f["severity"] for f in findings if f["code"] == code]
        if got and sev not in got:
            problems.append(f"{code}: expected severity {sev!r}, got {got}")
    for sev in e.get("no_severity", []):
        bad = [f["code"] for f in findings if f["severity"] == sev]
        if bad:
            problems.append(f"no {sev} finding expected, got {bad}")
    for code, n in e.get("code_count", {}).items():
        if codes.count(code) != n:
            problems.append(f"{code}: expected {n} finding(s), got {codes.count(code)}")
    for code, text in e.get("message_en_contains", {}).items():
        msgs = [f["message"]["en"] for f in findings if f["code"] == code]
        if not any(text in m for m in msgs):
            problems.append(f"{code}: no English message contains {text!r}: {msgs}")
    # Every finding carries a known severity and a bilingual message.
    for f in findings:
        if f.get("severity") not in SEVERITIES or not f.get("message", {}).get("ja") or not f["message"].get("en"):
            problems.append(f"malformed finding {f!r}")
    return problems


@pytest.mark.parametrize("vector", _params())
def test_fixture_vector(vector):
    check_vector(vector, FIXTURES)


@pytest.fixture(scope="module")
def fresh_fixtures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh-fixtures")
    cmd = ["bash", str(FIXTURES / "gen.sh"), str(out)]
    env = dict(os.environ, PYTHON=sys.executable)  # the venv has `cryptography`
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    if p.returncode != 0:
        pytest.fail(f"gen.sh failed\n{Run(cmd, p.returncode, p.stdout, p.stderr).describe()}", pytrace=False)
    return out


@pytest.mark.parametrize("vector", _params())
def test_fresh_vector(vector, fresh_fixtures):
    check_vector(vector, fresh_fixtures)


def test_manifest_is_complete():
    """Every finding code the brief names has at least one vector that expects it, and every
    vector file exists."""
    wanted = {
        "expired", "not_yet_valid", "expires_soon", "weak_signature_algorithm", "weak_key",
        "not_smime_capable", "not_client_auth_capable", "key_certificate_mismatch",
        "chain_not_leaf_first", "chain_missing_issuer", "chain_signature_invalid", "no_mac",
        "legacy_encryption", "non_ascii_password",
    }
    covered = {c for v in VECTORS if "known_bug" not in v for c in v["expect_codes"]}
    assert wanted <= covered, f"codes without a passing vector: {sorted(wanted - covered)}"
    missing = [v["file"] for v in VECTORS if not (FIXTURES / v["file"]).is_file()]
    assert not missing, f"manifest names missing files: {missing}"
    for v in VECTORS:
        assert v["why"] and isinstance(v["expect_codes"], list) and isinstance(v["expect_absent"], list), v
