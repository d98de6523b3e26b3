"""Shared helpers: run the inkan example binaries through cargo.

By default the examples of the `inkan` package in this repository's workspace are run
(`cargo run -p inkan-knowledge`, from the repository root). Set INKAN_CARGO to another command prefix
to point elsewhere, e.g.
INKAN_CARGO="cargo run --manifest-path /path/to/Cargo.toml".
"""

import os
import shlex
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def cargo_prefix():
    return shlex.split(os.environ.get("INKAN_CARGO", "cargo run -p inkan-knowledge"))


def _run_example(name, *args, env_extra=None, check=True):
    """Runs `cargo run --example NAME -- ARGS` and returns the CompletedProcess."""
    command = cargo_prefix() + ["--quiet", "--example", name, "--", *args]
    env = dict(os.environ)
    if env_extra:
        env.update(env_extra)
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, env=env, timeout=1800)
    if check and result.returncode != 0:
        pytest.fail(
            f"{shlex.join(command)} exited {result.returncode}\n"
            f"stderr:\n{result.stderr.decode('utf-8', 'replace')}"
        )
    return result


@pytest.fixture(scope="session")
def run_example():
    """The example runner, as a fixture so that test modules need not import this file."""
    return _run_example


def _inkan_command():
    """The `inkan` CLI: INKAN_BIN (scripts/test.sh builds it) or `cargo run` of the workspace."""
    binary = os.environ.get("INKAN_BIN")
    if binary and Path(binary).is_file():
        return [binary]
    return cargo_prefix() + ["--quiet", "--features", "cli", "--bin", "inkan", "--"]


@pytest.fixture(scope="session")
def inkan():
    """Runs the CLI as a process: inkan(*args) -> (exit code, parsed JSON of stdout)."""
    import json

    def run(*args):
        result = subprocess.run(
            _inkan_command() + ["--json", *args], cwd=REPO_ROOT, capture_output=True, timeout=1800
        )
        text = result.stdout.decode("utf-8")
        return result.returncode, (json.loads(text) if text.strip() else None)

    return run
