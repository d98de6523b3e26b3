"""Shared helpers: run the inkan example binaries through cargo.

By default the examples of the `inkan` package in this repository's workspace are run
(`cargo run -p inkan`, from the repository root). Set INKAN_CARGO to another command prefix
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
    return shlex.split(os.environ.get("INKAN_CARGO", "cargo run -p inkan"))


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
