"""End to end in a real browser: JupyterLab on localhost, headless Debian Chromium driven by Playwright.

The test opens a small dashboard notebook, runs all cells, starts training the way a learner does (the thread
driver starts itself; the play driver, Colab's, trains on the ticks of the player whose play button the test
presses), moves the k slider (its readout: click, select, type, Enter) while training runs, and then checks the
trainer's own history — which the notebook writes to history.json every few steps — for steps trained with the
new k. Screenshots go to $GANEDU_ARTIFACTS/browser_dashboard_<driver>.png (default: the test's temporary folder).

Needs ``chromium`` on PATH (Debian: ``apt-get install -y chromium``) and ``pip install playwright``; nothing is
downloaded (no ``playwright install``). Skipped with the reason when either is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SERVER_START_S = 120  # JupyterLab's first start builds its caches; slow on 2 busy cores
CELLS_S = 180  # kernel start + imports + the first training steps
TRAIN_S = 60  # for steps with the new k to be written after the slider moved
K_NEW = 4  # the value typed into the k slider

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install -y chromium)"),
    pytest.mark.skipif(sync_playwright is None, reason="Playwright for Python missing (pip install playwright)"),
    pytest.mark.skipif(shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None
                       and shutil.which("jupyter-lab") is None, reason="JupyterLab is not installed"),
]

# The notebook: a tiny 2D GAN, a callback that writes the trainer's (step, k) history, the dashboard started in a
# thread. Cells are code only; the test reads history.json, written atomically (temp file + rename).
CELLS = [
    """import json, os, torch
import ganedu as ge
from ganedu import widgets

def dump_history(trainer):
    rows = [[r["step"], r["k"]] for r in trainer.history.rows]
    with open("history.json.tmp", "w") as f:
        json.dump(rows, f)
    os.replace("history.json.tmp", "history.json")
""",
    """torch.manual_seed(0)
torch.set_num_threads(1)  # a tiny net: one thread is fastest, and immune to OpenMP stalls on a busy machine
G = ge.models.MLPGenerator(latent_dim=2, hidden=(16,), out_shape=(2,), batchnorm=False, tanh=False)
D = ge.models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
trainer = ge.Trainer(G, D, torch.randn(512, 2), ge.TrainConfig(batch_size=32, device="cpu", sync_every=5))
trainer.k""",
    """dash = widgets.Dashboard(trainer, driver=DRIVER, callbacks=[ge.train.every(25, dump_history)],
                         autostart=DRIVER == "thread", sync_steps=0, refresh=0.3)
dash""",
]
DRIVERS = ("thread", "play")  # thread: Lab, Notebook 7, VS Code, Voila; play: Colab (tested here on ipywidgets 8)


def _notebook(path: Path, driver: str) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    cells = [src.replace("DRIVER", repr(driver)) for src in CELLS]
    cells[0] = cells[0].replace("history.json", f"history_{driver}.json")
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nbformat.write(nb, path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float, proc: subprocess.Popen) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer {url} within {timeout} s")


def _read_history(path: Path) -> list[list[int]]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return []


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server in a temp dir (its own config, settings and workspaces); yields (url base, token, dir)."""
    tmp_path = tmp_path_factory.mktemp("lab")
    work = tmp_path / "work"
    work.mkdir()
    for driver in DRIVERS:
        _notebook(work / f"dashboard_{driver}.ipynb", driver)
    config = tmp_path / "config"
    (config / "labconfig").mkdir(parents=True)
    # the news / update pop-up can cover the output area: off
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"), PYTHONUNBUFFERED="1")
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
           f"--ServerApp.root_dir={work}", "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI runs as root; without it the server refuses to start
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{base}/api/status?token={token}", SERVER_START_S, proc)
        yield base, token, work
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernel it started (same process group)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


@pytest.mark.parametrize("driver", DRIVERS)
def test_moving_the_k_slider_in_chromium_changes_the_trainers_history(lab, driver):
    base, token, work = lab
    history = work / f"history_{driver}.json"
    artifacts = Path(os.environ.get("GANEDU_ARTIFACTS") or work)  # never the checkout: tests leave it as it was
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / f"browser_dashboard_{driver}.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/workspaces/{driver}/tree/dashboard_{driver}.ipynb?reset&token={token}")
            page.wait_for_function(
                "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'",
                timeout=CELLS_S * 1000)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

            # the dashboard rendered and is training with k = 1
            slider = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="k (D steps)"))
            slider.first.wait_for(timeout=CELLS_S * 1000)
            if driver == "play":  # Colab's way: the learner presses the player's play button
                page.locator(".widget-play button").first.click()
            page.wait_for_function("() => document.body.innerText.includes('| training')", timeout=CELLS_S * 1000)
            end = time.monotonic() + CELLS_S
            while len(_read_history(history)) < 25 and time.monotonic() < end:
                time.sleep(0.2)
            before = _read_history(history)
            assert before and all(k == 1 for _, k in before), f"training did not start with k = 1: {before[-3:]}"

            # the learner edits the slider's readout while training runs
            readout = slider.first.locator(".widget-readout")
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(str(K_NEW))
            page.keyboard.press("Enter")
            moved_at = before[-1][0]

            end = time.monotonic() + TRAIN_S
            rows = _read_history(history)
            while not any(k == K_NEW for _, k in rows) and time.monotonic() < end:
                time.sleep(0.2)
                rows = _read_history(history)
            page.wait_for_timeout(800)  # one more redraw, so the screenshot shows the new k
            page.screenshot(path=str(shot), full_page=True)
            # this kernel would train on beside the next test's: shut it down
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        finally:
            browser.close()

    rows = _read_history(history)
    ks = [k for _, k in rows]
    assert K_NEW in ks, f"the trainer never trained with k = {K_NEW}; last rows {rows[-5:]} (screenshot {shot})"
    first = ks.index(K_NEW)
    assert rows[first][0] > moved_at  # the new k applies to steps after the move ...
    assert all(k == 1 for k in ks[:first]) and all(k == K_NEW for k in ks[first:])  # ... and to every one after
    assert [s for s, _ in rows] == list(range(1, len(rows) + 1))  # one trainer, one row per step: no second loop
    assert shot.is_file() and shot.stat().st_size > 10_000
