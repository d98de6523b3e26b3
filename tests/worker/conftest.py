"""Fixtures for the edge worker's API suite.

The suite runs against one or more targets over real HTTP:

- `INKAN_WORKER_URL` set: that server (it must run in test mode with the admin token
  `helpers.ADMIN_TOKEN`, the reminder receiver is then not checked).
- otherwise the targets named in `INKAN_WORKER_TARGETS` (comma-separated, default `native`):
  `native` builds and starts `inkan-worker` on a free 127.0.0.1 port with a temporary data
  directory; `wrangler` builds the Workers module with worker-build and runs it under
  `wrangler dev` on 127.0.0.1 with a local D1 database.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import helpers
from helpers import Api, NativeServer, Receiver

WORKER_DIR = helpers.REPO / "worker"


class Target:
    def __init__(self, name: str, url: str, receiver: Receiver | None, server=None, data_dir: str | None = None):
        self.name, self.url, self.receiver, self.server, self.data_dir = name, url, receiver, server, data_dir

    def api(self, client: str | None = None) -> Api:
        # Natively the confirmation mail is an .eml file in the data directory; under wrangler
        # it waits in the D1 outbox table, read through the test mode's admin route.
        return Api(self.url, client, self.data_dir if self.name == "native" else None)


def target_names() -> list[str]:
    if os.environ.get("INKAN_WORKER_URL"):
        return ["external"]
    return [t.strip() for t in os.environ.get("INKAN_WORKER_TARGETS", "native").split(",") if t.strip()]


def base_env(receiver: Receiver) -> dict[str, str]:
    return {
        "INKAN_REMINDER_URL": receiver.url,
        "INKAN_REMINDER_SECRET": helpers.REMINDER_SECRET,
        "INKAN_CORS_ORIGINS": helpers.WIDGET_ORIGIN,
        "INKAN_EMBED_ORIGINS": ",".join(helpers.EMBED_ORIGINS),
        "INKAN_LOCKOUT_THRESHOLD": "3",
        "INKAN_CLIENT_LOCKOUT_THRESHOLD": "5",
        "INKAN_EST_SERVER_USERNAME": helpers.EST_USER,
        "INKAN_EST_SERVER_PASSWORD": helpers.EST_PASSWORD,
        "INKAN_CLIENT_IP_HEADER": "x-inkan-test-client",
        "INKAN_TRUSTED_PROXIES": "127.0.0.1/32,::1/128",
        "INKAN_INTAKE_PER_HOUR": "100000",
        "INKAN_ADMIN_TOKEN": helpers.ADMIN_TOKEN,
        "INKAN_ADMIN_TOKENS": helpers.DESK_TOKENS_ENV,
        "INKAN_TEST_MODE": "1",
    }


def make_site(root: Path) -> Path:
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Inkan</title><h1>印鑑</h1>\n", encoding="utf-8")
    (site / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    (site / "app.3f9a1c2e.js").write_text("console.log('inkan');\n")
    (site / "inkan_bg.wasm").write_bytes(b"\0asm\1\0\0\0")
    (site / "manifest.webmanifest").write_text('{"name": "Inkan"}\n')
    (site / "widget.js").write_text("customElements.define('inkan-enroll', class extends HTMLElement {});\n")
    (site / "embed").mkdir()
    (site / "embed" / "enroll.html").write_text("<!doctype html><title>Inkan embed</title><main>enroll</main>\n")
    return site


@pytest.fixture(scope="session")
def native_built() -> Path:
    return helpers.build_native()


@pytest.fixture(scope="session")
def workers_built() -> None:
    """Builds the Workers module once (worker-build, see worker/build-workers.sh)."""
    subprocess.run(["bash", str(WORKER_DIR / "build-workers.sh")], check=True)


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process's whole group; SIGKILL to whatever of it is left."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    time.sleep(0.5)  # npx is gone; its children get the same moment
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=5)


def start_wrangler(tmp: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str, Path]:
    port = helpers.free_port()
    state = tmp / "wrangler-state"
    # The same small site as the native target's, as the Worker's static assets (wrangler.toml
    # [assets]: binding and run_worker_first; the folder is replaced here).
    args = ["npx", "wrangler", "dev", "--ip", "127.0.0.1", "--port", str(port), "--persist-to", str(state),
            "--inspector-port", str(helpers.free_port()), "--show-interactive-dev-session=false",
            "--assets", str(make_site(tmp))]
    for k, v in env.items():
        args += ["--var", f"{k}:{v}"]
    log = tmp / f"wrangler-{port}.log"
    # Its own process group: npx starts node, which starts workerd; stopping only npx left
    # node and workerd running after the suite (seen: two workerd still serving afterwards).
    process = subprocess.Popen(args, cwd=WORKER_DIR, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                               env={**os.environ, "WRANGLER_SEND_METRICS": "false", "CI": "1",
                                    "NO_D1_WARNING": "true"}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        helpers.wait_healthy(url, timeout=120)
    except RuntimeError:
        stop_group(process)
        raise RuntimeError(f"wrangler dev did not start; log:\n{log.read_text(errors='replace')[-4000:]}")
    return process, url, log


@pytest.fixture(scope="session", params=target_names())
def target(request, tmp_path_factory):
    name = request.param
    if name == "external":
        yield Target("external", os.environ["INKAN_WORKER_URL"], None)
        return
    tmp = tmp_path_factory.mktemp(f"worker-{name}")
    receiver = Receiver(helpers.REMINDER_SECRET)
    env = base_env(receiver)
    if name == "native":
        request.getfixturevalue("native_built")
        env["INKAN_SITE_DIR"] = str(make_site(tmp))
        server = NativeServer(str(tmp / "data"), env).start()
        yield Target("native", server.url, receiver, server, str(tmp / "data"))
        server.stop()
        leaked = [s for s in (helpers.PASSWORD, "BEGIN CERTIFICATE REQUEST", "taro@example.jp") if s in server.logs()]
        assert not leaked, f"secrets or personal data in the logs: {leaked}"
    elif name == "wrangler":
        request.getfixturevalue("workers_built")
        process, url, log = start_wrangler(tmp, env)
        yield Target("wrangler", url, receiver, process, str(tmp / "wrangler-state"))
        stop_group(process)
    else:
        raise ValueError(f"unknown target {name}")
    receiver.close()


@pytest.fixture
def api(target) -> Api:
    return target.api()


def native_only(target):
    if target.name != "native":
        pytest.skip("needs the native server (process control, data directory or static site)")
