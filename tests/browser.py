"""What a person sees, tested in a browser: Debian's Chromium driven by Playwright, and a Jupyter
server started on loopback for the test.

Playwright's own browser download does not work here, so the tests use /usr/bin/chromium with the
flags this machine needs; without it (or without the playwright package) they are skipped, saying
what to install.
"""
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser():
    """Skip the calling test unless Chromium and Playwright are both here."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("no browser to test with: Debian's chromium is not installed "
                    "(apt-get install chromium)")
    pytest.importorskip("playwright", reason="pip install playwright (in the dev extras)")


@contextlib.contextmanager
def browser_page(tmp_path):
    """A fresh Chromium page (its own profile in ``tmp_path``), closed afterwards."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, args=FLAGS,
            headless=True, viewport={"width": 1400, "height": 1000})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(folder, tmp_path, *arguments, env=None):
    """JupyterLab serving ``folder`` on loopback, started there (so its nbgrader_config.py
    applies): yields its base URL and token. Its settings and runtime files stay in ``tmp_path``."""
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path / "jupyter-home"
    home.mkdir(exist_ok=True)
    environment = {**os.environ, "HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
                   "JUPYTER_CONFIG_DIR": str(home / "config"), **(env or {})}
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
               f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={folder}", *arguments]
    if os.geteuid() == 0:  # CI runs as root
        command.append("--allow-root")
    log = open(tmp_path / "jupyter.log", "wb")
    server = subprocess.Popen(command, cwd=folder, env=environment, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, f"{url}/api/status?token={token}", tmp_path / "jupyter.log")
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_until_up(server, status_url, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"jupyter lab exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(status_url, timeout=2):
                return
        time.sleep(0.3)
    raise RuntimeError(f"jupyter lab did not start in {seconds} s: {log.read_text()[-2000:]}")
