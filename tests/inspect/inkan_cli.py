"""Shared helpers for the `inkan inspect` tests: find the CLI, run it, explain failures."""
from __future__ import annotations

import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
MANIFEST = FIXTURES / "manifest.json"
SEVERITIES = ("info", "warning", "error")


def inkan_bin() -> Path:
    """The CLI under test, from $INKAN_BIN. Missing => the test FAILS (never skips)."""
    value = os.environ.get("INKAN_BIN")
    if not value:
        pytest.fail(
            "INKAN_BIN is not set. Build the CLI and point INKAN_BIN at it:\n"
            "  cd /work/main && CARGO_TARGET_DIR=~/.cache/inkan/target "
            "cargo build -p inkan-cli --bin inkan\n"
            "  export INKAN_BIN=~/.cache/inkan/target/debug/inkan",
            pytrace=False,
        )
    path = Path(value).expanduser()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"INKAN_BIN={value!r} is not an executable file", pytrace=False)
    return path


@dataclass
class Run:
    cmd: list[str]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (
            f"command: {shlex.join(self.cmd)}\nexit code: {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def inspect(file: Path, at: str, password_file: Path | None = None) -> tuple[dict, Run]:
    """Runs `inkan inspect FILE --at AT --json [--password-file P]`; returns (report, run)."""
    cmd = [str(inkan_bin()), "inspect", str(file), "--at", at, "--json"]
    if password_file is not None:
        cmd += ["--password-file", str(password_file)]
    env = {k: v for k, v in os.environ.items() if k not in ("INKAN_PASSWORD", "INKAN_NEW_PASSWORD")}
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=60)
    run = Run(cmd, p.returncode, p.stdout, p.stderr)
    if p.returncode != 0:
        pytest.fail(f"inkan inspect failed\n{run.describe()}", pytrace=False)
    try:
        return json.loads(p.stdout), run
    except json.JSONDecodeError as e:
        pytest.fail(f"inkan inspect did not print JSON ({e})\n{run.describe()}", pytrace=False)


def load_manifest() -> list[dict]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def vector_id(v: dict) -> str:
    return f"{v['file']}@{v['at']}"
